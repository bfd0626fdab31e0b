import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editLab, injectFault, labPath, readLab } from '../lab/control.js';
import type { StageRecord } from '../src/report/record.js';
import type { RoleView } from '../src/jams/roles.js';
import { describeOnPosix, freshLab, killGroup, runStage, tempDir, testShell } from './helpers/run-stage.js';

// The platform (src/host/ps/platform/*.ps1) itself, against the lab's fakes of the cmdlets and modules it calls.
let lab: string;
let runs: string;
const ACCOUNTS = 'C:\\ProgramData\\jams-upgrade\\logon-accounts.json';
const preflight = (role = 'primary', extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'preflight', role, ...extra });
const verdicts = (r: { record: StageRecord }) => r.record.data.contract ?? [];
const verdict = (r: { record: StageRecord }, id: string) => verdicts(r).find((v) => v.id === id);
/** The stage log's lines, in the order the stage wrote them. */
const stageLog = (role = 'primary') =>
  readFileSync(join(runs, `preflight-${role}`, 'stage.log'), 'utf8').split('\n');

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

describe('first contact: preflight records what the host shows for each assumption', () => {
  test('on a host of the assumed shape every assumption holds, and the summary shows the table', async () => {
    const r = await preflight();
    expect(r.exitCode).toBe(0);
    // Every one holds; the entry shape only while an entry executes (the lab's start executing with a new pair).
    const judged = verdicts(r).map((v) => [v.id, v.holds]);
    expect(judged).toEqual(
      verdicts(r).map((v) => [v.id, v.id === 'entry' && v.holds === null ? null : true]),
    );
    expect(judged.filter(([, holds]) => holds === true).length).toBeGreaterThanOrEqual(9);
    expect(verdict(r, 'failover-status')?.seen).toMatch(/Status='Active +'/);
    const observed = r.record.data['contractObserved'] as { uninstall: { observed: { name: string }[] } };
    expect(observed.uninstall.observed.map((e) => e.name)).toEqual(['JAMS Scheduler']);
    expect(readFileSync(join(runs, 'preflight-primary', 'summary.md'), 'utf8')).toContain(
      'What this host shows (the unverified assumptions, docs/unverified.md)',
    );
  });

  test('a failover status without Role is named, with what settles it, before the accounts are recorded', async () => {
    injectFault(lab, 'failover-no-role');
    const r = await preflight();
    expect(r.exitCode).toBe(0);
    expect(verdict(r, 'failover-status')).toMatchObject({
      holds: false,
      seen: expect.stringMatching(/^no Role;/),
    });
    const warning = r.record.warnings.find((w) => w.includes("'failover-status'"));
    expect(warning).toMatch(/To settle it: compare with the JAMS Client/);
    const log = stageLog();
    const warned = log.findIndex((l) => l.includes("Assumption 'failover-status' does not hold"));
    const recorded = log.findIndex((l) => / record Log On As accounts: /.test(l));
    expect(warned).toBeGreaterThanOrEqual(0);
    expect(recorded).toBeGreaterThan(warned);
    // Without Role, the peer is still found by comparing the names with this host's.
    expect((r.record.data['roles'] as RoleView).peers).toEqual([
      { name: 'JAMS-SEC', role: 'Standby', label: 'Backup Mode' },
    ]);
  });

  test('services under other short names: preflight names them and the inputs, and writes nothing; the inputs settle it', async () => {
    injectFault(lab, 'services-renamed');
    const r = await preflight();
    expect(r.exitCode).toBe(1);
    expect(verdict(r, 'service-names')).toMatchObject({
      holds: false,
      seen: expect.stringContaining('JAMS Scheduler = JAMS_Scheduler (tried JAMSScheduler)'),
      settle: expect.stringContaining("'scheduler-service'"),
    });
    expect(r.record.failure?.message).toMatch(
      /Services named JAMS \* on the host: .*JAMS_Scheduler \(JAMS Scheduler\)/,
    );
    expect(r.record.failure?.nextStep).toMatch(/'executor-service', 'server-service', 'scheduler-service'/);
    expect(existsSync(labPath(lab, 'primary', ACCOUNTS))).toBe(false);

    const settled = await preflight('primary', {
      'executor-service': 'JAMS_Executor',
      'server-service': 'JAMS_Server',
      'scheduler-service': 'JAMS_Scheduler',
    });
    expect(settled.exitCode).toBe(0);
    expect(verdict(settled, 'service-names')?.holds).toBe(true);
  });

  test('a resource item without QuantityAvailable is named by preflight, and maintenance-on stops before any change', async () => {
    injectFault(lab, 'resource-no-quantity');
    const r = await preflight();
    expect(r.exitCode).toBe(0);
    expect(verdict(r, 'maintenance-resource')).toMatchObject({
      holds: false,
      seen: expect.stringMatching(/^no QuantityAvailable; members: ResourceName/),
      settle: expect.stringContaining("'maintenance-resource'"),
    });
    const on = await runStage(lab, runs, { stage: 'maintenance-on', role: 'primary' });
    expect(on.exitCode).toBe(1);
    expect(on.record.failure?.message).toMatch(/has no QuantityAvailable member/);
    expect(on.record.failure?.hostState).toBe('Nothing was changed.');
    expect(readLab(lab).resources['Maintenance_Window']?.quantityAvailable).toBe(999999);
  });

  test('JAMS naming this host by the other role stops preflight: the runner labels are mixed up', async () => {
    injectFault(lab, 'roles-swapped');
    const r = await preflight();
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/JAMS says JAMS-PRI \(primary\) is the secondary of the pair/);
    expect(r.record.failure?.nextStep).toMatch(/runner labels/);
    expect(existsSync(labPath(lab, 'primary', ACCOUNTS))).toBe(false);
  });
});

describe('roles from the real Get-JAMSFailoverStatus shape', () => {
  test('a node whose JAMS Server is stopped reads as Stopped, not as a failure, and the peer comes from Failover.config', async () => {
    const stop = await runStage(lab, runs, {
      stage: 'stop',
      role: 'secondary',
      'require-backup': 'false',
      'service-timeout-seconds': '10',
    });
    expect(stop.exitCode).toBe(0);
    const primary = await preflight('primary');
    expect(primary.exitCode).toBe(0);
    expect((primary.record.data['roles'] as RoleView).peers).toEqual([
      { name: 'JAMS-SEC', role: 'Stopped', label: expect.stringMatching(/^Stopped \(not answering: /) },
    ]);
    const secondary = await preflight('secondary');
    expect(secondary.exitCode).toBe(0);
    const roles = secondary.record.data['roles'] as RoleView;
    expect(roles.self).toBe('Stopped');
    expect(roles.source).toMatch(/peer named by Failover.config/);
    expect(roles.peers).toEqual([{ name: 'JAMS-PRI', role: 'Active', label: 'Running' }]);
  });
});

describeOnPosix('the lab survives a killed process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) {
      if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(-c.pid, 'SIGKILL');
    }
  });

  /** Starts a detached process group, as a runner starts a job; resolves once `ready` appears in its output. */
  function startGroup(command: string, args: string[], env: NodeJS.ProcessEnv, ready: () => boolean) {
    const child = spawn(command, args, { detached: true, env, stdio: 'ignore' });
    children.push(child);
    return new Promise<ChildProcess>((resolve, reject) => {
      const timer = setInterval(() => {
        let isReady = false;
        try {
          isReady = ready();
        } catch {
          // Not ready: a file the check reads may not be written yet.
        }
        if (isReady) {
          clearInterval(timer);
          resolve(child);
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`${command} ended with ${child.exitCode} before it was ready`));
        }
      }, 50);
    });
  }

  test('a process killed while it holds the lab lock leaves no lock behind', async () => {
    const marker = join(tempDir('lock'), 'locked');
    const script = [
      `$global:JuLab = @{ folder = $env:LAB; node = 'primary'; template = $env:TEMPLATE }`,
      `. $env:STATE`,
      `$lock = LabLock`,
      `[System.IO.File]::WriteAllText($env:MARKER, 'locked')`,
      `Start-Sleep -Seconds 300`,
    ].join('; ');
    const holder = await startGroup(
      testShell(),
      ['-NoProfile', '-NonInteractive', '-Command', script],
      { ...process.env, LAB: lab, TEMPLATE: 'lab', STATE: 'lab/ps/Lab.State.ps1', MARKER: marker },
      () => existsSync(marker),
    );
    await killGroup(holder);
    // The lab waits up to 30 s for a held lock and then fails: a stale lock would fail this stage.
    const r = await preflight();
    expect(r.exitCode).toBe(0);
  });

  test('a stage killed mid-way (its process group, PowerShell included) is re-run and goes on', async () => {
    editLab(lab, (s) => (s.timing.stopMs = 4000));
    const outputs = join(runs, 'killed-outputs.txt');
    writeFileSync(outputs, '');
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_'))),
      JAMS_UPGRADE_LAB: lab,
      GITHUB_OUTPUT: outputs,
      INPUT_STAGE: 'stop',
      INPUT_ROLE: 'primary',
      'INPUT_REQUIRE-BACKUP': 'false',
      'INPUT_RUN-FOLDER': runs,
      INPUT_SHELL: testShell(),
    };
    const stage = await startGroup(process.execPath, ['dist/index.js'], env, () =>
      Object.values(readLab(lab).nodes.primary.services).some((s) => s.status === 'StopPending'),
    );
    await killGroup(stage);
    const again = await runStage(lab, runs, { stage: 'stop', role: 'primary', 'require-backup': 'false' });
    expect(again.exitCode).toBe(0);
    expect(Object.values(readLab(lab).nodes.primary.services).map((s) => s.status)).toEqual([
      'Stopped',
      'Stopped',
      'Stopped',
    ]);
  });
});
