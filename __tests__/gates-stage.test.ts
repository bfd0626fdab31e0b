import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNPROTECTED_GATES_BANNER, UNPROTECTED_GATES_WARNING } from '../src/gate-protection.js';
import type { Host } from '../src/host/host.js';
import { gatesUnprotected, type HostFactory } from '../src/main.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import type { Settings } from '../src/settings.js';
import { StageContext, StageError } from '../src/stage-context.js';
import type { EnvironmentAnswer, GetEnvironment, RepoRef } from '../src/github-environment.js';
import { gatesStage } from '../src/stages/gates.js';
import { settingsWith } from './helpers/inputs.js';
import { runStage, tempDir } from './helpers/run-stage.js';
import type { GatesData } from '../src/stage-data.js';

// The gates stage: before anything else, the environment whose required reviewers approve the gates must have one.
// GitHub is a fake request function here: no network.

const saved = { ...process.env };
let printed: string[];
let write: ReturnType<typeof jest.spyOn> | undefined;

beforeEach(() => {
  process.env['GITHUB_REPOSITORY'] = 'corp/jams-ops';
});
afterEach(() => {
  write?.mockRestore();
  write = undefined;
  process.env = { ...saved };
});

/** Swallows what the stage prints, to read it back. */
function capture(): void {
  printed = [];
  write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
}

const USER = (login: string) => ({ type: 'User', reviewer: { login } });
const TEAM = (slug: string) => ({ type: 'Team', reviewer: { slug, name: slug } });
const reviewers = (list: object[], preventSelfReview: boolean): EnvironmentAnswer => ({
  name: 'production',
  can_admins_bypass: false,
  protection_rules: [
    { type: 'required_reviewers', prevent_self_review: preventSelfReview, reviewers: list },
    { type: 'branch_policy' },
  ],
});
const httpError = (status: number, message: string) => Object.assign(new Error(message), { status });

interface Asked {
  token: string;
  repo: RepoRef;
  environment: string;
}

/** Runs the gates stage on a hand-built context with a fake GitHub answering `answer` (or throwing it). */
async function gates(
  answer: EnvironmentAnswer | Error,
  options: { allowUnprotected?: boolean; dryRun?: boolean; token?: string | null; actions?: boolean } = {},
) {
  const asked: Asked[] = [];
  const api = (token: string): GetEnvironment => {
    return (repo, environment) => {
      asked.push({ token, repo, environment });
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    };
  };
  const base = settingsWith({ stage: 'gates', 'gate-environment': 'production' });
  const settings: Settings = {
    ...base,
    dryRun: options.dryRun ?? false,
    report: { ...base.report, token: options.token === undefined ? 'ghs_fake' : options.token },
    gates: { environment: 'production', allowUnprotected: options.allowUnprotected ?? false },
  };
  const record = { actions: [], warnings: [], data: {} } as unknown as StageRecord;
  const ctx = new StageContext(settings, {} as Host, record, new RunFolder(tempDir('gates'), 'gates', null));
  capture();
  let error: unknown = null;
  try {
    await gatesStage({ api, env: options.actions === false ? {} : { GITHUB_ACTIONS: 'true' } }).run(ctx);
  } catch (err) {
    error = err;
  }
  write?.mockRestore();
  write = undefined;
  return {
    error: error as StageError | null,
    data: record.data['gates'] as GatesData,
    warnings: record.warnings,
    summary: ctx.summarySections.join('\n'),
    asked,
    stdout: printed.join(''),
  };
}

describe('the gates stage reads the gate environment', () => {
  test('asks GitHub for the environment of this repository (github.context.repo) with the github-token', async () => {
    const r = await gates(reviewers([USER('alice')], true));
    expect(r.asked).toEqual([
      { token: 'ghs_fake', repo: { owner: 'corp', repo: 'jams-ops' }, environment: 'production' },
    ]);
  });

  test('protected, prevent self-review on: passes, and the summary names the reviewers', async () => {
    const r = await gates(reviewers([USER('alice'), TEAM('ops-leads')], true));
    expect(r.error).toBeNull();
    expect(r.warnings).toEqual([]);
    expect(r.data).toMatchObject({
      environment: 'production',
      repository: 'corp/jams-ops',
      verdict: 'protected',
      reviewers: ['alice', 'ops-leads (team)'],
      preventSelfReview: true,
      canAdminsBypass: false,
      rules: [
        { type: 'required_reviewers', reviewers: ['alice', 'ops-leads (team)'], preventSelfReview: true },
        { type: 'branch_policy' },
      ],
    });
    expect(r.summary).toMatch(/^### Approval gates: environment production\n/);
    expect(r.summary).toContain('| Verdict | **protected**: a required reviewer approves each gate |');
    expect(r.summary).toContain('| Required reviewers | alice, ops-leads (team) |');
    expect(r.summary).toContain('| Prevent self-review | on |');
    expect(r.summary).toContain('| Protection rules | required_reviewers (2 reviewer(s)), branch_policy |');
  });

  test('protected, prevent self-review off: passes with a warning that the dispatcher could approve', async () => {
    const r = await gates(reviewers([USER('alice')], false));
    expect(r.error).toBeNull();
    expect(r.data).toMatchObject({ verdict: 'protected', preventSelfReview: false });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^Prevent self-review is off for environment 'production': whoever dispatches the run can approve its gates themselves\. Turn it on: Settings > Environments > production > Required reviewers > Prevent self-review\.$/,
      ),
    ]);
    expect(r.stdout).toContain('::warning::Prevent self-review is off');
    expect(r.summary).toContain(
      '| Prevent self-review | **off**: the dispatcher can approve their own run |',
    );
  });

  test.each([
    [
      'no required reviewers rule',
      { protection_rules: [{ type: 'wait_timer', wait_timer: 5 }] },
      /its rules: wait_timer \(5 min\)/,
    ],
    [
      'a required reviewers rule with no reviewer',
      { protection_rules: [{ type: 'required_reviewers', prevent_self_review: true, reviewers: [] }] },
      /its required reviewers rule lists no reviewer/,
    ],
    ['no protection rules at all', {}, /it has no protection rules/],
  ])(
    'unprotected (%s): fails with one error that names the environment and how to protect it',
    async (_, answer, why) => {
      const r = await gates(answer as EnvironmentAnswer);
      expect(r.error).toBeInstanceOf(StageError);
      expect(r.error?.message).toMatch(
        /^The approval gates are not protected: environment 'production' of corp\/jams-ops /,
      );
      expect(r.error?.message).toMatch(why);
      expect(r.error?.nextStep).toContain('Settings > Environments > production > Required reviewers');
      expect(r.error?.nextStep).toMatch(
        /private or internal repository this needs a plan that offers required reviewers/,
      );
      expect(r.data).toMatchObject({ verdict: 'refused', rulesRead: true, reviewers: [] });
      expect(r.summary).toContain('| Verdict | **refused**: the run stops here |');
    },
  );

  test('unprotected with allow-unprotected-gates: passes with a warning that this is for a lab only', async () => {
    const r = await gates({ protection_rules: [] }, { allowUnprotected: true });
    expect(r.error).toBeNull();
    expect(r.data).toMatchObject({ verdict: 'unprotected', allowUnprotected: true });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^The approval gates are not protected: environment 'production' of corp\/jams-ops it has no protection rules, so no reviewer has to approve the gates\. allow-unprotected-gates is true .*JAMS_ALLOW_UNPROTECTED_GATES.*lab repository only\.$/,
      ),
    ]);
    expect(r.stdout).toContain('::warning::The approval gates are not protected');
    expect(r.summary).toContain('**UNPROTECTED**: no reviewer has to approve the gates');
  });

  test('a dry run checks the same and refuses the same, and its summary says why', async () => {
    const refused = await gates({ protection_rules: [] }, { dryRun: true });
    expect(refused.error?.message).toMatch(/^The approval gates are not protected/);
    expect(refused.summary).toContain('Dry run: this check only reads, so it runs as in a real run');
    const passed = await gates(reviewers([USER('alice')], true), { dryRun: true });
    expect(passed.error).toBeNull();
    expect(passed.data.verdict).toBe('protected');
  });
});

describe("the gates stage fails on each of GitHub's refusals, saying what to change", () => {
  test('404: the environment does not exist in this repository', async () => {
    const r = await gates(httpError(404, 'Not Found'));
    expect(r.error?.message).toBe(
      "The gate environment 'production' does not exist in this repository (corp/jams-ops): GitHub answered 404 Not " +
        'Found, so no reviewer would approve the gates.',
    );
    expect(r.error?.nextStep).toMatch(
      /^Create it \(Settings > Environments > New environment, named production\) and protect it/,
    );
    expect(r.data).toMatchObject({ verdict: 'refused', rulesRead: false });
  });

  test.each([403, 401])(
    '%i: the token cannot read environments; the caller must grant actions: read',
    async (status) => {
      const r = await gates(httpError(status, 'Resource not accessible by integration'));
      expect(r.error?.message).toMatch(
        new RegExp(
          `^The github-token cannot read the environments of corp/jams-ops \\(HTTP ${status}: Resource not`,
        ),
      );
      expect(r.error?.nextStep).toContain(
        'For the GITHUB_TOKEN, grant `actions: read` in the `permissions:` of the calling workflow',
      );
      expect(r.error?.nextStep).toContain('Actions: Read');
    },
  );

  test('any other answer: fails with the status', async () => {
    const r = await gates(httpError(502, 'Bad Gateway'));
    expect(r.error?.message).toBe(
      "GitHub answered HTTP 502 to the request for environment 'production' of corp/jams-ops: Bad Gateway",
    );
    const offline = await gates(new Error('getaddrinfo ENOTFOUND api.github.com'));
    expect(offline.error?.message).toMatch(
      /^The request for environment 'production' of corp\/jams-ops failed: getaddrinfo/,
    );
  });
});

describe('the gates stage without a token', () => {
  test('in a GitHub Actions run it fails: an unchecked gate is no gate', async () => {
    const r = await gates(reviewers([USER('alice')], true), { token: null });
    expect(r.asked).toEqual([]);
    expect(r.error?.message).toBe(
      "The gates stage cannot check that environment 'production' protects the approval gates: no github-token was given.",
    );
    expect(r.error?.nextStep).toContain('actions: read');
  });

  test('in a GitHub Actions run with no repository named it fails too', async () => {
    delete process.env['GITHUB_REPOSITORY'];
    delete process.env['GITHUB_EVENT_PATH'];
    const r = await gates(reviewers([USER('alice')], true));
    expect(r.error?.message).toMatch(/no GITHUB_REPOSITORY names the repository\.$/);
  });

  test('outside GitHub Actions (a local rehearsal) it skips with a notice that nothing was checked', async () => {
    const r = await gates(reviewers([USER('alice')], true), { token: null, actions: false });
    expect(r.error).toBeNull();
    expect(r.asked).toEqual([]);
    expect(r.data).toMatchObject({ verdict: 'unchecked', rulesRead: false });
    expect(r.stdout).toContain(
      '::notice::Approval gates not checked (environment production): this is not a GitHub Actions run and no ' +
        'github-token was given: nothing was checked.',
    );
    expect(r.summary).toContain('| Verdict | **unchecked**: nothing was checked |');
  });
});

describe('the gates stage through the action', () => {
  function gatesRun(inputs: Record<string, string>, env: Record<string, string> = {}, host?: HostFactory) {
    const runs = tempDir('gates-run');
    // The lab folder is never created: a stage with no host must not start PowerShell or touch the lab.
    const result = runStage(join(runs, 'no-lab'), runs, inputs, { env, ...(host ? { host } : {}) });
    return { runs, result };
  }

  test('runs with no host and no PowerShell, writes its record, and outputs gate-protection', async () => {
    delete process.env['GITHUB_ACTIONS'];
    const { runs, result } = gatesRun({ stage: 'gates', 'gate-environment': 'production' });
    const r = await result;
    expect(r.exitCode).toBe(0);
    expect(r.outputs['gate-protection']).toBe('unchecked');
    expect(r.record).toMatchObject({ stage: 'gates', role: 'none', status: 'succeeded' });
    expect(r.record.data['gates']).toMatchObject({ environment: 'production', verdict: 'unchecked' });
    expect(r.record.host).toBeUndefined();
    expect(existsSync(join(runs, 'gates', 'powershell-transcript.log'))).toBe(false);
    expect(existsSync(join(runs, 'no-lab'))).toBe(false);
    expect(readFileSync(join(runs, 'gates', 'summary.md'), 'utf8')).toContain(
      '### Approval gates: environment production',
    );
  });

  test('in a workflow run without a token it fails, and outputs no gate-protection', async () => {
    const { result } = gatesRun(
      { stage: 'gates', 'gate-environment': 'production' },
      { GITHUB_ACTIONS: 'true' },
    );
    const r = await result;
    expect(r.exitCode).toBe(1);
    expect(r.outputs['gate-protection']).toBeUndefined();
    expect(r.record).toMatchObject({ status: 'failed', data: { gates: { verdict: 'refused' } } });
    expect(r.stdout).toContain('no github-token was given');
  });

  test('without gate-environment: refused at the door in a workflow run; a local rehearsal checks nothing', async () => {
    const refused = await gatesRun({ stage: 'gates' }, { GITHUB_ACTIONS: 'true' }).result;
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain(
      "input 'gate-environment' is empty: the gates stage needs the name of the protected",
    );
    delete process.env['GITHUB_ACTIONS'];
    const local = await gatesRun({ stage: 'gates' }).result;
    expect(local.exitCode).toBe(0);
    expect(local.outputs['gate-protection']).toBe('unchecked');
    expect(local.stdout).toContain(
      '::notice::Approval gates not checked (the gate environment): this is not a GitHub Actions run and no ' +
        'gate-environment was given and no github-token was given: nothing was checked.',
    );
  });
});

describe('gate-protection unprotected: every stage warns at the top of its summary and its log', () => {
  const failingHost: HostFactory = () =>
    new Proxy({} as Host, {
      get: (_t, name) =>
        name === 'close'
          ? () => Promise.resolve()
          : () => Promise.reject(new Error('no JAMS host in this test')),
    });

  test.each([
    ['report', { stage: 'report' }],
    ['gates', { stage: 'gates', 'gate-environment': 'production' }],
    ['a host stage (it fails here, and still warns)', { stage: 'stop', role: 'secondary' }],
  ])('%s', async (_, inputs) => {
    delete process.env['GITHUB_ACTIONS'];
    const runs = tempDir('gates-banner');
    const r = await runStage(
      join(runs, 'no-lab'),
      runs,
      { ...inputs, 'gate-protection': 'unprotected' },
      {
        host: failingHost,
      },
    );
    const folder = inputs.stage === 'stop' ? 'stop-secondary' : inputs.stage;
    const summary = readFileSync(join(runs, folder, 'summary.md'), 'utf8');
    expect(summary.startsWith(UNPROTECTED_GATES_BANNER)).toBe(true);
    expect(summary.split(UNPROTECTED_GATES_WARNING)).toHaveLength(3); // the banner, and the list of warnings
    const log = readFileSync(join(runs, folder, 'stage.log'), 'utf8').split('\n');
    expect(log[0]).toMatch(
      new RegExp(`^\\S+ WARNING ${UNPROTECTED_GATES_WARNING.replace(/[().]/g, '\\$&')}$`),
    );
    expect(r.record.warnings[0]).toBe(UNPROTECTED_GATES_WARNING);
    expect(r.stdout.split('\n').find((l) => l.startsWith('::warning::'))).toBe(
      `::warning::${UNPROTECTED_GATES_WARNING}`,
    );
  });

  test.each([['protected'], ['unchecked'], ['']])(
    'gate-protection %j: no such warning',
    async (protection) => {
      const runs = tempDir('gates-banner');
      const r = await runStage(join(runs, 'no-lab'), runs, {
        stage: 'report',
        'gate-protection': protection,
      });
      expect(r.exitCode).toBe(0);
      expect(readFileSync(join(runs, 'report', 'summary.md'), 'utf8')).not.toContain(
        UNPROTECTED_GATES_WARNING,
      );
      expect(r.stdout).not.toContain(UNPROTECTED_GATES_WARNING);
    },
  );

  test("the gates stage's own unprotected verdict puts the banner on its summary too, whatever the input", () => {
    const settings = settingsWith({ stage: 'gates', 'gate-environment': 'production' });
    const record = (verdict: string) => ({ data: { gates: { verdict } } }) as unknown as StageRecord;
    expect(gatesUnprotected(settings, record('unprotected'))).toBe(true);
    expect(gatesUnprotected(settings, record('protected'))).toBe(false);
    expect(gatesUnprotected(settings, { data: {} } as unknown as StageRecord)).toBe(false);
    expect(
      gatesUnprotected({ ...settings, gateProtection: 'unprotected' }, { data: {} } as StageRecord),
    ).toBe(true);
  });
});
