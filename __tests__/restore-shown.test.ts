import { describe, expect, test } from '@jest/globals';
import { describeRestore, shownProblem, type RestorePlan } from '../src/tasks/restore-plan.js';

// What the approve-rollback gate shows is checked against its form before any reviewer sees it.
const plan = (over: Partial<RestorePlan['source']> = {}): RestorePlan => ({
  source: {
    server: 'SQL01',
    database: 'JAMS',
    file: '\\\\FILES\\backup\\jams\\JAMS_run-1.bak',
    size: 2048,
    sha256: 'AB'.repeat(32),
    takenAt: '2026-11-25T02:00:00.000Z',
    backupMs: 61_000,
    backupRunKey: 'run-1',
    explicit: false,
    backupSet: {
      databaseName: 'JAMS',
      serverName: 'SQL01',
      guid: '5dad0cc3-ad1d-497b-8b1d-100153da611e',
      finishedAt: '2026-11-25T02:01:01.123',
    },
    ...over,
  },
  target: { server: 'SQL01', database: 'JAMS', auth: 'windows', timeoutSeconds: 60, source: 'inputs' },
  foundIn: 'the backup record',
  upgrade: null,
});

describe('the values the rollback gate shows', () => {
  test('a recorded backup passes: names, ISO times, numbers, a SHA-256 and a GUID', () => {
    const shown = describeRestore(plan());
    expect(shown).toMatchObject({ backupSet: '5dad0cc3-ad1d-497b-8b1d-100153da611e', run: 'run-1' });
    expect(shownProblem(shown)).toBeNull();
  });

  test.each([
    ['a bidirectional override in the database name', { database: 'JAMS\u202Egnp.exe' }, /database/],
    ['a line break in the server', { server: 'SQL01\n| Approved | yes |' }, /database/],
    ['a file that is not a .bak', { file: '\\\\FILES\\backup\\jams\\evil.exe' }, /file/],
    ['a time that is not ISO', { takenAt: 'yesterday' }, /takenAt/],
    ['a hash that is not hex', { sha256: 'Z'.repeat(64) }, /sha256/],
    ['a run that is not a run key', { backupRunKey: 'run-1 <img src=x>' }, /run/],
  ] as const)('refuses %s', (_what, over, field) => {
    expect(shownProblem(describeRestore(plan(over)))).toMatch(field);
  });
});
