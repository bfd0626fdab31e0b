import { beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editLab, injectFault, labPath, readLab } from '../lab/control.js';
import { runStage, freshLab } from './helpers/run-stage.js';

// Real pwsh, the real module, the lab's SQL stand-in (a real backup file) and hook fixtures.
let lab: string;
let runs: string;
const SHARE = '\\\\FILES\\backup\\jams';
const STATE = 'C:\\ProgramData\\jams-upgrade';
const BACKUP_SQL = 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT';
const VERIFY_SQL = 'RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM';
const BACKUP_SET_SQL =
  'SELECT TOP 1 b.backup_set_uuid AS BackupSetGUID, b.backup_finish_date AS BackupFinishDate, ' +
  'b.database_name AS DatabaseName, b.server_name AS ServerName FROM msdb.dbo.backupset AS b JOIN ' +
  'msdb.dbo.backupmediafamily AS m ON m.media_set_id = b.media_set_id WHERE m.physical_device_name = @path ' +
  'ORDER BY b.backup_finish_date DESC';
const fast = { 'service-timeout-seconds': '10' };

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

/** The run key the action derives from GITHUB_RUN_ID (set when these tests run in a workflow). */
const key = process.env['GITHUB_RUN_ID'] ? `run-${process.env['GITHUB_RUN_ID']}` : 'local';
const shareFile = (name: string) => join(lab, 'unc', 'FILES', 'backup', 'jams', name);
const backupRecord = (node: 'primary' | 'secondary') =>
  JSON.parse(readFileSync(labPath(lab, node, `${STATE}\\backup-record.json`), 'utf8'))[key];
const running = (node: 'primary' | 'secondary') =>
  Object.values(readLab(lab).nodes[node].services).map((s) => s.status);
const backup = (role: string, extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'backup', role, 'backup-path': SHARE, ...extra });

describe('backup on the primary', () => {
  test('takes a copy-only backup, verifies it, records file, size, SHA-256 and duration; stop then runs', async () => {
    const r = await backup('primary');
    expect(r.exitCode).toBe(0);
    const file = shareFile(`JAMS_${key}.bak`);
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase();
    const db = r.record.data.backup?.database;
    expect(db).toMatchObject({
      server: 'SQL01',
      database: 'JAMS',
      file: `${SHARE}\\JAMS_${key}.bak`,
      size: readFileSync(file).length,
      sha256,
      sql: BACKUP_SQL,
      verified: true,
      verifyMessages: ['The backup set on file 1 is valid.'],
      // The backup set msdb recorded for the file: what a restore finds again in the file's header.
      backupSet: {
        databaseName: 'JAMS',
        serverName: 'SQL01',
        guid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        finishedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/),
      },
      backupSetSql: BACKUP_SET_SQL,
    });
    expect(db?.backupMs).toEqual(expect.any(Number));
    expect(r.record.data['database']).toMatchObject({
      source: expect.stringMatching(/common\.config \(connection string JAMSDatabase\)/),
    });
    expect(readLab(lab).sql.log.map((c) => [c.sql, c.parameters])).toEqual([
      [BACKUP_SQL, { db: 'JAMS', path: `${SHARE}\\JAMS_${key}.bak` }],
      [BACKUP_SET_SQL, { path: `${SHARE}\\JAMS_${key}.bak` }],
      [VERIFY_SQL, { path: `${SHARE}\\JAMS_${key}.bak` }],
    ]);
    expect(backupRecord('primary')).toMatchObject({ complete: true, database: { verified: true, sha256 } });
    // No record next to the backup: a share others can write holds nothing a restore would trust.
    expect(existsSync(`${file}.json`)).toBe(false);
    // The config files: the shared save (state folder, run folder) and a copy in the backup folder.
    expect(readdirSync(shareFile(`config/JAMS-PRI-${key}`))).toEqual(
      expect.arrayContaining(['JAMSHost.exe.config']),
    );
    expect(existsSync(join(runs, 'backup-primary', 'config', 'JAMSScheduler.exe.config'))).toBe(true);

    const again = await backup('primary');
    expect(again.exitCode).toBe(0);
    expect(again.record.actions.every((a) => a.outcome === 'skipped')).toBe(true);
    expect(readLab(lab).sql.log).toHaveLength(3);

    const stop = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(stop.exitCode).toBe(0);
    expect(running('primary')).toEqual(['Stopped', 'Stopped', 'Stopped']);
  });

  test('a verification failure fails the stage, and stop then refuses before stopping anything', async () => {
    injectFault(lab, 'backup-damaged');
    const r = await backup('primary');
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/failed verification: Damage to the backup set was detected/);
    expect(r.record.failure?.hostState).toMatch(/No JAMS service was stopped/);
    expect(backupRecord('primary')).toMatchObject({ complete: false, database: { verified: false } });

    const stop = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(stop.exitCode).toBe(1);
    expect(stop.record.failure?.message).toMatch(
      /^Refusing to stop the JAMS services on JAMS-PRI \(primary\): the database backup .* is not verified/,
    );
    expect(stop.record.failure?.hostState).toMatch(/Nothing was stopped/);
    expect(stop.record.failure?.nextStep).toMatch(/require-backup: false/);
    expect(stop.record.actions).toEqual([]);
    expect(running('primary')).toEqual(['Running', 'Running', 'Running']);
  });

  test('a failed backup fails the stage and stop refuses', async () => {
    injectFault(lab, 'backup-fails');
    const r = await backup('primary');
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /The backup of JAMS on SQL01 .* failed .*There is not enough space on the disk/,
    );
    const stop = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(stop.exitCode).toBe(1);
    expect(stop.record.failure?.message).toMatch(/has no database backup/);
    expect(running('primary')).toEqual(['Running', 'Running', 'Running']);
  });

  test("a database name with ] and ' reaches SQL Server intact as a parameter; the T-SQL text is unchanged", async () => {
    const name = "JAMS]'; DROP DATABASE [x]; --";
    editLab(lab, (s) => s.sql.databases.push(name));
    const r = await backup('primary', { 'sql-server': 'SQL01', 'sql-database': name });
    expect(r.exitCode).toBe(0);
    const [call] = readLab(lab).sql.log;
    expect(call?.sql).toBe(BACKUP_SQL);
    expect(call?.parameters['db']).toBe(name);
    expect(call?.parameters['path']).toBe(`${SHARE}\\JAMS____DROP_DATABASE__x___--_${key}.bak`);
    expect(readFileSync(shareFile(`JAMS____DROP_DATABASE__x___--_${key}.bak`), 'utf8')).toContain(
      `database: ${name}`,
    );
  });

  test('a SQL login: the password reaches SQL Server only through the environment and is written nowhere', async () => {
    const password = "s3cret-'$(pw)-Pass";
    editLab(lab, (s) => (s.sql.logins['jams_backup'] = password));
    const login = { 'sql-auth': 'sql', 'sql-user': 'jams_backup' };
    const wrong = await backup('primary', { ...login, 'sql-password': 'nope' });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.record.failure?.message).toMatch(/Login failed for user 'jams_backup'/);

    const r = await backup('primary', { ...login, 'sql-password': password });
    expect(r.exitCode).toBe(0);
    expect(readLab(lab).sql.log[1]).toMatchObject({ integratedSecurity: false, user: 'jams_backup' });
    expect(r.stdout).toContain(`::add-mask::${password}`);
    expect(r.stdout.replace(`::add-mask::${password}`, '')).not.toContain(password);
    for (const f of readdirSync(join(runs, 'backup-primary'))) {
      if (/\.(log|json|md)$/.test(f))
        expect(readFileSync(join(runs, 'backup-primary', f), 'utf8')).not.toContain(password);
    }
    expect(readFileSync(labPath(lab, 'primary', `${STATE}\\backup-record.json`), 'utf8')).not.toContain(
      password,
    );
  });

  test('a local backup folder for a SQL Server on another machine is refused before anything is saved', async () => {
    const r = await backup('primary', { 'backup-path': 'D:\\Backups' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/SQL Server SQL01 runs on another machine/);
    expect(readLab(lab).sql.log).toEqual([]);
  });

  test('without backup-path the primary refuses', async () => {
    const r = await runStage(lab, runs, { stage: 'backup', role: 'primary' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/needs the 'backup-path' input/);
  });

  test('a dry-run takes no backup, saves nothing and runs no hook', async () => {
    const r = await backup('primary', { 'dry-run': 'true', 'snapshot-script': 'C:\\Hooks\\snapshot.ps1' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['status']).toBe('dry-run');
    expect(readLab(lab).sql.log).toEqual([]);
    expect(existsSync(join(lab, 'unc'))).toBe(false);
    expect(existsSync(labPath(lab, 'primary', `${STATE}\\backup-record.json`))).toBe(false);
    expect(existsSync(labPath(lab, 'primary', 'C:\\Hooks\\snapshots.log'))).toBe(false);
    expect(r.record.actions.map((a) => [a.what, a.outcome])).toEqual([
      ['save config files', 'would'],
      ['back up database', 'would'],
      ['run snapshot hook', 'would'],
    ]);
    const stop = await runStage(lab, runs, { stage: 'stop', role: 'primary', 'dry-run': 'true' });
    expect(stop.exitCode).toBe(0);
    expect(stop.record.warnings.join('\n')).toMatch(
      /\[dry-run\] a real run would stop here: Refusing to stop the JAMS services on .*: no backup was taken/,
    );
  });
});

describe('the snapshot hook', () => {
  test('is called with -HostName -Role -RunId, without the secrets; its output and result are recorded', async () => {
    // A SQL login's password is in the stage's PowerShell environment; the hook, in that same process, must not see it.
    const r = await backup('secondary', {
      'snapshot-script': 'C:\\Hooks\\snapshot.ps1',
      'sql-auth': 'sql',
      'sql-user': 'jams_backup',
      'sql-password': 'hook-must-not-see-this',
    });
    expect(r.exitCode).toBe(0);
    const runId = process.env['GITHUB_RUN_ID'] ?? 'local';
    expect(readFileSync(labPath(lab, 'secondary', 'C:\\Hooks\\snapshots.log'), 'utf8').trim()).toBe(
      `snapshot of JAMS-SEC (secondary) for run ${runId}; secret variables seen: 0`,
    );
    const snapshot = r.record.data.backup?.snapshot;
    expect(snapshot).toMatchObject({
      ok: true,
      timedOut: false,
      output: [`hypervisor: snapshot of JAMS-SEC (secondary) for run ${runId} taken`],
    });
    expect(readFileSync(join(runs, 'backup-secondary', 'snapshot-hook.log'), 'utf8')).toMatch(/taken/);
    // The secondary saves its config files; the database is the primary's job.
    expect(backupRecord('secondary')).toMatchObject({ complete: true, database: null });
    expect(readLab(lab).sql.log).toEqual([]);
    const stop = await runStage(lab, runs, { stage: 'stop', role: 'secondary', ...fast });
    expect(stop.exitCode).toBe(0);
  });

  test('a failing hook fails the stage with its message; nothing is stopped, and a re-run keeps the backup', async () => {
    const r = await backup('primary', { 'snapshot-script': 'C:\\Hooks\\snapshot-fails.ps1' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /snapshot hook C:\\Hooks\\snapshot-fails\.ps1 failed: the hypervisor refused the snapshot of JAMS-PRI \(datastore full\)/,
    );
    expect(r.record.failure?.hostState).toMatch(/No JAMS service was stopped/);
    expect(readFileSync(join(runs, 'backup-primary', 'snapshot-hook.log'), 'utf8')).toMatch(
      /asking the hypervisor/,
    );
    expect(backupRecord('primary')).toMatchObject({
      complete: false,
      database: { verified: true },
      snapshot: { ok: false },
    });
    const stop = await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast });
    expect(stop.exitCode).toBe(1);
    expect(stop.record.failure?.message).toMatch(/the backup stage of this run did not finish/);
    expect(running('primary')).toEqual(['Running', 'Running', 'Running']);

    const fixed = await backup('primary', { 'snapshot-script': 'C:\\Hooks\\snapshot.ps1' });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.record.actions.find((a) => a.what === 'back up database')?.outcome).toBe('skipped');
    expect(readLab(lab).sql.log).toHaveLength(3);
  });

  test('a hook that hangs is stopped at its timeout and fails the stage', async () => {
    const r = await backup('secondary', {
      'snapshot-script': 'C:\\Hooks\\snapshot-hangs.ps1',
      'snapshot-timeout-seconds': '5',
    });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/did not finish within 5 s and was stopped/);
  });

  test('a hook that does not exist fails before anything is saved', async () => {
    const r = await backup('primary', { 'snapshot-script': 'C:\\Hooks\\missing.ps1' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/snapshot hook C:\\Hooks\\missing\.ps1 does not exist/);
    expect(r.record.actions).toEqual([]);
    expect(readLab(lab).sql.log).toEqual([]);
  });
});

test('stop without any backup refuses, and require-backup: false lets it stop', async () => {
  const refused = await runStage(lab, runs, { stage: 'stop', role: 'secondary', ...fast });
  expect(refused.exitCode).toBe(1);
  expect(refused.record.failure?.message).toMatch(/no backup was taken on this host for this run/);
  expect(running('secondary')).toEqual(['Running', 'Running', 'Running']);
  const allowed = await runStage(lab, runs, {
    stage: 'stop',
    role: 'secondary',
    'require-backup': 'false',
    ...fast,
  });
  expect(allowed.exitCode).toBe(0);
  expect(allowed.record.warnings.join('\n')).toMatch(/require-backup is false/);
});
