import { describe, expect, test, beforeEach } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { editLab, injectFault, labPath, readLab, setTiming } from '../lab/control.js';
import { runStage, freshLab } from './helpers/run-stage.js';

// Real pwsh, the real module, the lab platform: the same code path the action takes on a Windows host.
let lab: string;
let runs: string;

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

const fast = { 'service-timeout-seconds': '10', 'role-timeout-seconds': '15' };
// Stop refuses without a verified backup of the run; tests about the services opt out, the first stop test backs up.
const noBackup = { 'require-backup': 'false' };

describe('preflight', () => {
  test('records the Log On As accounts on the host and in the run record', async () => {
    const r = await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    expect(r.exitCode).toBe(0);
    expect(r.record.data['logOnAs']).toEqual({
      JAMSExecutor: 'CORP\\svc-jams',
      JAMSServer: 'CORP\\svc-jams',
      JAMSScheduler: 'CORP\\svc-jams',
    });
    const durable = labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\logon-accounts.json');
    const stored = JSON.parse(readFileSync(durable, 'utf8'));
    expect(stored.accounts.JAMSScheduler).toBe('CORP\\svc-jams');
    expect(stored.computerName).toBe('JAMS-PRI');
    expect(r.outputs['installed-version']).toBe('7.2.100');
    expect(r.outputs['node-role']).toBe('Active');
    const files = (r.record.data['configFiles'] as { files: { name: string }[] }).files.map((f) => f.name);
    expect(files).toEqual(expect.arrayContaining(['JAMSHost.exe.config', 'JAMSScheduler.exe.config']));
  });

  test('keeps the stored accounts when the services already fell back to LocalSystem', async () => {
    await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    editLab(lab, (s) => {
      Object.assign(s.nodes.primary.services['JAMSScheduler'] ?? {}, { account: 'LocalSystem' });
    });
    const again = await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    expect(again.exitCode).toBe(0);
    const durable = labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\logon-accounts.json');
    expect(JSON.parse(readFileSync(durable, 'utf8')).accounts.JAMSScheduler).toBe('CORP\\svc-jams');
    expect(again.record.warnings.join(' ')).toMatch(/already reset/);
  });

  test('a dry-run writes no account record', async () => {
    const r = await runStage(lab, runs, { stage: 'preflight', role: 'primary', 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['status']).toBe('dry-run');
    expect(existsSync(labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\logon-accounts.json'))).toBe(
      false,
    );
    expect(r.record.actions).toContainEqual(
      expect.objectContaining({ what: 'record Log On As accounts', outcome: 'would' }),
    );
  });
});

describe('stop', () => {
  test('a dependent slower than Windows waits for it: the Executor is asked again once the Scheduler has stopped', async () => {
    // ServiceController.Stop() gives up on the dependents after 30 s (here 100 ms) and leaves the Executor running.
    setTiming(lab, { stopMs: 800, dependentStopWaitMs: 100 });
    const r = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast, ...noBackup });
    expect(r.exitCode).toBe(0);
    expect(Object.values(readLab(lab).nodes.primary.services).map((s) => s.status)).toEqual([
      'Stopped',
      'Stopped',
      'Stopped',
    ]);
  });

  test('stops the Executor, which takes the Scheduler with it, then the Server; a re-run changes nothing', async () => {
    const backup = await runStage(lab, runs, {
      stage: 'backup',
      role: 'primary',
      'backup-path': '\\\\FILES\\backup\\jams',
    });
    expect(backup.exitCode).toBe(0);
    const r = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(r.exitCode).toBe(0);
    const services = readLab(lab).nodes.primary.services;
    expect(Object.values(services).map((s) => s.status)).toEqual(['Stopped', 'Stopped', 'Stopped']);
    expect(r.record.actions.map((a) => [a.what, a.outcome, a.target.split(' ')[1]])).toEqual([
      ['stop', 'done', 'Executor'],
      ['stop', 'done', 'Server'],
      ['stop', 'skipped', 'Scheduler'],
    ]);
    expect(r.record.actions[0]?.target).toMatch(/also stops JAMSScheduler/);
    expect(readLab(lab).nodes.secondary.services['JAMSScheduler']?.status).toBe('Running');

    const again = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(again.exitCode).toBe(0);
    expect(again.record.actions.every((a) => a.outcome === 'skipped' && a.detail === 'already stopped')).toBe(
      true,
    );
  });

  test('a service stuck in StopPending fails with the service, its state and the next step', async () => {
    injectFault(lab, 'stuck-stop');
    const r = await runStage(lab, runs, {
      stage: 'stop',
      role: 'primary',
      'service-timeout-seconds': '5',
      ...noBackup,
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['status']).toBe('failed');
    expect(r.record.failure?.message).toMatch(
      /JAMSScheduler is still StopPending on JAMS-PRI \(primary\) 5 s after/,
    );
    expect(r.record.failure?.hostState).toMatch(/JAMS Scheduler StopPending/);
    expect(r.record.failure?.nextStep).toMatch(/re-run this job/);
    expect(r.stdout).toMatch(/::error::.*JAMSScheduler is still StopPending/);
  });

  test('a dry-run changes nothing and lists each stop it would make', async () => {
    const before = readLab(lab);
    const r = await runStage(lab, runs, { stage: 'stop', role: 'primary', 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    const after = readLab(lab);
    expect(after.nodes).toEqual(before.nodes);
    expect(r.record.actions.filter((a) => a.outcome === 'would').map((a) => a.target)).toEqual([
      expect.stringMatching(/^JAMS Executor/),
      expect.stringMatching(/^JAMS Server/),
    ]);
    expect(r.stdout).toMatch(/\[dry-run\] would stop: JAMS Executor/);
  });
});

describe('start and verify', () => {
  test('the procedure order: stop both, start the primary (Running), then the secondary (Backup Mode)', async () => {
    for (const role of ['primary', 'secondary']) {
      expect((await runStage(lab, runs, { stage: 'stop', role, ...fast, ...noBackup })).exitCode).toBe(0);
    }
    const primary = await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast });
    expect(primary.exitCode).toBe(0);
    expect(primary.outputs['node-role']).toBe('Active');
    const secondary = await runStage(lab, runs, { stage: 'start', role: 'secondary', ...fast });
    expect(secondary.exitCode).toBe(0);
    expect(secondary.outputs['node-role']).toBe('Standby');
    for (const role of ['primary', 'secondary']) {
      const v = await runStage(lab, runs, { stage: 'verify', role, 'target-version': '7.2.100' });
      expect(v.exitCode).toBe(0);
    }
    expect(readdirSync(runs)).toEqual(
      expect.arrayContaining(['stop-primary', 'start-primary', 'start-secondary', 'verify-secondary']),
    );
  });

  test('start on the secondary is refused while no node is active', async () => {
    for (const role of ['primary', 'secondary'])
      await runStage(lab, runs, { stage: 'stop', role, ...fast, ...noBackup });
    const r = await runStage(lab, runs, { stage: 'start', role: 'secondary', ...fast });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.nextStep).toMatch(/start stage on the primary first/);
    expect(readLab(lab).nodes.secondary.services['JAMSScheduler']?.status).toBe('Stopped');
  });

  test('a primary that never becomes active fails after the role timeout', async () => {
    injectFault(lab, 'never-active');
    for (const role of ['primary', 'secondary'])
      await runStage(lab, runs, { stage: 'stop', role, ...fast, ...noBackup });
    const r = await runStage(lab, runs, { stage: 'start', role: 'primary', 'role-timeout-seconds': '5' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/did not become Active within 5 s/);
    expect(r.record.failure?.hostState).toMatch(/services are running; the failover role is wrong/);
  });

  test('in a dry-run of the pipeline, verify shows a version nothing installed, and fails on it only for real', async () => {
    const dry = await runStage(lab, runs, {
      stage: 'verify',
      role: 'primary',
      'target-version': '7.4.0',
      'dry-run': 'true',
    });
    expect(dry.exitCode).toBe(0);
    expect(dry.record.data['checks']).toContainEqual(
      expect.objectContaining({
        check: 'installed version',
        actual: expect.stringMatching(/^7\.2\.100 \(dry-run/),
      }),
    );
    const real = await runStage(lab, runs, { stage: 'verify', role: 'primary', 'target-version': '7.4.0' });
    expect(real.exitCode).toBe(1);
    expect(real.record.failure?.message).toMatch(/installed version is 7\.2\.100, expected 7\.4\.0/);
  });

  test('verify fails when both nodes report Running', async () => {
    injectFault(lab, 'both-active');
    await runStage(lab, runs, { stage: 'stop', role: 'secondary', ...fast, ...noBackup });
    const start = await runStage(lab, runs, {
      stage: 'start',
      role: 'secondary',
      'role-timeout-seconds': '5',
    });
    expect(start.exitCode).toBe(1);
    expect(start.record.failure?.message).toMatch(/did not become Standby/);
    const r = await runStage(lab, runs, { stage: 'verify', role: 'secondary' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/exactly one active node is 2/);
    expect(r.record.failure?.nextStep).toMatch(/split brain/);
    const primary = await runStage(lab, runs, { stage: 'verify', role: 'primary' });
    expect(primary.exitCode).toBe(1);
  });
});

describe('hostile input', () => {
  test('a service name that carries PowerShell is refused as input, and nothing runs', async () => {
    const marker = join(runs, 'pwned');
    const r = await runStage(lab, runs, {
      stage: 'stop',
      role: 'primary',
      'scheduler-service': `x'; New-Item ${marker} #`,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /input 'scheduler-service' has the value 'x'; New-Item .* give the exact short service name/,
    );
    expect(existsSync(marker)).toBe(false);
    expect(readLab(lab).nodes.primary.services['JAMSExecutor']?.status).toBe('Running');
  });

  test('a folder path that carries PowerShell is refused as input, and nothing runs', async () => {
    const marker = join(runs, 'pwned2');
    const r = await runStage(lab, runs, {
      stage: 'preflight',
      role: 'primary',
      'install-folder': `C:\\x'; New-Item ${marker} #$(New-Item ${marker})`,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/input 'install-folder' has the value 'C:\\x'; New-Item /);
    expect(r.record.failure).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
  });
});
