import { describe, expect, test } from '@jest/globals';
import { decideClose, decideOpen, describeEntries } from '../src/jams/maintenance.js';
import type { WindowRecord } from '../src/state/maintenance-window.js';

const record: WindowRecord = {
  server: 'localhost',
  resource: 'Maintenance_Window',
  quantity: 250,
  recordedAt: '2026-01-01T00:00:00Z',
  computerName: 'JAMS-PRI',
};

describe('maintenance-on', () => {
  test('an open window is recorded, then closed', () => {
    expect(decideClose(250, undefined)).toEqual({ action: 'record-and-close', quantity: 250 });
  });
  test('a re-run finds 0 and the record, and keeps the record', () => {
    expect(decideClose(0, record)).toEqual({ action: 'already-closed', record });
  });
  test('0 with only a restored record is a window closed by hand', () => {
    expect(decideClose(0, { ...record, restoredAt: '2026-01-02T00:00:00Z' })).toEqual({
      action: 'closed-without-record',
    });
  });
});

describe('maintenance-off', () => {
  test('restores the recorded quantity, not a constant', () => {
    expect(decideOpen(0, record)).toEqual({ action: 'restore', quantity: 250 });
  });
  test('is idempotent', () => {
    expect(decideOpen(250, record)).toEqual({ action: 'already-open', quantity: 250 });
  });
  test('leaves a window someone reopened with another value', () => {
    expect(decideOpen(10, record)).toEqual({ action: 'changed-by-hand', current: 10, recorded: 250 });
  });
  test('has nothing to restore without a record', () => {
    expect(decideOpen(0, undefined)).toEqual({ action: 'no-record' });
  });
});

test('entry lists are capped', () => {
  expect(describeEntries([])).toBe('none');
  expect(describeEntries(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
});
