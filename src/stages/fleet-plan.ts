import * as core from '@actions/core';
import { MAX_RINGS } from '../fleet.js';
import { FLEET } from '../pipeline.js';
import {
  PERMISSION_FIX,
  currentRepo,
  octokitGetEnvironment,
  type GetEnvironment,
} from '../github-environment.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import type { FleetPlanData, SoakTimer } from '../stage-data.js';

/** The environment whose wait timer holds a ring's soak (docs/fleet.md). */
const soakEnvironment = (ring: string) => `${ring}${FLEET.soakWait.environmentSuffix}`;

const NOTHING_CHANGED = 'Nothing was changed: no ring has started.';

export interface FleetPlanDeps {
  /** The request function; octokit by default, a fake in tests. */
  api?: (token: string) => GetEnvironment;
  /** The runner's environment (GITHUB_ACTIONS); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Each ring's soak environment must hold its soak for soak-minutes: one without a wait timer (GitHub creates a missing
 * environment at the first job that names it, unprotected) would not wait at all, and its soak would fail a day later.
 * Read once, before ring 1 starts; outside GitHub Actions nothing is read, and the plan says so.
 */
async function checkSoakTimers(ctx: StageContext, data: FleetPlanData, deps: FleetPlanDeps): Promise<void> {
  const minutes = ctx.settings.soak.minutes;
  const token = ctx.settings.report.token;
  const repo = currentRepo();
  const inActions = (deps.env ?? process.env)['GITHUB_ACTIONS'] === 'true';
  if (!token || !repo) {
    const missing = token ? 'no GITHUB_REPOSITORY names the repository' : 'no github-token was given';
    if (inActions) {
      throw new StageError(
        `The fleet plan cannot read the rings' soak environments: ${missing}.`,
        NOTHING_CHANGED,
        `Pass github-token: \${{ github.token }} to the plan job. ${PERMISSION_FIX}`,
      );
    }
    data.soakCheck = `this is not a GitHub Actions run and ${missing}: the soak environments were not read`;
    ctx.skip('check the soak wait timers', data.rings.map(soakEnvironment).join(', '), data.soakCheck);
    core.notice(`Soak wait timers not checked: ${data.soakCheck}.`);
    return;
  }
  const api = (deps.api ?? octokitGetEnvironment)(token);
  const timers: SoakTimer[] = [];
  for (const ring of data.rings) {
    const environment = soakEnvironment(ring);
    let waitMinutes: number | null = null;
    let reason: string;
    try {
      const answer = await api(repo, environment);
      waitMinutes = answer.protection_rules?.find((r) => r.type === 'wait_timer')?.wait_timer ?? null;
      reason =
        waitMinutes === null
          ? 'it has no wait timer'
          : `its wait timer is ${waitMinutes} minute(s)${waitMinutes < minutes ? `, shorter than soak-minutes (${minutes})` : ''}`;
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (status === 401 || status === 403) {
        throw new StageError(
          `The github-token cannot read environment '${environment}' of ${repo.owner}/${repo.repo} (HTTP ${status}).`,
          NOTHING_CHANGED,
          PERMISSION_FIX,
        );
      }
      if (status !== 404) throw err;
      reason = 'it does not exist (GitHub would create it at the soak, with no wait timer)';
    }
    timers.push({
      ring,
      environment,
      waitMinutes,
      ok: waitMinutes !== null && waitMinutes >= minutes,
      reason,
    });
  }
  data.soakTimers = timers;
  for (const t of timers)
    (t.ok ? ctx.log.info : ctx.log.warn)(`soak of ${t.ring}: environment ${t.environment}: ${t.reason}`);
  const short = timers.filter((t) => !t.ok);
  if (!short.length) return;
  const needed = Math.ceil(minutes);
  ctx.refuse(
    new StageError(
      `The soak of ${short.map((t) => t.ring).join(', ')} would not wait soak-minutes (${minutes}): ` +
        `${short.map((t) => `environment '${t.environment}': ${t.reason}`).join('; ')}.`,
      NOTHING_CHANGED,
      `Give each one a wait timer of at least ${needed} minute(s): Settings > Environments > <ring>-soak > Wait timer, ` +
        `or gh api -X PUT repos/${repo.owner}/${repo.repo}/environments/<ring>-soak -F wait_timer=${needed} ` +
        '(at most 43200); or lower soak-minutes. Then re-run.',
    ),
  );
}

/**
 * The fleet workflows' first job: the rings input, checked (src/inputs.ts), as one output per ring slot (ring-1 ...)
 * and as a JSON list (environments) for the status matrix; with a soak, each ring's soak environment's wait timer.
 * It needs no JAMS host and changes nothing.
 */
export function fleetPlanStage(deps: FleetPlanDeps = {}): Stage {
  return {
    hostless: true,
    async run(ctx) {
      const data: FleetPlanData = { rings: ctx.settings.fleet.rings };
      ctx.record.data.fleetPlan = data;
      data.rings.forEach((ring, i) => ctx.log.info(`ring ${i + 1}: ${ring}`));
      ctx.log.info(`${data.rings.length} of ${MAX_RINGS} ring slot(s) used`);
      try {
        if (ctx.settings.soak.minutes > 0) await checkSoakTimers(ctx, data, deps);
      } finally {
        const timer = (ring: string) => {
          const t = data.soakTimers?.find((s) => s.ring === ring);
          return t ? `${t.ok ? '' : '**'}${t.reason}${t.ok ? '' : '**'}` : (data.soakCheck ?? 'no soak');
        };
        ctx.summarySections.push(
          [
            '### Fleet plan',
            '',
            '| Ring | Environment | Soak environment |',
            '| --- | --- | --- |',
            ...data.rings.map((r, i) => `| ${i + 1} | ${r} | ${soakEnvironment(r)}: ${timer(r)} |`),
          ].join('\n'),
        );
      }
    },
  };
}

export const fleetPlan: Stage = fleetPlanStage();
