import * as core from '@actions/core';
import type { GateProtection } from '../gate-protection.js';
import {
  PERMISSION_FIX,
  currentRepo,
  octokitGetEnvironment,
  type EnvironmentAnswer,
  type GetEnvironment,
  type ProtectionRule,
} from '../github-environment.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import type { GateRule, GatesData } from '../stage-data.js';

const NOTHING_CHANGED = 'Nothing was changed: no host was read and the upgrade did not start.';
const reviewerName = (r: NonNullable<ProtectionRule['reviewers']>[number]): string => {
  const who = r.reviewer;
  if (r.type === 'Team') return `${who?.slug ?? who?.name ?? '?'} (team)`;
  return who?.login ?? who?.name ?? '?';
};

function ruleView(rule: ProtectionRule): GateRule {
  return {
    type: rule.type,
    ...(rule.reviewers ? { reviewers: rule.reviewers.map(reviewerName) } : {}),
    ...(rule.prevent_self_review !== undefined ? { preventSelfReview: rule.prevent_self_review } : {}),
    ...(rule.wait_timer !== undefined ? { waitTimerMinutes: rule.wait_timer } : {}),
  };
}

function ruleText(rule: GateRule): string {
  if (rule.type === 'required_reviewers')
    return `required_reviewers (${rule.reviewers?.length ?? 0} reviewer(s))`;
  if (rule.type === 'wait_timer') return `wait_timer (${rule.waitTimerMinutes ?? 0} min)`;
  return rule.type;
}

/** Why a failed request stops the run, in words that say what to change. */
function refusal(err: unknown, data: GatesData): StageError {
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? String(err);
  const where = `environment '${data.environment}' of ${data.repository}`;
  if (status === 404) {
    return new StageError(
      `The gate environment '${data.environment}' does not exist in this repository (${data.repository}): GitHub ` +
        'answered 404 Not Found, so no reviewer would approve the gates.',
      NOTHING_CHANGED,
      `Create it (Settings > Environments > New environment, named ${data.environment}) and protect it ` +
        `(Settings > Environments > ${data.environment} > Required reviewers), or pass the name of the protected ` +
        "environment as the workflow's environment input; then re-run.",
    );
  }
  if (status === 401 || status === 403) {
    return new StageError(
      `The github-token cannot read the environments of ${data.repository} (HTTP ${status}: ${message}), so it ` +
        `cannot check that ${where} protects the approval gates.`,
      NOTHING_CHANGED,
      status === 401
        ? `GitHub refused the token: pass github-token: \${{ github.token }}. ${PERMISSION_FIX}`
        : PERMISSION_FIX,
    );
  }
  return new StageError(
    typeof status === 'number'
      ? `GitHub answered HTTP ${status} to the request for ${where}: ${message}`
      : `The request for ${where} failed: ${message}`,
    NOTHING_CHANGED,
    'Re-run the gates job; if GitHub keeps failing, check https://www.githubstatus.com and try later.',
  );
}

/** An unprotected environment: what is missing, in words. */
function unprotectedWhy(rules: GateRule[]): string {
  const reviewers = rules.find((r) => r.type === 'required_reviewers');
  if (reviewers) return 'its required reviewers rule lists no reviewer';
  if (rules.length) return `it has no required reviewers (its rules: ${rules.map(ruleText).join(', ')})`;
  return 'it has no protection rules';
}

/** The gates stage's part of the job summary: the environment, the rules found and the verdict. */
export function gatesMarkdown(data: GatesData, dryRun: boolean): string {
  const cell = (text: string) =>
    text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s+/g, ' ');
  const verdicts: Record<GatesData['verdict'], string> = {
    protected: '**protected**: a required reviewer approves each gate',
    unprotected:
      '**UNPROTECTED**: no reviewer has to approve the gates; allowed by allow-unprotected-gates (lab only)',
    unchecked: '**unchecked**: nothing was checked',
    refused: '**refused**: the run stops here',
  };
  const rows: [string, string][] = [
    ['Environment', data.environment || 'none given'],
    ['Repository', data.repository ?? 'unknown'],
    ['Verdict', verdicts[data.verdict]],
    ['Why', data.reason],
  ];
  if (data.reviewers.length) rows.push(['Required reviewers', data.reviewers.join(', ')]);
  if (data.preventSelfReview !== null) {
    rows.push([
      'Prevent self-review',
      data.preventSelfReview ? 'on' : '**off**: the dispatcher can approve their own run',
    ]);
  }
  if (data.canAdminsBypass !== null) {
    rows.push(['Administrators may bypass', data.canAdminsBypass ? 'yes' : 'no']);
  }
  if (data.rulesRead) {
    rows.push(['Protection rules', data.rules.map(ruleText).join(', ') || 'none']);
  }
  const lines = [
    `### Approval gates: environment ${cell(data.environment || '(none given)')}`,
    '',
    '| Check | Found |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
  ];
  if (dryRun) {
    lines.push(
      '',
      'Dry run: this check only reads, so it runs as in a real run, and refuses what a real run would refuse; a dry ' +
        'run is how an admin finds out.',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface GatesDeps {
  /** The request function; octokit by default, a fake in tests. */
  api?: (token: string) => GetEnvironment;
  /** The runner's environment (GITHUB_ACTIONS); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

async function check(ctx: StageContext, data: GatesData, deps: GatesDeps): Promise<GateProtection> {
  const env = deps.env ?? process.env;
  const inActions = env['GITHUB_ACTIONS'] === 'true';
  const token = ctx.settings.report.token;
  const repo = currentRepo();
  data.repository = repo ? `${repo.owner}/${repo.repo}` : null;
  const target = data.environment ? `environment ${data.environment}` : 'the gate environment';
  const missing = [
    ...(data.environment ? [] : ['no gate-environment was given']),
    ...(token ? [] : ['no github-token was given']),
    ...(repo ? [] : ['no GITHUB_REPOSITORY names the repository']),
  ].join(' and ');
  if (!data.environment || !token || !repo) {
    if (inActions) {
      throw new StageError(
        `The gates stage cannot check that ${data.environment ? `environment '${data.environment}'` : target} ` +
          `protects the approval gates: ${missing}.`,
        NOTHING_CHANGED,
        [
          ...(data.environment
            ? []
            : [
                'Pass gate-environment: the protected environment whose required reviewers approve the gates.',
              ]),
          ...(token ? [] : [`Pass github-token: \${{ github.token }} to the gates job. ${PERMISSION_FIX}`]),
          ...(repo ? [] : ['Run it as a step of a GitHub Actions job, which sets GITHUB_REPOSITORY.']),
        ].join(' '),
      );
    }
    data.reason = `this is not a GitHub Actions run and ${missing}: nothing was checked`;
    ctx.skip('check the approval gates', target, data.reason);
    core.notice(`Approval gates not checked (${target}): ${data.reason}.`);
    return 'unchecked';
  }

  let answer: EnvironmentAnswer;
  try {
    answer = await (deps.api ?? octokitGetEnvironment)(token)(repo, data.environment);
  } catch (err) {
    throw refusal(err, data);
  }
  data.rulesRead = true;
  data.rules = (answer.protection_rules ?? []).map(ruleView);
  data.canAdminsBypass = answer.can_admins_bypass ?? null;
  const required = data.rules.find((r) => r.type === 'required_reviewers' && (r.reviewers?.length ?? 0) > 0);

  if (required) {
    data.reviewers = required.reviewers ?? [];
    data.preventSelfReview = required.preventSelfReview ?? false;
    data.reason =
      `required reviewers: ${data.reviewers.join(', ')}; prevent self-review ` +
      `${data.preventSelfReview ? 'on' : 'off'}`;
    ctx.log.info(
      `environment '${data.environment}' of ${data.repository} protects the gates: ${data.reason}`,
    );
    if (!data.preventSelfReview) {
      ctx.log.warn(
        `Prevent self-review is off for environment '${data.environment}': whoever dispatches the run can approve ` +
          `its gates themselves. Turn it on: Settings > Environments > ${data.environment} > Required reviewers > ` +
          'Prevent self-review.',
      );
    }
    if (data.canAdminsBypass) {
      ctx.log.info('administrators may bypass the protection rules of this environment (its own setting)');
    }
    return 'protected';
  }

  const why = unprotectedWhy(data.rules);
  data.reason = `${why}, so no reviewer has to approve the gates`;
  if (!data.allowUnprotected) {
    throw new StageError(
      `The approval gates are not protected: environment '${data.environment}' of ${data.repository} ${data.reason}` +
        ' ("approve downtime" would pass with no one approving).',
      NOTHING_CHANGED,
      `Protect it: Settings > Environments > ${data.environment} > Required reviewers, add at least one reviewer ` +
        '(and tick Prevent self-review), then re-run. On a private or internal repository this needs a plan that ' +
        'offers required reviewers (GitHub Enterprise; on GitHub Free, Pro and Team they exist on public ' +
        'repositories only).',
    );
  }
  ctx.log.warn(
    `The approval gates are not protected: environment '${data.environment}' of ${data.repository} ${data.reason}. ` +
      'allow-unprotected-gates is true (the hosts environment variable JAMS_ALLOW_UNPROTECTED_GATES), so the run ' +
      'goes on: for a lab repository only.',
  );
  return 'unprotected';
}

/**
 * Before anything else, on the control runner and with no JAMS host: checks that the environment whose required
 * reviewers approve the gates (gate-environment) has at least one required reviewer, so "approve downtime" cannot
 * pass with no one approving. It only reads, so a dry run checks the same and refuses the same.
 */
export function gatesStage(deps: GatesDeps = {}): Stage {
  return {
    hostless: true,
    async run(ctx) {
      const data: GatesData = {
        environment: ctx.settings.gates.environment ?? '',
        repository: null,
        rulesRead: false,
        rules: [],
        reviewers: [],
        preventSelfReview: null,
        canAdminsBypass: null,
        allowUnprotected: ctx.settings.gates.allowUnprotected,
        verdict: 'refused',
        reason: '',
      };
      ctx.record.data.gates = data;
      if (ctx.dryRun) {
        ctx.log.info('[dry-run] the gate check only reads: it runs, and refuses, as in a real run');
      }
      try {
        data.verdict = await check(ctx, data, deps);
      } catch (err) {
        data.reason = (err as Error).message;
        throw err;
      } finally {
        ctx.summarySections.push(gatesMarkdown(data, ctx.dryRun));
      }
    },
  };
}

export const gates: Stage = gatesStage();
