import { beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import * as control from '../lab/control.js';
import { describeOnPosix, freshLab, runStage, tempDir } from './helpers/run-stage.js';
import { FAST as fast, upgradeInputsWith } from './helpers/upgrade-inputs.js';

// order: resume-after-primary against the lab: the secondary's upgrade and start wait for a Running primary on the
// target version, and a failure of the secondary says the primary keeps running.
let lab: string;
let runs: string;
let installer: control.LabInstaller;

const order = { order: 'resume-after-primary' };

beforeEach(async () => {
  ({ lab } = await freshLab());
  runs = tempDir('order-run');
  mkdirSync(runs, { recursive: true });
  installer = control.writeLabInstaller(lab, '7.3.500');
});

const upgradeInputs = (role: 'primary' | 'secondary', extra: Record<string, string> = {}) =>
  upgradeInputsWith(installer, role, { ...order, ...extra });

/** Preflight and stop on both, the primary upgraded: the pair as the secondary's upgrade finds it in this order. */
async function primaryUpgraded(): Promise<string> {
  for (const role of ['primary', 'secondary']) {
    expect((await runStage(lab, runs, { stage: 'preflight', role, ...order })).exitCode).toBe(0);
  }
  for (const role of ['primary', 'secondary']) {
    expect((await runStage(lab, runs, { stage: 'stop', role, ...fast })).exitCode).toBe(0);
  }
  const primary = await runStage(lab, runs, upgradeInputs('primary'));
  expect(primary.exitCode).toBe(0);
  return primary.outputs['version-after'] ?? '';
}

const node = (n: 'primary' | 'secondary') => control.readLab(lab).nodes[n];

describeOnPosix('order: resume-after-primary', () => {
  test('preflight states the order and what it assumes, as the order-plan output the downtime gate shows', async () => {
    const r = await runStage(lab, runs, { stage: 'preflight', role: 'primary', ...order });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['order-plan']).toMatch(
      /^Order: resume-after-primary \(a deviation from the vendor's article/,
    );
    expect(r.outputs['order-plan']).toContain('tolerates a live JAMS');
    expect(r.outputs['order-plan']).toContain('test pair or a lower ring');
  });

  test("the secondary's upgrade and start refuse until the primary is Running; then the secondary joins as standby", async () => {
    const version = await primaryUpgraded();
    const refused = await runStage(
      lab,
      runs,
      upgradeInputs('secondary', { 'primary-upgraded-version': version }),
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.record.failure?.message).toMatch(
      /^order: resume-after-primary upgrades the secondary once the primary is Running again, and it is not/,
    );
    expect(refused.record.failure?.hostState).toMatch(
      /^Nothing was changed\. The primary JAMS-PRI reports Stopped/,
    );
    expect(refused.record.actions.filter((a) => a.outcome === 'done')).toEqual([]);
    expect(node('secondary').version).toBe('7.2.100');
    const startRefused = await runStage(lab, runs, { stage: 'start', role: 'secondary', ...fast, ...order });
    expect(startRefused.exitCode).toBe(1);
    expect(node('secondary').services['JAMSScheduler']?.status).toBe('Stopped');

    expect((await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast, ...order })).exitCode).toBe(
      0,
    );
    expect(node('primary').role).toBe('Active');
    const secondary = await runStage(
      lab,
      runs,
      upgradeInputs('secondary', { 'primary-upgraded-version': version }),
    );
    expect(secondary.record.failure).toBeUndefined();
    expect(node('secondary').version).toBe('7.3.500');
    // The secondary's installer started its services next to a live primary: the primary stayed Active.
    expect(node('primary').role).toBe('Active');
    const start = await runStage(lab, runs, { stage: 'start', role: 'secondary', ...fast, ...order });
    expect(start.outputs['node-role']).toBe('Standby');
  });

  test('a 1603 on the secondary leaves the primary Running and the failure says so, with the next step', async () => {
    const version = await primaryUpgraded();
    expect((await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast, ...order })).exitCode).toBe(
      0,
    );
    control.injectFault(lab, 'installer-1603@secondary');
    const r = await runStage(lab, runs, upgradeInputs('secondary', { 'primary-upgraded-version': version }));
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toContain('1603');
    expect(r.record.failure?.hostState).toContain(
      'The primary JAMS-PRI reports Running: JAMS runs on the primary alone, without failover',
    );
    expect(r.record.failure?.nextStep).toContain('The primary needs nothing: leave it running.');
    expect(r.record.failure?.nextStep).toContain('Do not start this node on its old version');
    expect(r.record.failure?.nextStep).toContain('it stops the running primary first');
    expect(node('primary')).toMatchObject({ role: 'Active', version: '7.3.500' });
    expect(node('secondary').version).toBe('7.2.100');
  });

  test("in the vendor's order the secondary neither asks for the primary nor mentions it", async () => {
    const version = await primaryUpgraded();
    control.injectFault(lab, 'installer-1603@secondary');
    const r = await runStage(
      lab,
      runs,
      upgradeInputs('secondary', { 'primary-upgraded-version': version, order: 'vendor' }),
    );
    expect(r.record.failure?.message).toContain('1603');
    expect(r.record.failure?.hostState).not.toContain('The primary');
  });
});

describe('a node fault on one node', () => {
  test('installer-1603@secondary sets the secondary only; a fault of the pair takes no node', () => {
    expect(control.resolveFault('installer-1603@secondary')?.description).toMatch(
      /1603 .*, on the secondary only$/,
    );
    expect(control.resolveFault('installer-1603@tertiary')).toBeNull();
    expect(control.resolveFault('backup-fails@primary')).toBeNull();
    expect(control.resolveFault('installer-1603')?.description).toBe(
      control.FAULTS['installer-1603']?.description,
    );
  });
});
