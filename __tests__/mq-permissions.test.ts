import { describe, expect, test } from '@jest/globals';
import { mqNoteApplies, sendersOf } from '../src/jams/mq-permissions.js';

describe('the 7.3.338 Message Queue note', () => {
  test.each([
    ['7.2.100', '7.4.0', true],
    ['7.3.338', '7.3.339', true],
    ['7.0.1', '7.3.400', true],
    ['7.3.400', '7.4.0', false],
    ['7.3.339', '7.4.0', false],
    ['7.2.100', '7.3.338', false],
    ['6.5.0', '7.4.0', false],
    ['7.2.100', 'not a version', false],
  ])('%s -> %s: %s', (from, to, expected) => {
    expect(mqNoteApplies(from, to)).toBe(expected);
  });

  test('four-part versions compare by their first three parts', () => {
    expect(mqNoteApplies('7.2.100.1', '7.4.0.12')).toBe(true);
  });
});

test('senders are the Allow entries with Send Message or Full Control', () => {
  expect(
    sendersOf([
      { account: 'CORP\\JAMS-SEC$', type: 'Allow', rights: 'WriteMessage' },
      { account: 'Everyone', type: 'Allow', rights: 'GetQueueProperties, GetQueuePermissions' },
      { account: 'CORP\\svc-jams', type: 'Allow', rights: 'FullControl' },
      { account: 'CORP\\intruder', type: 'Deny', rights: 'WriteMessage' },
    ]),
  ).toEqual(['CORP\\JAMS-SEC$', 'CORP\\svc-jams']);
});
