import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAB_PASSWORD,
  cloneLab,
  editLab,
  forgeBackup,
  injectFault,
  labPath,
  readLab,
  writeLabInstaller,
  type LabState,
} from '../lab/control.js';
import { labSession } from '../lab/lab-hook.mjs';
import { PowerShellHost } from '../src/host/powershell-host.js';
import type { BackupRecord } from '../src/state/backup-record.js';
import type { RollbackRecord } from '../src/state/rollback-record.js';
import type { HostUpgradeRecord } from '../src/state/upgrade-record.js';
import { describeOnPosix, freshLab, killGroup, runStage, tempDir, testShell } from './helpers/run-stage.js';

// The way back (docs/rollback.md): the restore stage against the lab's SQL stand-in, and the reinstall of the previous
// version with the lab's installer and msiexec, real processes both.
let lab: string;
let runs: string;

const STATE = 'C:\\ProgramData\\jams-upgrade';
const SCHEDULER = 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler';
const BACKUP_FILE = '\\\\FILES\\backup\\jams\\JAMS_run-100.bak';
const RESTORE_SQL = 'RESTORE DATABASE @db FROM DISK = @path WITH REPLACE, CHECKSUM';
/** The upgrade run (100) and the rollback run (200): each workflow run has its own id, and so its own host records. */
const UPGRADE_RUN = { GITHUB_RUN_ID: '100' };
const ROLLBACK_RUN = { GITHUB_RUN_ID: '200' };
const fast = { 'service-timeout-seconds': '10', 'role-timeout-seconds': '15' };
const database = { 'sql-server': 'SQL01', 'sql-database': 'JAMS' };
const BACKUP_PATH = '\\\\FILES\\backup\\jams';

const hostFile = (node: 'primary' | 'secondary', name: string) => labPath(lab, node, `${STATE}\\${name}`);
const readJson = <T>(file: string): T | null =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
const rollbackRecord = () =>
  readJson<Record<string, RollbackRecord>>(hostFile('primary', 'rollback-record.json'));
const restores = () => readLab(lab).sql.log.filter((c) => c.sql === RESTORE_SQL);
/**
 * A stage of run 100 (the upgrade) or run 200 (the rollback). Every stage gets the Log On As passwords, so the whole
 * file shares one PowerShell session (sessions are kept per set of secrets).
 */
const stage = (inputs: Record<string, string>, run: { GITHUB_RUN_ID: string } = ROLLBACK_RUN) =>
  runStage(
    lab,
    runs,
    { 'scheduler-password': LAB_PASSWORD, 'server-password': LAB_PASSWORD, ...inputs },
    { env: run },
  );
const restore = (extra: Record<string, string> = {}) =>
  stage({
    stage: 'restore',
    role: 'primary',
    'target-version': '7.2.100',
    'backup-path': BACKUP_PATH,
    ...database,
    ...extra,
  });

function writeUpgradeRecord(record: Partial<HostUpgradeRecord>): void {
  const at = new Date().toISOString();
  const full: HostUpgradeRecord = {
    computerName: 'JAMS-PRI',
    runKey: 'run-100',
    targetVersion: '7.4.0',
    versionBefore: '7.2.100',
    versionAfter: null,
    installer: {
      path: '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe',
      sha256: 'AB'.repeat(32),
      version: '7.4.0',
    },
    phase: 'install-failed',
    install: {
      processId: 4242,
      startedAt: at,
      log: 'x.log',
      exitCode: 1603,
      finishedAt: at,
      rebootRequired: false,
    },
    configSaveKey: 'run-100',
    configReappliedAt: null,
    updatedAt: at,
    ...record,
  };
  writeFileSync(hostFile('primary', 'upgrade-record.json'), JSON.stringify(full, null, 2));
}

function service(s: LabState, node: 'primary' | 'secondary', name: string) {
  const svc = s.nodes[node].services[name];
  if (!svc) throw new Error(`${node} has no service ${name}`);
  return svc;
}

const stopAll = (s: LabState) => {
  for (const node of [s.nodes.primary, s.nodes.secondary]) {
    for (const svc of Object.values(node.services)) Object.assign(svc, { status: 'Stopped', pending: null });
    node.role = 'Stopped';
  }
};

/** The pair after run 100, made once and copied for each test that needs it. */
let failedUpgrade: string | null = null;

/** Run 100 took its verified backup on the primary; its upgrade attempt then failed, and both nodes are stopped. */
async function afterFailedUpgrade(): Promise<void> {
  if (failedUpgrade) {
    lab = join(tempDir('lab'), 'pair');
    cloneLab(failedUpgrade, lab);
    return;
  }
  const backup = await stage(
    { stage: 'backup', role: 'primary', 'backup-path': '\\\\FILES\\backup\\jams', ...database },
    UPGRADE_RUN,
  );
  expect(backup.outputs['backup-file']).toBe(BACKUP_FILE);
  writeUpgradeRecord({});
  editLab(lab, stopAll);
  failedUpgrade = join(tempDir('failed-upgrade'), 'pair');
  cloneLab(lab, failedUpgrade);
}

function expectNothingRestored(r: { exitCode: number; record: { failure?: { hostState: string } } }): void {
  expect(r.exitCode).toBe(1);
  expect(r.record.failure?.hostState).toMatch(/Nothing was restored\.$/);
  expect(restores()).toEqual([]);
  expect(rollbackRecord()).toBeNull();
}

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

describe('restore', () => {
  test("restores the upgrade run's verified backup, checked again; SQL Server gets the parameters; never twice", async () => {
    await afterFailedUpgrade();
    const r = await restore();
    expect(r.record.failure).toBeUndefined();
    expect(r.exitCode).toBe(0);
    // VERIFYONLY first, then the RESTORE: fixed text, the database and the file as parameters.
    const calls = readLab(lab).sql.log.slice(-2);
    expect(calls.map((c) => [c.sql, c.parameters])).toEqual([
      ['RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM', { path: BACKUP_FILE }],
      [RESTORE_SQL, { db: 'JAMS', path: BACKUP_FILE }],
    ]);
    expect(readLab(lab).sql.restored['JAMS']).toMatchObject({ file: BACKUP_FILE, state: 'ONLINE' });
    const recorded = rollbackRecord()?.['run-200']?.restore;
    expect(recorded).toMatchObject({
      phase: 'restored',
      file: BACKUP_FILE,
      database: 'JAMS',
      server: 'SQL01',
      backupRunKey: 'run-100',
      explicit: false,
      sql: RESTORE_SQL,
      messages: [expect.stringMatching(/^Processed 1 pages for database 'JAMS'/), expect.any(String)],
    });
    expect(recorded?.durationMs).toBeGreaterThanOrEqual(0);
    const backup = readJson<Record<string, BackupRecord>>(hostFile('primary', 'backup-record.json'));
    expect(recorded?.sha256).toBe(backup?.['run-100']?.database?.sha256);

    const again = await restore();
    expect(again.exitCode).toBe(0);
    expect(again.record.actions.map((a) => [a.what, a.outcome])).toEqual([['restore database', 'skipped']]);
    expect(restores()).toHaveLength(1);
  });

  test('a dry-run prints the exact restore, checks the backup, and restores nothing even while JAMS runs', async () => {
    await afterFailedUpgrade();
    editLab(lab, (s) => (service(s, 'primary', 'JAMSServer').status = 'Running'));
    const r = await restore({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `[dry-run] would restore database: ${RESTORE_SQL} with @db = JAMS and @path = ${BACKUP_FILE}, on SQL01`,
    );
    expect(r.record.warnings.join('\n')).toMatch(/a real run would stop here: .*JAMSServer is Running/);
    expect(readLab(lab).sql.log.at(-1)?.sql).toBe('RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM');
    expect(restores()).toEqual([]);
    expect(rollbackRecord()).toBeNull();
  });

  test('refuses while a JAMS service runs on this node, or the peer answers', async () => {
    await afterFailedUpgrade();
    editLab(lab, (s) => (service(s, 'primary', 'JAMSExecutor').status = 'Running'));
    const here = await restore();
    expectNothingRestored(here);
    expect(here.record.failure).toMatchObject({
      message: expect.stringMatching(/JAMSExecutor is Running on JAMS-PRI/),
    });

    editLab(lab, (s) => {
      stopAll(s);
      service(s, 'secondary', 'JAMSServer').status = 'Running';
    });
    const peer = await restore();
    expectNothingRestored(peer);
    expect(peer.record.failure?.message).toMatch(
      /the peer JAMS-SEC answers as Backup Mode: its JAMS Server runs/,
    );
  });

  test('refuses a backup of another database than JAMS uses', async () => {
    await afterFailedUpgrade();
    const r = await restore({ 'sql-database': 'JAMS_TEST' });
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(
      /is of the database JAMS on SQL01, and JAMS on JAMS-PRI \(primary\) uses JAMS_TEST on SQL01/,
    );
  });

  test('refuses a backup whose SHA-256 changed since it was verified', async () => {
    await afterFailedUpgrade();
    appendFileSync(join(lab, 'unc', 'FILES', 'backup', 'jams', 'JAMS_run-100.bak'), 'tampered');
    const r = await restore();
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(
      /is not the backup the backup record .* recorded: it has the SHA-256 [0-9A-F]{64}, and [0-9A-F]{64} was recorded/,
    );
  });

  test('refuses a file replaced by another whole backup: its header is compared with the backup set msdb recorded', async () => {
    await afterFailedUpgrade();
    // Someone who can write to the share puts a valid backup of another database at the recorded path.
    expect(forgeBackup(lab)).toBe(BACKUP_FILE);
    for (const dryRun of ['true', 'false']) {
      const r = await restore({ 'dry-run': dryRun });
      expectNothingRestored(r);
      expect(r.record.failure?.message).toMatch(
        /is not the backup the backup record .* recorded: its header names the database Payroll, and JAMS was backed up; its header names the server SQL02, and SQL01 took the backup; its header names the backup set [0-9a-f-]{36}, and msdb recorded [0-9a-f-]{36}; .*SHA-256/,
      );
      expect(r.record.failure?.nextStep).toMatch(/^Do not restore it\./);
    }
    expect(readLab(lab).sql.log.filter((c) => c.sql === 'RESTORE HEADERONLY FROM DISK = @path')).toHaveLength(
      2,
    );
    expect(readLab(lab).sql.restored).toEqual({});
  });

  test('restore-backup-file trusts only the backup record in the state folder, never a file next to the backup', async () => {
    await afterFailedUpgrade();
    const other = '\\\\FILES\\backup\\jams\\evil.bak';
    const share = join(lab, 'unc', 'FILES', 'backup', 'jams');
    copyFileSync(join(share, 'JAMS_run-100.bak'), join(share, 'evil.bak'));
    const records = readJson<Record<string, BackupRecord>>(hostFile('primary', 'backup-record.json'));
    // A side-car manifest as older versions wrote it, claiming the file was verified.
    writeFileSync(
      join(share, 'evil.bak.json'),
      JSON.stringify({ ...records?.['run-100']?.database, file: other, verified: true, runKey: 'run-100' }),
    );
    const r = await restore({ 'restore-backup-file': other });
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(
      /restore-backup-file names .*evil\.bak, and jams-upgrade has no verified record of it in .*backup-record\.json/,
    );
  });

  test('restore-backup-file must be a .bak file under backup-path: one error names the input, the value and the fix', async () => {
    for (const [value, why] of [
      ['\\\\OTHER\\share\\JAMS_run-100.bak', /it is not under backup-path '\\\\FILES\\backup\\jams'/],
      ['\\\\FILES\\backup\\jams\\JAMS_run-100.bak.json', /it does not end in \.bak/],
    ] as const) {
      const r = await restore({ 'restore-backup-file': value });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain(`input 'restore-backup-file' has the value '${value}'`);
      expect(r.stdout).toMatch(why);
    }
    expect(readLab(lab).sql.log).toEqual([]);
  });

  test('the host hashes the file again, by the path SQL Server gets, right before the RESTORE', async () => {
    await afterFailedUpgrade();
    const host = new PowerShellHost({
      shell: testShell(),
      installFolder: SCHEDULER,
      callTimeoutMs: 30_000,
      hooks: labSession(lab, 'primary'),
    });
    try {
      const target = { server: 'SQL01', database: 'JAMS', auth: 'windows' as const, timeoutSeconds: 60 };
      // A file that changed after the stage's checks: its SHA-256 is no longer the one the stage checked.
      await expect(host.restoreDatabase(target, BACKUP_FILE, 'AB'.repeat(32))).rejects.toThrow(
        /has the SHA-256 [0-9A-F]{64} right before the restore, and (AB){32} was checked: it changed\. Nothing was restored\./,
      );
      await expect(host.restoreDatabase(target, BACKUP_FILE, "x'; DROP")).rejects.toThrow(
        /is not 64 hexadecimal digits/,
      );
    } finally {
      await host.close();
    }
    expect(restores()).toEqual([]);
  });

  test('refuses a backup recorded without its backup set (by an older jams-upgrade)', async () => {
    await afterFailedUpgrade();
    const file = hostFile('primary', 'backup-record.json');
    const records = readJson<Record<string, BackupRecord>>(file) ?? {};
    const database = records['run-100']?.database;
    if (!database) throw new Error('the backup stage recorded no database backup');
    delete database.backupSet;
    writeFileSync(file, JSON.stringify(records));
    const r = await restore();
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(/has no backup set for .*JAMS_run-100\.bak/);
  });

  test('refuses without a verified backup', async () => {
    await afterFailedUpgrade();
    const file = hostFile('primary', 'backup-record.json');
    const records = readJson<Record<string, BackupRecord>>(file) ?? {};
    const database = records['run-100']?.database;
    if (!database) throw new Error('the backup stage recorded no database backup');
    database.verified = false;
    writeFileSync(file, JSON.stringify(records));
    const r = await restore();
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(
      /There is no verified database backup in .*backup-record\.json/,
    );
  });

  test('refuses a backup older than the last upgrade attempt, unless restore-backup-file names it', async () => {
    await afterFailedUpgrade();
    // A later upgrade run (150) that took no backup of its own is the last attempt.
    writeUpgradeRecord({ runKey: 'run-150' });
    const r = await restore();
    expectNothingRestored(r);
    expect(r.record.failure?.message).toMatch(
      /The latest verified backup, .*JAMS_run-100\.bak \(run-100, .*\), is older than the last upgrade attempt on JAMS-PRI \(primary\) \(run-150/,
    );
    expect(r.record.failure?.nextStep).toMatch(/restore-backup-file/);

    const named = await restore({ 'restore-backup-file': BACKUP_FILE });
    expect(named.exitCode).toBe(0);
    expect(rollbackRecord()?.['run-200']?.restore).toMatchObject({ phase: 'restored', explicit: true });
    expect(restores()).toHaveLength(1);
  });
});

describe('restore, when SQL Server fails it', () => {
  test('the failure names what to fix and is recorded; the re-run restores the same backup from the start', async () => {
    await afterFailedUpgrade();
    injectFault(lab, 'restore-fails');
    const failed = await restore();
    expect(failed.exitCode).toBe(1);
    expect(failed.record.failure).toMatchObject({
      message: expect.stringMatching(
        /failed: Exclusive access could not be obtained because the database is in use/,
      ),
      hostState: expect.stringMatching(/may be left RESTORING \(unusable\)/),
      nextStep: expect.stringMatching(/Do not start JAMS before a restore has succeeded\.$/),
    });
    expect(rollbackRecord()?.['run-200']?.restore).toMatchObject({ phase: 'failed', file: BACKUP_FILE });

    editLab(lab, (s) => (s.sql.faults.restoreFails = false));
    const again = await restore();
    expect(again.exitCode).toBe(0);
    expect(again.record.warnings.join('\n')).toMatch(
      /failed \(Exclusive access .*\): .* the same backup is restored again/,
    );
    // The stand-in logs the statements it ran: the refused one is not among them.
    expect(restores()).toHaveLength(1);
    expect(rollbackRecord()?.['run-200']?.restore?.phase).toBe('restored');
  });
});

describeOnPosix('restore, killed mid-way', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
  });

  test('a re-run after a kill in the middle of the RESTORE restores the same backup again and records it', async () => {
    await afterFailedUpgrade();
    editLab(lab, (s) => (s.timing.restoreMs = 60_000));
    const outputs = join(runs, 'killed-outputs.txt');
    writeFileSync(outputs, '');
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_'))),
      ...ROLLBACK_RUN,
      JAMS_UPGRADE_LAB: lab,
      GITHUB_OUTPUT: outputs,
      INPUT_STAGE: 'restore',
      INPUT_ROLE: 'primary',
      'INPUT_TARGET-VERSION': '7.2.100',
      'INPUT_SQL-SERVER': 'SQL01',
      'INPUT_SQL-DATABASE': 'JAMS',
      'INPUT_RUN-FOLDER': runs,
      INPUT_SHELL: testShell(),
    };
    const started = spawn(process.execPath, ['dist/index.js'], { detached: true, env, stdio: 'ignore' });
    child = started;
    const deadline = Date.now() + 60_000;
    while (readLab(lab).sql.restored['JAMS']?.state !== 'RESTORING') {
      if (started.exitCode !== null || Date.now() > deadline) throw new Error('the restore never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    await killGroup(started);
    expect(rollbackRecord()?.['run-200']?.restore?.phase).toBe('restoring');

    editLab(lab, (s) => (s.timing.restoreMs = 100));
    const again = await restore();
    expect(again.exitCode).toBe(0);
    expect(again.record.warnings.join('\n')).toMatch(
      /never recorded its end: .* restored again from the start/,
    );
    expect(restores()).toHaveLength(2);
    expect(readLab(lab).sql.restored['JAMS']?.state).toBe('ONLINE');
    expect(rollbackRecord()?.['run-200']?.restore?.phase).toBe('restored');
  });
});

describeOnPosix('reinstall', () => {
  const SVC = 'CORP\\svc-jams';
  const configText = (name: string) => readFileSync(labPath(lab, 'primary', `${SCHEDULER}\\${name}`), 'utf8');

  test('over a newer version: refused with 1638 without uninstall-first; with it, removed first and reinstalled, even across a failed install; start puts the config back', async () => {
    const before = readLab(lab).nodes.primary;
    const savedConfig = ['JAMSHost.exe.config', 'JAMSScheduler.exe.config', 'common.config'].map(configText);
    // The upgrade run: the accounts preflight records, the backup (the config files saved), both nodes stopped; then
    // what its upgrade to 7.4.0 left (the upgrade itself is upgrade.lab.test's subject): the new version, its default
    // config files, its record on the host.
    const backup = await stage(
      { stage: 'backup', role: 'primary', 'backup-path': '\\\\FILES\\backup\\jams', ...database },
      UPGRADE_RUN,
    );
    expect(backup.exitCode).toBe(0);
    const accounts = Object.fromEntries(Object.keys(before.services).map((name) => [name, SVC]));
    writeFileSync(
      hostFile('primary', 'logon-accounts.json'),
      JSON.stringify({ recordedAt: new Date().toISOString(), computerName: 'JAMS-PRI', accounts }),
    );
    editLab(lab, (s) => {
      stopAll(s);
      s.nodes.primary.version = '7.4.0';
    });
    for (const name of readdirSync(join('lab', 'new-version-files'))) {
      copyFileSync(join('lab', 'new-version-files', name), labPath(lab, 'primary', `${SCHEDULER}\\${name}`));
    }
    const at = new Date().toISOString();
    writeUpgradeRecord({
      phase: 'completed',
      versionAfter: '7.4.0',
      install: {
        processId: 4242,
        startedAt: at,
        log: 'x.log',
        exitCode: 0,
        finishedAt: at,
        rebootRequired: false,
      },
      configReappliedAt: at,
    });

    const older = writeLabInstaller(lab, '7.2.100');
    const inputs = {
      stage: 'reinstall',
      role: 'primary',
      'installer-path': older.windowsPath,
      'installer-sha256': older.sha256,
      'target-version': '7.2.100',
      ...fast,
    };
    const refused = await stage(inputs);
    expect(refused.exitCode).toBe(1);
    expect(refused.record.failure?.message).toMatch(
      /exited with 1638: another version of this product is already installed/,
    );
    expect(refused.record.failure?.nextStep).toMatch(/set uninstall-first: true/);
    expect(readLab(lab).nodes.primary.version).toBe('7.4.0');

    // uninstall-first: the newer version goes; the installer then fails once, leaving nothing installed.
    injectFault(lab, 'installer-1603');
    const failed = await stage({ ...inputs, 'uninstall-first': 'true' });
    expect(failed.exitCode).toBe(1);
    const uninstall = failed.record.data['uninstall'] as { commandLine: string; log: string; phase: string };
    expect(uninstall.phase).toBe('uninstalled');
    expect(uninstall.commandLine).toMatch(
      /msiexec\.exe \/x \{6C8A1E2B-7F4D-4B8E-9A51-3D2C7E0B9F11\} \/quiet \/norestart \/l\*v .*jams-uninstall-.*\.log$/,
    );
    expect(readFileSync(uninstall.log).toString('utf16le')).toMatch(/Removal completed successfully/);
    expect(readLab(lab).nodes.primary.services).toEqual({});
    expect(failed.record.failure?.message).toMatch(/exited with 1603/);

    // The re-run finds nothing installed and this rollback's uninstall recorded: it installs, then goes on.
    editLab(lab, (s) => (s.nodes.primary.faults.installerExitCode = 0));
    const done = await stage({ ...inputs, 'uninstall-first': 'true' });
    expect(done.record.failure).toBeUndefined();
    expect(done.outputs).toMatchObject({ 'version-before': '7.4.0', 'version-after': '7.2.100' });
    const node = readLab(lab).nodes.primary;
    expect(node.version).toBe('7.2.100');
    expect(node.install).toMatchObject({ exitCode: 0, secretVariablesSeen: [] });
    expect(Object.values(node.services).map((s) => [s.status, s.account])).toEqual(
      Object.values(before.services).map(() => ['Stopped', SVC]),
    );

    // The saved files belong to the version returned to: start puts them back whole.
    const start = await stage({ stage: 'start', role: 'primary', 'config-mode': 'replace', ...fast });
    expect(start.exitCode).toBe(0);
    expect(['JAMSHost.exe.config', 'JAMSScheduler.exe.config', 'common.config'].map(configText)).toEqual(
      savedConfig,
    );
    expect(readLab(lab).nodes.primary.role).toBe('Active');
  });
});
