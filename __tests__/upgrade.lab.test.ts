import { beforeEach, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAB_PASSWORD,
  editLab,
  injectFault,
  labPath,
  readLab,
  writeLabInstaller,
  type LabInstaller,
} from '../lab/control.js';
import type { HostUpgradeRecord } from '../src/state/upgrade-record.js';
import { describeOnPosix, freshLab, runStage, tempDir, type StageResult } from './helpers/run-stage.js';
import { FAST, upgradeInputsWith } from './helpers/upgrade-inputs.js';

// Real pwsh, the real module, the lab platform and its simulated installer.
let lab: string;
let runs: string;
let installer: LabInstaller;

const SCHEDULER = 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler';
const fast = FAST;

beforeEach(async () => {
  ({ lab } = await freshLab());
  // A space in the run folder: the installer's log path must be quoted on its command line.
  runs = join(tempDir('run'), 'run folder');
  mkdirSync(runs, { recursive: true });
  installer = writeLabInstaller(lab, '7.3.500');
});

const upgradeInputs = (role: 'primary' | 'secondary', extra: Record<string, string> = {}) =>
  upgradeInputsWith(installer, role, extra);

/** The procedure up to the upgrade: accounts recorded, then the nodes stopped (the primary only, by default). */
async function prepare(roles: string[] = ['primary']): Promise<void> {
  for (const role of roles) {
    expect((await runStage(lab, runs, { stage: 'preflight', role })).exitCode).toBe(0);
  }
  for (const role of roles) {
    expect((await runStage(lab, runs, { stage: 'stop', role, ...fast })).exitCode).toBe(0);
  }
}

function statuses(node: 'primary' | 'secondary'): string[] {
  return Object.values(readLab(lab).nodes[node].services).map((s) => s.status);
}

function accounts(node: 'primary' | 'secondary'): Record<string, string> {
  const services = readLab(lab).nodes[node].services;
  return Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.account]));
}

function hostRecord(node: 'primary' | 'secondary'): HostUpgradeRecord | null {
  const file = labPath(lab, node, 'C:\\ProgramData\\jams-upgrade\\upgrade-record.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HostUpgradeRecord) : null;
}

function configText(node: 'primary' | 'secondary', name: string): string {
  return readFileSync(labPath(lab, node, `${SCHEDULER}\\${name}`), 'utf8');
}

function installActions(r: StageResult): string[] {
  return r.record.actions.filter((a) => a.what === 'run the JAMS installer').map((a) => a.outcome);
}

/** The primary as it was (the secondary may still fail over on its own while the primary is stopped). */
function unchangedLab(before: ReturnType<typeof readLab>): void {
  const after = readLab(lab);
  expect(after.nodes.primary).toEqual(before.nodes.primary);
  expect(hostRecord('primary')).toBeNull();
  expect(existsSync(labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\config-saved.json'))).toBe(false);
}

const SVC = 'CORP\\svc-jams';
const restored = { JAMSExecutor: SVC, JAMSServer: SVC, JAMSScheduler: SVC };

describeOnPosix('upgrade', () => {
  test('primary then secondary: installed, stopped, accounts restored; start merges the config', async () => {
    await prepare(['primary', 'secondary']);
    const primary = await runStage(lab, runs, upgradeInputs('primary'));
    expect(primary.record.failure).toBeUndefined();
    expect(primary.exitCode).toBe(0);
    expect(primary.outputs).toEqual(
      expect.objectContaining({
        'version-before': '7.2.100',
        'version-after': '7.3.500',
        'reboot-required': 'false',
      }),
    );
    expect(readLab(lab).nodes.primary.version).toBe('7.3.500');
    expect(readLab(lab).nodes.secondary.version).toBe('7.2.100');
    // The installer started the services and reset two accounts; the stage stopped them and put the accounts back.
    expect(statuses('primary')).toEqual(['Stopped', 'Stopped', 'Stopped']);
    expect(accounts('primary')).toEqual(restored);
    expect(
      primary.record.actions.filter((a) => a.what === 'restore Log On As').map((a) => a.outcome),
    ).toEqual(['skipped', 'done', 'done']);
    // The installer replaced the customised files with the new version's defaults.
    expect(configText('primary', 'JAMSHost.exe.config')).toContain('http://localhost/jams');
    const log = primary.record.data['upgrade'] as { log: string; commandLine: string };
    expect(log.log.startsWith(join(runs, 'upgrade-primary'))).toBe(true);
    expect(readFileSync(log.log).toString('utf16le')).toMatch(/Installation completed successfully/);
    expect(log.commandLine).toContain(`/log "${log.log}"`);
    // The installer was a real process, and none of the secrets in the session's environment reached it.
    const install = readLab(lab).nodes.primary.install;
    expect(install).toEqual(expect.objectContaining({ done: true, exitCode: 0, secretVariablesSeen: [] }));
    expect(install?.pid).toBeGreaterThan(1);
    expect(hostRecord('primary')).toEqual(
      expect.objectContaining({ phase: 'completed', versionBefore: '7.2.100', versionAfter: '7.3.500' }),
    );

    const secondary = await runStage(
      lab,
      runs,
      upgradeInputs('secondary', { 'primary-upgraded-version': primary.outputs['version-after'] ?? '' }),
    );
    expect(secondary.record.failure).toBeUndefined();
    expect(readLab(lab).nodes.secondary.version).toBe('7.3.500');
    expect(accounts('secondary')).toEqual(restored);

    const start = await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast });
    expect(start.record.failure).toBeUndefined();
    expect(start.outputs['node-role']).toBe('Active');
    const host = configText('primary', 'JAMSHost.exe.config');
    expect(host).toContain('<add key="WebClientUrl" value="https://jams.corp.example/jams"/>');
    expect(host).toContain('<add key="MaxConcurrentRequests" value="64"/>');
    expect(host).toContain('<add key="EnableRestApi" value="true"/>');
    expect(host).toContain('<add name="Reporting"');
    expect(host).toContain('<binding name="JAMSTcp"');
    expect(configText('primary', 'JAMSScheduler.exe.config')).toContain(
      '<add key="NotifyOnFailover" value="ops-oncall@corp.example"/>',
    );
    const summary = readFileSync(join(runs, 'start-primary', 'summary.md'), 'utf8');
    expect(summary).toContain('~ appSettings MaxConcurrentRequests: value="32" -&gt; value="64"');
    expect(readFileSync(join(runs, 'start-primary', 'config-reapplied.diff'), 'utf8')).toMatch(
      /JAMSScheduler\.exe\.config: merge\n {2}~ appSettings SchedulerThreads: value="8" -> value="16"/,
    );
    // The installer's own files are kept next to the saved copies.
    expect(
      existsSync(
        labPath(
          lab,
          'primary',
          'C:\\ProgramData\\jams-upgrade\\config\\local\\installed-7.3.500\\JAMSHost.exe.config',
        ),
      ),
    ).toBe(true);

    const second = await runStage(lab, runs, { stage: 'start', role: 'secondary', ...fast });
    expect(second.outputs['node-role']).toBe('Standby');
    expect(configText('secondary', 'JAMSHost.exe.config')).toContain(
      '<add key="WebClientUrl" value="https://jams.corp.example/jams"/>',
    );
    for (const role of ['primary', 'secondary']) {
      const v = await runStage(lab, runs, { stage: 'verify', role, 'target-version': '7.3.500' });
      expect(v.record.failure).toBeUndefined();
    }
    // A later start leaves the config alone: the customisations went back once.
    const again = await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast });
    expect(again.record.actions[0]).toEqual(
      expect.objectContaining({ what: 'reapply config customisations', outcome: 'skipped' }),
    );
  });

  test('config-mode replace copies the saved files back whole', async () => {
    await prepare(['primary', 'secondary']);
    expect((await runStage(lab, runs, upgradeInputs('primary'))).exitCode).toBe(0);
    const start = await runStage(lab, runs, {
      stage: 'start',
      role: 'primary',
      'config-mode': 'replace',
      ...fast,
    });
    expect(start.record.failure).toBeUndefined();
    expect(start.record.actions.filter((a) => a.what === 'replace config file').map((a) => a.target)).toEqual(
      ['JAMSHost.exe.config with the saved copy', 'JAMSScheduler.exe.config with the saved copy'],
    );
    expect(configText('primary', 'JAMSHost.exe.config')).toBe(
      readFileSync(new URL('../lab/files/JAMSHost.exe.config', import.meta.url), 'utf8'),
    );
  });

  test('a re-run after success skips the install and still restores an account that changed', async () => {
    await prepare();
    const first = await runStage(lab, runs, upgradeInputs('primary'));
    expect(first.exitCode).toBe(0);
    editLab(lab, (s) =>
      Object.assign(s.nodes.primary.services['JAMSServer'] ?? {}, { account: 'LocalSystem' }),
    );
    const pid = readLab(lab).nodes.primary.install?.pid;
    const again = await runStage(lab, runs, upgradeInputs('primary'));
    expect(again.exitCode).toBe(0);
    expect(installActions(again)).toEqual(['skipped']);
    expect(again.record.actions.find((a) => a.what === 'run the JAMS installer')?.detail).toMatch(
      /installed version 7.3.500 is the target/,
    );
    expect(readLab(lab).nodes.primary.install?.pid).toBe(pid);
    expect(accounts('primary')).toEqual(restored);
    expect(again.outputs['version-before']).toBe('7.2.100');
    expect(again.outputs['version-after']).toBe('7.3.500');
  });

  test('a hash mismatch is refused and nothing changes', async () => {
    await prepare();
    const before = readLab(lab);
    const r = await runStage(lab, runs, upgradeInputs('primary', { 'installer-sha256': 'AB'.repeat(32) }));
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /The SHA-256 of .*JAMS-7.3.500-setup.exe is [0-9A-F]{64}, and installer-sha256 expects (AB){32}/,
    );
    expect(r.record.failure?.hostState).toBe('Nothing was changed.');
    expect(r.record.actions).toEqual([]);
    unchangedLab(before);
  });

  test('a missing installer, a bad signature and running services are refused before any change', async () => {
    await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    const before = readLab(lab);
    const running = await runStage(lab, runs, upgradeInputs('primary'));
    expect(running.record.failure?.message).toMatch(
      /JAMSExecutor is Running.*must not run while a JAMS service runs/,
    );
    expect(running.record.failure?.nextStep).toMatch(/Run the stop stage/);

    const missing = await runStage(
      lab,
      runs,
      upgradeInputs('primary', { 'installer-path': '\\\\fileserver\\jams\\nope.exe' }),
    );
    expect(missing.record.failure?.message).toMatch(
      /nope.exe cannot be read on JAMS-PRI \(primary\): not found/,
    );

    const unsigned = writeLabInstaller(lab, '7.3.500', { signature: 'HashMismatch', name: 'tampered.exe' });
    const bad = await runStage(
      lab,
      runs,
      upgradeInputs('primary', {
        'installer-path': unsigned.windowsPath,
        'installer-sha256': unsigned.sha256,
      }),
    );
    expect(bad.record.failure?.message).toMatch(/Authenticode signature of .*tampered.exe is HashMismatch/);
    unchangedLab(before);
  });

  test('a downgrade is refused unless allow-downgrade is set', async () => {
    await prepare();
    const old = writeLabInstaller(lab, '7.1.0');
    const before = readLab(lab);
    const r = await runStage(
      lab,
      runs,
      upgradeInputs('primary', { 'installer-path': old.windowsPath, 'installer-sha256': old.sha256 }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /version 7.1.0, older than the installed 7.2.100 .*downgrade is refused/,
    );
    expect(r.record.failure?.nextStep).toMatch(/allow-downgrade: true/);
    unchangedLab(before);
  });

  test('exit code 1603 fails with the meaning, the log and its error line; services left stopped; a re-run installs', async () => {
    await prepare();
    injectFault(lab, 'installer-1603');
    const r = await runStage(lab, runs, upgradeInputs('primary'));
    expect(r.exitCode).toBe(1);
    const failure = r.record.failure;
    expect(failure?.message).toMatch(
      /exited with 1603: a fatal error during installation \(ERROR_INSTALL_FAILURE\)/,
    );
    const log = (r.record.data['upgrade'] as { log: string }).log;
    expect(failure?.message).toContain(`Log: ${log}; line 5 reports the error: "MSI (s) (LAB)`);
    expect(failure?.message).toMatch(
      /line 5 reports the error: "[^"]*Action ended: InstallFinalize\. Return value 3\."/,
    );
    expect(existsSync(log)).toBe(true);
    expect(failure?.hostState).toMatch(/JAMS Executor Stopped, JAMS Server Stopped, JAMS Scheduler Stopped/);
    expect(failure?.hostState).toMatch(/Installed version: 7.2.100/);
    expect(failure?.nextStep).toMatch(/re-run this job: it runs the installer again/);
    expect(r.outputs['status']).toBe('failed');
    expect(statuses('primary')).toEqual(['Stopped', 'Stopped', 'Stopped']);
    expect(readLab(lab).nodes.primary.version).toBe('7.2.100');
    expect(hostRecord('primary')?.phase).toBe('install-failed');
    expect(r.stdout).toMatch(/::error::.*exited with 1603/);

    editLab(lab, (s) => (s.nodes.primary.faults.installerExitCode = 0));
    const again = await runStage(lab, runs, upgradeInputs('primary'));
    expect(again.record.failure).toBeUndefined();
    expect(installActions(again)).toEqual(['done']);
    expect(readLab(lab).nodes.primary.version).toBe('7.3.500');
  });

  test('exit code 3010 succeeds with reboot-required and a warning, and never reboots', async () => {
    await prepare();
    injectFault(lab, 'installer-3010');
    const r = await runStage(lab, runs, upgradeInputs('primary'));
    expect(r.exitCode).toBe(0);
    expect(r.outputs['reboot-required']).toBe('true');
    expect(r.record.warnings.join(' ')).toMatch(
      /asks for a reboot \(exit code 3010.*jams-upgrade does not reboot/,
    );
    expect(r.stdout).toMatch(/::warning::.*asks for a reboot/);
    expect(accounts('primary')).toEqual(restored);
    expect(readFileSync(join(runs, 'upgrade-primary', 'summary.md'), 'utf8')).toMatch(
      /Reboot required.*yes/s,
    );
  });

  test('an installer past its timeout is left running; a re-run waits for it, then goes on', async () => {
    await prepare();
    injectFault(lab, 'installer-hang');
    const r = await runStage(lab, runs, upgradeInputs('primary', { 'install-timeout-seconds': '5' }));
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /is still running on JAMS-PRI \(primary\) 5 s after it started/,
    );
    expect(r.record.failure?.hostState).toMatch(/it was not ended/);
    expect(hostRecord('primary')?.phase).toBe('installing');

    // Each re-run in a new process, as on a runner: the installer belongs to an earlier session.
    const blocked = await runStage(lab, runs, upgradeInputs('primary'), { fresh: true });
    expect(blocked.record.failure?.message).toMatch(/is still running/);
    expect(installActions(blocked)).toEqual([]);
    const start = await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast });
    expect(start.record.failure?.message).toMatch(/upgrade on JAMS-PRI \(primary\) is not finished/);
    expect(statuses('primary')).toEqual(['Stopped', 'Stopped', 'Stopped']);

    // The installer ends on its own; the re-run finds the new version and finishes the job.
    editLab(lab, (s) => (s.nodes.primary.faults.installerHangs = false));
    const done = await runStage(lab, runs, upgradeInputs('primary'), { fresh: true });
    expect(done.record.failure).toBeUndefined();
    expect(installActions(done)).toEqual(['skipped']);
    expect(accounts('primary')).toEqual(restored);
    expect(statuses('primary')).toEqual(['Stopped', 'Stopped', 'Stopped']);
  });

  test('the secondary is refused while the primary has not been upgraded', async () => {
    await prepare(['primary', 'secondary']);
    const before = readLab(lab);
    const r = await runStage(lab, runs, upgradeInputs('secondary'));
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /primary's upgrade is not recorded: 'primary-upgraded-version' is empty/,
    );
    expect(r.record.failure?.nextStep).toMatch(/needs.<job>.outputs.version-after/);
    const wrong = await runStage(
      lab,
      runs,
      upgradeInputs('secondary', { 'primary-upgraded-version': '7.2.100' }),
    );
    expect(wrong.record.failure?.message).toMatch(
      /primary reports version 7.2.100 after its upgrade, and this installer is 7.3.500/,
    );
    expect(readLab(lab).nodes).toEqual(before.nodes);
    expect(hostRecord('secondary')).toBeNull();
  });

  test('a dry-run of the whole pipeline, whose preflight recorded nothing, plans with the accounts of now', async () => {
    const before = readLab(lab);
    const r = await runStage(
      lab,
      runs,
      upgradeInputs('primary', { 'dry-run': 'true', 'require-backup': 'false' }),
    );
    expect(r.record.failure).toBeUndefined();
    expect(r.record.warnings.join(' ')).toMatch(
      /no Log On As record .* yet \(a dry-run preflight writes none\)/,
    );
    expect(readLab(lab).nodes.primary).toEqual(before.nodes.primary);
    const real = await runStage(lab, runs, upgradeInputs('primary'));
    expect(real.record.failure?.message).toMatch(/There is no Log On As record/);
  });

  test('a dry-run changes nothing and lists what it would do', async () => {
    await prepare();
    const before = readLab(lab);
    const r = await runStage(lab, runs, upgradeInputs('primary', { 'dry-run': 'true' }));
    expect(r.record.failure).toBeUndefined();
    expect(r.outputs['status']).toBe('dry-run');
    expect(r.record.actions.filter((a) => a.outcome === 'would').map((a) => a.what)).toEqual([
      'save config files',
      'run the JAMS installer',
      'record the upgrade',
    ]);
    expect(r.stdout).toMatch(
      /\[dry-run\] would run the JAMS installer: \\\\fileserver\\jams\\JAMS-7.3.500-setup.exe/,
    );
    unchangedLab(before);
    expect(
      readdirSync(join(runs, 'upgrade-primary')).filter((f) => f.endsWith('.log') && f.startsWith('jams-')),
    ).toEqual([]);
  });
});

describeOnPosix('secrets', () => {
  /** Every file under a folder, read as bytes. */
  function filesUnder(folder: string): string[] {
    return readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
  }

  function leaks(secret: string, roots: string[], stdout: string): string[] {
    const needles = [
      Buffer.from(secret, 'utf8'),
      Buffer.from(secret, 'utf16le'),
      Buffer.from(JSON.stringify(secret).slice(1, -1)),
    ];
    const found = roots.flatMap(filesUnder).filter((file) => {
      const bytes = readFileSync(file);
      return needles.some((n) => bytes.includes(n));
    });
    // The runner consumes ::add-mask:: and never shows it; any other line of the log counts.
    const lines = stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(secret));
    return [...found, ...lines.map((l) => `stdout: ${l}`)];
  }

  test('the Log On As password never appears in a log, record, transcript, summary, lab file or the output', async () => {
    await prepare(['primary', 'secondary']);
    const up = await runStage(lab, runs, upgradeInputs('primary'));
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain(`::add-mask::${LAB_PASSWORD}`);
    const start = await runStage(lab, runs, { stage: 'start', role: 'primary', ...fast });
    expect(start.exitCode).toBe(0);
    // The restored account really took the password: the lab checked its hash and the services started.
    expect(statuses('primary')).toEqual(['Running', 'Running', 'Running']);
    expect(leaks(LAB_PASSWORD, [runs, lab], up.stdout + start.stdout)).toEqual([]);
    // The scan itself can find the password: the lab keeps only its hash.
    expect(readFileSync(join(lab, 'state.json'), 'utf8')).toContain(
      '6946D8F47315F7140C4EDA38EFBB3C0CFFAFA7056FA8A4E056430953FFCAC5B0',
    );
  });

  test('a wrong password is refused before anything changes, and it is not written anywhere either', async () => {
    await prepare();
    const before = readLab(lab);
    const wrong = 'Wrong-Pa55 word!';
    const r = await runStage(
      lab,
      runs,
      upgradeInputs('primary', { 'scheduler-password': wrong, 'server-password': wrong }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toBe(
      'The password given for CORP\\svc-jams is not accepted (wrong password).',
    );
    expect(leaks(wrong, [runs, lab], r.stdout)).toEqual([]);
    unchangedLab(before);

    const none = await runStage(
      lab,
      runs,
      upgradeInputs('primary', { 'scheduler-password': '', 'server-password': '' }),
    );
    expect(none.record.failure?.message).toMatch(
      /JAMS Server \(JAMSServer\) must run as CORP\\svc-jams after the upgrade, and no password for it was given/,
    );
    expect(none.record.failure?.nextStep).toMatch(/A managed service account \(DOMAIN\\name\$\) needs none/);
  });

  test('a managed service account is restored without a password', async () => {
    editLab(lab, (s) => {
      for (const node of [s.nodes.primary, s.nodes.secondary]) {
        for (const svc of Object.values(node.services)) svc.account = 'CORP\\gmsa-jams$';
      }
    });
    await prepare();
    const r = await runStage(lab, runs, {
      ...upgradeInputs('primary'),
      'scheduler-password': '',
      'server-password': '',
    });
    expect(r.record.failure).toBeUndefined();
    expect(Object.values(accounts('primary'))).toEqual([
      'CORP\\gmsa-jams$',
      'CORP\\gmsa-jams$',
      'CORP\\gmsa-jams$',
    ]);
  });
});

describeOnPosix('inputs', () => {
  test.each([
    [
      { 'installer-arguments': '/quiet /norestart /log {log} REMOVE=Agent' },
      /input 'installer-arguments' .*leave out REMOVE=/,
    ],
    [{ 'installer-path': 'C:\\x" & calc.exe' }, /input 'installer-path' has the value .*no double quote/],
    [{ 'installer-sha256': 'abc' }, /input 'installer-sha256' has the value 'abc': give the 64 hex digits/],
    [{ 'config-mode': 'copy' }, /input 'config-mode' has the value 'copy'/],
  ])('%j is refused before anything runs', async (bad, message) => {
    const r = await runStage(lab, runs, { ...upgradeInputs('primary'), ...bad });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(hostRecord('primary')).toBeNull();
  });

  test('the upgrade stage needs the installer path and hash', async () => {
    const r = await runStage(lab, runs, { stage: 'upgrade', role: 'primary' });
    expect(r.stdout).toMatch(/input 'installer-path' is empty: the upgrade stage needs it/);
    expect(r.stdout).toMatch(/input 'installer-sha256' is empty/);
  });
});
