import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { EnvironmentAnswer, GetEnvironment } from '../src/github-environment.js';
import type { Host } from '../src/host/host.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import type { Settings } from '../src/settings.js';
import { StageContext, StageError } from '../src/stage-context.js';
import type { FleetPlanData } from '../src/stage-data.js';
import { fleetPlanStage } from '../src/stages/fleet-plan.js';
import { settingsWith } from './helpers/inputs.js';
import { tempDir } from './helpers/run-stage.js';

// The fleet plan reads each ring's soak environment before ring 1 starts: a soak that would not wait soak-minutes
// stops the promotion before any pair is touched. GitHub is a fake request function here: no network.

const saved = { ...process.env };
beforeEach(() => {
  process.env['GITHUB_REPOSITORY'] = 'corp/jams-ops';
});
afterEach(() => {
  process.env = { ...saved };
});

const timer = (minutes: number): EnvironmentAnswer => ({
  protection_rules: [{ type: 'wait_timer', wait_timer: minutes }],
});
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

async function plan(
  answers: Record<string, EnvironmentAnswer | Error>,
  options: { minutes?: string; dryRun?: boolean; token?: string | null; actions?: boolean } = {},
) {
  const asked: string[] = [];
  const api = (): GetEnvironment => (_repo, environment) => {
    asked.push(environment);
    const answer = answers[environment] ?? httpError(404);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const base = settingsWith({
    stage: 'fleet-plan',
    rings: 'dev, test, prod',
    'soak-minutes': options.minutes ?? '1440',
  });
  const settings: Settings = {
    ...base,
    dryRun: options.dryRun ?? false,
    report: { ...base.report, token: options.token === undefined ? 'ghs_fake' : options.token },
  };
  const record = { actions: [], warnings: [], data: {} } as unknown as StageRecord;
  const ctx = new StageContext(
    settings,
    {} as Host,
    record,
    new RunFolder(tempDir('plan'), 'fleet-plan', null),
  );
  let error: StageError | null = null;
  try {
    await fleetPlanStage({ api, env: options.actions === false ? {} : { GITHUB_ACTIONS: 'true' } }).run(ctx);
  } catch (err) {
    error = err as StageError;
  }
  return {
    error,
    asked,
    data: record.data.fleetPlan as FleetPlanData,
    warnings: record.warnings,
    summary: ctx.summarySections.join('\n'),
  };
}

const all = { 'dev-soak': timer(1440), 'test-soak': timer(2880), 'prod-soak': timer(1440) };

describe('the fleet plan reads the soak environments', () => {
  test('every ring soak environment waits at least soak-minutes: the plan passes and lists them', async () => {
    const r = await plan(all);
    expect(r.error).toBeNull();
    expect(r.asked).toEqual(['dev-soak', 'test-soak', 'prod-soak']);
    expect(r.data.soakTimers?.map((t) => [t.environment, t.waitMinutes, t.ok])).toEqual([
      ['dev-soak', 1440, true],
      ['test-soak', 2880, true],
      ['prod-soak', 1440, true],
    ]);
    expect(r.summary).toMatch(/\| 2 \| test \| test-soak: its wait timer is 2880 minute\(s\) \|/);
  });

  test('a missing soak environment or a short timer stops the promotion before ring 1, with the fix', async () => {
    const r = await plan({ 'dev-soak': timer(60), 'test-soak': timer(1440) });
    expect(r.error?.message).toBe(
      "The soak of dev, prod would not wait soak-minutes (1440): environment 'dev-soak': its wait timer is 60 " +
        "minute(s), shorter than soak-minutes (1440); environment 'prod-soak': it does not exist (GitHub would " +
        'create it at the soak, with no wait timer).',
    );
    expect(r.error?.hostState).toBe('Nothing was changed: no ring has started.');
    expect(r.error?.nextStep).toMatch(
      /gh api -X PUT repos\/corp\/jams-ops\/environments\/<ring>-soak -F wait_timer=1440 \(at most 43200\)/,
    );
    expect(r.summary).toMatch(
      /\| 1 \| dev \| dev-soak: \*\*its wait timer is 60 minute\(s\), shorter than soak-minutes \(1440\)\*\* \|/,
    );
  });

  test('a timer with no wait_timer rule (reviewers only) does not hold the soak', async () => {
    const r = await plan({
      ...all,
      'prod-soak': { protection_rules: [{ type: 'required_reviewers', reviewers: [] }] },
    });
    expect(r.error?.message).toMatch(/environment 'prod-soak': it has no wait timer\.$/);
  });

  test('a dry run says what a real run would stop on, and goes on', async () => {
    const r = await plan({}, { dryRun: true });
    expect(r.error).toBeNull();
    expect(r.warnings.join('\n')).toMatch(
      /a real run would stop here: The soak of dev, test, prod would not wait/,
    );
  });

  test('a token that cannot read environments stops with the permission to grant', async () => {
    const r = await plan({ 'dev-soak': httpError(403) });
    expect(r.error?.message).toBe(
      "The github-token cannot read environment 'dev-soak' of corp/jams-ops (HTTP 403).",
    );
    expect(r.error?.nextStep).toMatch(/actions: read/);
  });

  test('with no soak (soak-minutes 0, the status workflow) nothing is read', async () => {
    const r = await plan({}, { minutes: '0' });
    expect(r.error).toBeNull();
    expect(r.asked).toEqual([]);
    expect(r.summary).toMatch(/\| 1 \| dev \| dev-soak: no soak \|/);
  });

  test('outside GitHub Actions with no token it reads nothing and says so; in Actions it refuses', async () => {
    const local = await plan({}, { token: null, actions: false });
    expect(local.error).toBeNull();
    expect(local.data.soakCheck).toBe(
      'this is not a GitHub Actions run and no github-token was given: the soak environments were not read',
    );
    const run = await plan({}, { token: null });
    expect(run.error?.message).toBe(
      "The fleet plan cannot read the rings' soak environments: no github-token was given.",
    );
  });
});
