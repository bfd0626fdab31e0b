import { beforeEach, describe, expect, test } from '@jest/globals';
import { editLab, injectFault, setTiming } from '../lab/control.js';
import type { SoakData } from '../src/stage-data.js';
import { freshLab, runStage, type StageResult } from './helpers/run-stage.js';

// The soak stage against the lab pair (real pwsh, the real module, the lab's History.Find stand-in): the window
// closed and reopened by the maintenance stages, then the soak's checks.
let lab: string;
let runs: string;

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
  // 50 ms between the lab's history completions: a second of soak holds 20 of them.
  setTiming(lab, { historyPeriodMs: 50 });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const soak = (role: 'primary' | 'secondary', extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'soak', role, 'soak-minutes': '0', ...extra });
const window = async (pauseMs: number) => {
  expect(
    (await runStage(lab, runs, { stage: 'maintenance-on', role: 'primary', 'drain-timeout-seconds': '30' }))
      .exitCode,
  ).toBe(0);
  await sleep(pauseMs);
  expect((await runStage(lab, runs, { stage: 'maintenance-off', role: 'primary' })).exitCode).toBe(0);
};
const soakData = (r: StageResult): SoakData => {
  const data = r.record.data.soak;
  if (!data) throw new Error('The soak left no data.soak in its record.');
  return data;
};
const checksOf = (r: StageResult) => r.record.data.checks ?? [];
const failedChecks = (r: StageResult) =>
  checksOf(r)
    .filter((c) => !c.ok)
    .map((c) => c.check);

describe('soak', () => {
  test('a pair back at its window quantity, with the usual failure rate, is healthy; the rates are recorded', async () => {
    await window(200);
    await sleep(1500);
    const r = await soak('primary');
    expect(r.exitCode).toBe(0);
    const data = soakData(r);
    expect(failedChecks(r)).toEqual([]);
    expect(data.window).toMatchObject({
      resource: 'Maintenance_Window',
      recordedQuantity: 999999,
      quantity: 999999,
    });
    expect(data.rates?.during.completed).toBeGreaterThanOrEqual(20);
    expect(data.rates?.before.completed).toBeGreaterThanOrEqual(20);
    // 1 in 25 fails on both sides of the upgrade.
    expect(data.rates?.ok).toBe(true);
    expect(r.stdout).toMatch(/is healthy [\d.]+ minute\(s\) after the window reopened/);
  });

  test('jobs failing more often since the new version stops the soak with the numbers', async () => {
    injectFault(lab, 'failure-rate');
    await window(200);
    // As the lab's installer does when it puts a newer JAMS on the primary.
    editLab(lab, (s) => (s.newVersionOnPrimaryAt = Date.now()));
    await sleep(1500);
    const r = await soak('primary');
    expect(r.exitCode).not.toBe(0);
    const data = soakData(r);
    expect(failedChecks(r)).toEqual(['failed-entry rate']);
    expect(data.rates?.during.percent).toBeGreaterThanOrEqual(45);
    expect(data.rates?.before.percent).toBeLessThan(10);
    expect(r.record.failure?.message).toMatch(
      /failed-entry rate: during the soak \d+ of \d+ failed \(\d+(\.\d+)? %\), before the upgrade/,
    );
    expect(r.record.failure?.nextStep).toMatch(/no later ring starts/);
    // Allowed 60 points beyond the noise, the same numbers pass.
    expect((await soak('primary', { 'soak-max-failure-increase': '60' })).exitCode).toBe(0);
  });

  test('a soak shorter than soak-minutes fails (the wait timer was too short); a dry run says a real run would stop', async () => {
    await window(100);
    const r = await soak('primary', { 'soak-minutes': '60' });
    expect(r.exitCode).not.toBe(0);
    expect(failedChecks(r)).toEqual(['soaked since the window reopened']);
    const dry = await soak('primary', { 'soak-minutes': '60', 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    expect(dry.record.warnings.join('\n')).toMatch(
      /a real run would stop here: The soak found .* unhealthy: soaked since the window reopened/,
    );
  });

  test('a window still closed, or never recorded, fails the soak', async () => {
    const none = await soak('primary');
    expect(none.exitCode).not.toBe(0);
    expect(failedChecks(none)).toEqual([
      'maintenance window back at its recorded quantity',
      'soaked since the window reopened',
    ]);
    expect(
      (await runStage(lab, runs, { stage: 'maintenance-on', role: 'primary', 'drain-timeout-seconds': '30' }))
        .exitCode,
    ).toBe(0);
    const closed = await soak('primary');
    expect(closed.exitCode).not.toBe(0);
    expect(checksOf(closed).find((c) => !c.ok)?.actual).toBe('0');
  });

  test('the secondary makes the verify checks only', async () => {
    const r = await soak('secondary');
    expect(r.exitCode).toBe(0);
    const data = soakData(r);
    expect(checksOf(r).map((c) => c.check)).toEqual([
      'JAMS Executor running',
      'JAMS Server running',
      'JAMS Scheduler running',
      'failover role',
      'exactly one active node',
    ]);
    expect(data.rates).toBeUndefined();
  });
});
