import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Host } from '../src/host/host.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import type { Settings } from '../src/settings.js';
import { StageContext, StageError } from '../src/stage-context.js';
import { readBackupRecords } from '../src/state/backup-record.js';
import { readLogOnAsRecord, saveLogOnAsRecord } from '../src/state/logon-accounts.js';
import { readWindowRecord } from '../src/state/maintenance-window.js';
import { readUpgradeRecord } from '../src/state/upgrade-record.js';
import { tempDir } from './helpers/run-stage.js';

const FOLDER = 'C:\\ProgramData\\jams-upgrade';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe("the host's state folder has one door", () => {
  test('only src/state calls readState and saveState (src/host implements them)', () => {
    const callers = tsFiles('src')
      .map((f) => relative('src', f).split(sep).join('/'))
      .filter((f) => !f.startsWith('state/') && !f.startsWith('host/'))
      .filter((f) => /\b(readState|saveState)\s*[<(]/.test(readFileSync(join('src', f), 'utf8')));
    expect(callers).toEqual([]);
  });

  test('each record file has one owner module in src/state', () => {
    const names = tsFiles('src/state').flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/= '([a-z-]+\.json)'/g)].map((m) => m[1]),
    );
    expect(names.sort()).toEqual([
      'backup-record.json',
      'config-saved.json',
      'installer-staging.json',
      'logon-accounts.json',
      'maintenance-window.json',
      'rollback-record.json',
      'upgrade-record.json',
    ]);
  });
});

/** A context on a host whose state folder holds `files` (name -> JSON text); saves land in `files` too. */
function hostWith(files: Record<string, string>): StageContext {
  const host: Partial<Host> = {
    readState: <T>(folder: string, name: string) => {
      const json = files[name];
      return Promise.resolve({
        path: `${folder}\\${name}`,
        data: json === undefined ? null : (JSON.parse(json) as T),
      });
    },
    saveState: (folder: string, name: string, data: unknown) => {
      files[name] = JSON.stringify(data, null, 2);
      return Promise.resolve({ path: `${folder}\\${name}` });
    },
  };
  const record = {
    actions: [],
    warnings: [],
    data: {},
    run: { id: 42 },
    host: { computerName: 'SCHED01' },
  } as unknown as StageRecord;
  return new StageContext(
    {
      role: 'primary',
      dryRun: false,
      stateFolder: FOLDER,
      maintenance: { jamsServer: 'localhost', resource: 'MaintenanceWindow' },
    } as unknown as Settings,
    host as Host,
    record,
    new RunFolder(tempDir('host-state'), 'preflight', 'primary'),
  );
}

const ACCOUNTS = {
  recordedAt: '2026-01-01T00:00:00.000Z',
  computerName: 'SCHED01',
  accounts: { JAMSScheduler: 'CORP\\svc-jams' },
};

describe('a record read from the host is checked against its schema', () => {
  test('a record as jams-upgrade writes it reads back, fields it does not know kept', async () => {
    const files = { 'logon-accounts.json': JSON.stringify({ ...ACCOUNTS, note: 'by hand' }) };
    const ctx = hostWith(files);
    const read = await readLogOnAsRecord(ctx);
    expect(read.path).toBe(`${FOLDER}\\logon-accounts.json`);
    expect(read.data).toEqual({ ...ACCOUNTS, note: 'by hand' });
    await saveLogOnAsRecord(ctx, { ...ACCOUNTS, computerName: 'SCHED02' });
    expect(JSON.parse(files['logon-accounts.json'])).toEqual({ ...ACCOUNTS, computerName: 'SCHED02' });
  });

  test('no file is no record', async () => {
    await expect(readUpgradeRecord(hostWith({}))).resolves.toEqual({
      path: `${FOLDER}\\upgrade-record.json`,
      data: null,
    });
  });

  test('a hand-edited record stops the stage with one error naming the file, the field and the fix', async () => {
    const edited = { ...ACCOUNTS, accounts: { JAMSScheduler: 7 } };
    const error = await readLogOnAsRecord(hostWith({ 'logon-accounts.json': JSON.stringify(edited) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StageError);
    const e = error as StageError;
    expect(e.message).toContain(`The Log On As record ${FOLDER}\\logon-accounts.json on SCHED01 (primary)`);
    expect(e.message).toContain('accounts.JAMSScheduler:');
    expect(e.hostState).toBe(`${FOLDER}\\logon-accounts.json is left as it is.`);
    expect(e.nextStep).toMatch(/edited by hand.*move the file aside \(preflight then records/);
  });

  test('a keyed record names the entry that is wrong', async () => {
    const oldShape = {
      'run-1': { runKey: 'run-1', role: 'primary', computerName: 'SCHED01', startedAt: 'x', complete: 'yes' },
    };
    const error = await readBackupRecords(hostWith({ 'backup-record.json': JSON.stringify(oldShape) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).message).toMatch(/backup record .*backup-record\.json .*run-1\.complete: /);
  });

  test('a file that is not JSON is named too', async () => {
    const error = await readWindowRecord(hostWith({ 'maintenance-window.json': '{ "localhost\\\\' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).message).toMatch(
      /maintenance-window record C:\\ProgramData\\jams-upgrade\\maintenance-window\.json .*it is not JSON/,
    );
  });

  test("a keyed save keeps every other key's entry", async () => {
    const other = {
      server: 'other',
      resource: 'Window',
      quantity: 5,
      recordedAt: 't',
      computerName: 'SCHED01',
    };
    const files: Record<string, string> = {
      'maintenance-window.json': JSON.stringify({ 'other\\window': other }),
    };
    const stored = await readWindowRecord(hostWith(files));
    expect(stored.key).toBe('localhost\\maintenancewindow');
    expect(stored.record).toBeUndefined();
    const mine = { ...other, server: 'localhost', resource: 'MaintenanceWindow', quantity: 999999 };
    await stored.save(mine);
    expect(JSON.parse(files['maintenance-window.json'] ?? '')).toEqual({
      'other\\window': other,
      'localhost\\maintenancewindow': mine,
    });
  });
});
