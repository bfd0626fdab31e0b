import { expect, test } from '@jest/globals';
import type { DatabaseConnection } from '../src/host/host.js';
import {
  backupFileName,
  describeUnreadable,
  isLocalSqlServer,
  pickConnection,
  windowsJoin,
} from '../src/tasks/database-backup.js';

test.each([
  ['.', true],
  ['(local)', true],
  ['localhost\\SQLEXPRESS', true],
  ['tcp:JAMS-PRI,1433', true],
  ['jams-pri.corp.example', true],
  ['SQL01', false],
  ['tcp:SQL01\\JAMS,1433', false],
])('SQL Server %s is on JAMS-PRI: %s', (server, local) => {
  expect(isLocalSqlServer(server, 'JAMS-PRI')).toBe(local);
});

test('backup file names keep only safe characters, and folders join with one backslash', () => {
  expect(backupFileName("JAMS]'x", 'run-7')).toBe('JAMS__x_run-7.bak');
  expect(windowsJoin('\\\\FILES\\backup\\', 'a.bak')).toBe('\\\\FILES\\backup\\a.bak');
  expect(windowsJoin('D:\\Backups', 'a.bak')).toBe('D:\\Backups\\a.bak');
});

const conn = (name: string, extra: Partial<DatabaseConnection> = {}): DatabaseConnection => ({
  name,
  form: 'sqlclient',
  dataSource: 'SQL01',
  initialCatalog: 'JAMS',
  integratedSecurity: true,
  ...extra,
});
const names = (list: DatabaseConnection[]) => list.map((c) => c.name);

test('the connection picked is the readable one named first; unreadable ones ranked lower are only passed', () => {
  const broken = { form: 'odbc' as const, initialCatalog: '', error: 'it names no database' };
  const choice = pickConnection([conn('Reporting', broken), conn('Other'), conn('JAMS'), conn('x', broken)]);
  expect(choice.picked?.name).toBe('JAMS');
  expect(choice.blocking).toEqual([]);
  expect(names(choice.passed)).toEqual(['Reporting', 'x']);
});

test('an unreadable connection that could be the JAMS database blocks, whatever else is readable', () => {
  const broken = { form: 'oledb' as const, error: 'it does not parse as a connection string' };
  // Named first: JAMSDatabase outranks the readable JAMS.
  expect(names(pickConnection([conn('JAMS'), conn('JAMSDatabase', broken)]).blocking)).toEqual([
    'JAMSDatabase',
  ]);
  // Same rank as the pick (no known name): either could be the database's.
  expect(names(pickConnection([conn('A'), conn('B', broken)]).blocking)).toEqual(['B']);
  // A connection without an error but without a database cannot be picked either.
  const none = pickConnection([conn('JAMSDatabase', { initialCatalog: '' })]);
  expect(none.picked).toBeNull();
  expect(names(none.blocking)).toEqual(['JAMSDatabase']);
  expect(pickConnection([])).toEqual({ picked: null, blocking: [], passed: [] });
});

test('an unreadable connection is described by name, form and why, never by its text', () => {
  expect(describeUnreadable(conn('JAMSDatabase', { form: 'odbc', error: 'it names no database' }))).toBe(
    "connection string 'JAMSDatabase' (ODBC) could not be read: it names no database",
  );
  expect(describeUnreadable(conn('X', { form: null, error: 'it does not parse' }))).toBe(
    "connection string 'X' could not be read: it does not parse",
  );
  expect(describeUnreadable(conn('Y', { form: 'oledb', dataSource: '' }))).toBe(
    "connection string 'Y' (OLE DB) could not be read: it names no server",
  );
});
