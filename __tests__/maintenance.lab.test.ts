import { beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editLab, injectFault, labPath, readLab } from '../lab/control.js';
import { runStage, freshLab } from './helpers/run-stage.js';

// Real pwsh, the real module, the lab's JAMS resource and entries.
let lab: string;
let runs: string;
const RECORD = 'C:\\ProgramData\\jams-upgrade\\maintenance-window.json';

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

function windowRecord(): Record<string, { quantity: number; restoredAt?: string }> {
  return JSON.parse(readFileSync(labPath(lab, 'primary', RECORD), 'utf8'));
}

const quantity = () => readLab(lab).resources['Maintenance_Window']?.quantityAvailable;
const on = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'maintenance-on', role: 'primary', 'drain-timeout-seconds': '30', ...extra });
const off = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'maintenance-off', role: 'primary', ...extra });

describe('maintenance-on', () => {
  test('records the quantity, closes the window, waits for the executing entries; a re-run keeps the record', async () => {
    editLab(lab, (s) =>
      s.entries.forEach((e, i) =>
        Object.assign(e, { state: 'Executing', finishAt: null, finishAfterReads: 3 + 2 * i }),
      ),
    );
    const r = await on();
    expect(r.exitCode).toBe(0);
    expect(quantity()).toBe(0);
    expect(windowRecord()['localhost\\maintenance_window']?.quantity).toBe(999999);
    expect(readLab(lab).entries.map((e) => e.state)).toEqual(['Completed', 'Completed']);
    expect(r.stdout).toMatch(/2 executing: Nightly-Billing, GL-Close/);
    expect(r.stdout).toMatch(/1 executing: GL-Close/);
    expect(r.stdout).toMatch(/no entries executing/);
    expect(r.record.actions.map((a) => [a.what, a.outcome])).toEqual([
      ['record maintenance quantity', 'done'],
      ['close maintenance window', 'done'],
    ]);
    expect(r.record.data['maintenance']).toMatchObject({
      quantityBefore: 999999,
      quantityAfter: 0,
      drained: true,
    });

    // A job that falls due now is held by the window; a re-run must not record the 0 over 999999.
    editLab(lab, (s) =>
      s.entries.push({
        id: 2001,
        name: 'Hourly-Sync',
        state: 'Scheduled',
        runsForMs: 60000,
        startAt: Date.now(),
        finishAt: null,
      }),
    );
    const again = await on();
    expect(again.exitCode).toBe(0);
    expect(again.record.actions).toEqual([
      expect.objectContaining({ what: 'close maintenance window', outcome: 'skipped' }),
    ]);
    expect(windowRecord()['localhost\\maintenance_window']?.quantity).toBe(999999);
    expect(readLab(lab).entries.find((e) => e.name === 'Hourly-Sync')?.state).toBe('Scheduled');

    // maintenance-off opens the window again and the held job starts.
    expect((await off()).exitCode).toBe(0);
    expect(quantity()).toBe(999999);
    expect(readLab(lab).entries.find((e) => e.name === 'Hourly-Sync')?.state).toBe('Executing');
  });

  test('a drain timeout fails by default, names the entries and leaves the window closed', async () => {
    injectFault(lab, 'stuck-job');
    editLab(lab, (s) =>
      s.entries.filter((e) => e.name === 'GL-Close').forEach((e) => (e.state = 'Completed')),
    );
    const r = await on({ 'drain-timeout-seconds': '1' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /^1 entries still execute 1 s after the window closed: Nightly-Billing\.$/,
    );
    expect(r.record.failure?.hostState).toMatch(
      /Maintenance_Window Quantity Available 0.*Still executing: Nightly-Billing/,
    );
    expect(r.record.failure?.nextStep).toMatch(/on-drain-timeout: continue/);
    expect(quantity()).toBe(0);
    expect(windowRecord()['localhost\\maintenance_window']?.quantity).toBe(999999);
  });

  test('a drain timeout with on-drain-timeout continue warns with the names and succeeds', async () => {
    injectFault(lab, 'stuck-job');
    const r = await on({ 'drain-timeout-seconds': '1', 'on-drain-timeout': 'continue' });
    expect(r.exitCode).toBe(0);
    expect(r.record.warnings.join('\n')).toMatch(
      /still execute 1 s after the window closed: Nightly-Billing/,
    );
    expect(r.stdout).toMatch(/::warning::.*Nightly-Billing/);
    expect(r.record.data['maintenance']).toMatchObject({ drained: false });
    expect(quantity()).toBe(0);
  });

  test('a missing resource fails with the set-up steps and changes nothing', async () => {
    injectFault(lab, 'no-maintenance-resource');
    const r = await on();
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/has no resource Maintenance_Window/);
    expect(r.record.failure?.hostState).toMatch(/Nothing was changed/);
    expect(r.record.failure?.nextStep).toMatch(/Quantity Available 999999.*root folder.*Quantity Required 1/);
    expect(r.record.failure?.nextStep).toMatch(/create-maintenance-resource: true/);
    expect(existsSync(labPath(lab, 'primary', RECORD))).toBe(false);
    expect(readLab(lab).resources).toEqual({});
  });

  test('a resource the root folder does not require fails', async () => {
    injectFault(lab, 'root-not-required');
    const r = await on();
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/root folder does not require the resource Maintenance_Window/);
    expect(quantity()).toBe(999999);
  });

  test('create-maintenance-resource creates the resource, requires it at the root, then closes it', async () => {
    injectFault(lab, 'no-maintenance-resource');
    const r = await on({ 'create-maintenance-resource': 'true' });
    expect(r.exitCode).toBe(0);
    expect(readLab(lab).resources['Maintenance_Window']).toEqual({
      quantityAvailable: 0,
      requiredByRoot: true,
    });
    expect(windowRecord()['localhost\\maintenance_window']?.quantity).toBe(999999);
    expect(r.record.actions[0]).toMatchObject({ what: 'create maintenance resource', outcome: 'done' });
  });

  test('a dry-run changes nothing and lists what it would do', async () => {
    const before = readLab(lab);
    const r = await on({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['status']).toBe('dry-run');
    expect(readLab(lab).resources).toEqual(before.resources);
    expect(existsSync(labPath(lab, 'primary', RECORD))).toBe(false);
    expect(r.record.actions.map((a) => a.outcome)).toEqual(['would', 'would']);
    expect(r.stdout).toMatch(
      /\[dry-run\] would close maintenance window: Maintenance_Window Quantity Available 999999 -> 0/,
    );
  });

  test('runs on the primary only', async () => {
    const r = await runStage(lab, runs, { stage: 'maintenance-on', role: 'secondary' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.nextStep).toMatch(/role: primary/);
    expect(quantity()).toBe(999999);
  });

  test('a resource name that carries PowerShell is refused as input', async () => {
    const marker = join(runs, 'pwned');
    const r = await on({ 'maintenance-resource': `x'; New-Item ${marker} #` });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/input 'maintenance-resource' has the value/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('maintenance-off', () => {
  test('restores the recorded quantity (250, not 999999) and is idempotent', async () => {
    editLab(lab, (s) => Object.assign(s.resources['Maintenance_Window'] ?? {}, { quantityAvailable: 250 }));
    expect((await on()).exitCode).toBe(0);
    expect(quantity()).toBe(0);
    const r = await off();
    expect(r.exitCode).toBe(0);
    expect(quantity()).toBe(250);
    expect(r.record.actions).toEqual([
      expect.objectContaining({
        what: 'reopen maintenance window',
        outcome: 'done',
        target: expect.stringMatching(/0 -> 250/),
      }),
    ]);
    expect(r.record.data['maintenance']).toMatchObject({ quantityBefore: 0, quantityAfter: 250 });
    expect(windowRecord()['localhost\\maintenance_window']?.restoredAt).toEqual(expect.any(String));

    const again = await off();
    expect(again.exitCode).toBe(0);
    expect(again.record.actions).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(quantity()).toBe(250);
  });

  test('without a record it fails, leaves the window closed and says what to do', async () => {
    editLab(lab, (s) => Object.assign(s.resources['Maintenance_Window'] ?? {}, { quantityAvailable: 0 }));
    const r = await off();
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/no record of Maintenance_Window's quantity before the window/);
    expect(r.record.failure?.hostState).toMatch(/Quantity Available is 0/);
    expect(r.record.failure?.nextStep).toMatch(/Set Quantity Available by hand/);
    expect(quantity()).toBe(0);
  });

  test('a dry-run restores nothing', async () => {
    expect((await on()).exitCode).toBe(0);
    const r = await off({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(quantity()).toBe(0);
    expect(r.record.actions).toEqual([expect.objectContaining({ outcome: 'would' })]);
  });
});
