import { expect, test } from '@jest/globals';
import { backupFileName, isLocalSqlServer, windowsJoin } from '../src/tasks/database-backup.js';

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
