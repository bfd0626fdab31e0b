import { describe, expect, test } from '@jest/globals';
import { problemsWith, settingsWith } from './helpers/inputs.js';

// The fleet's inputs at the door: one clear error naming the input, the value and the fix; nothing runs.

describe('rings', () => {
  test('comma-separated or one per line, in promotion order', () => {
    expect(settingsWith({ stage: 'fleet-plan', rings: 'jams-dev, jams-test,jams-prod' }).fleet.rings).toEqual(
      ['jams-dev', 'jams-test', 'jams-prod'],
    );
    expect(settingsWith({ stage: 'fleet-report', rings: 'dev\ntest\n' }).fleet.rings).toEqual([
      'dev',
      'test',
    ]);
  });

  test('a name a runner label or an artifact name cannot hold is refused by name', () => {
    expect(problemsWith({ stage: 'fleet-plan', rings: 'dev, prod eu, test' })).toEqual([
      "input 'rings' has the value 'dev, prod eu, test': 'prod eu' is refused; give 1 to 6 GitHub environment names " +
        'in promotion order, comma-separated or one per line, such as jams-dev, jams-test, jams-prod (letters, ' +
        'digits, _ . and -, up to 100 each).',
    ]);
  });

  test('an environment named twice, or more than 6, is refused', () => {
    expect(problemsWith({ stage: 'fleet-plan', rings: 'dev, test, DEV' })).toEqual([
      expect.stringMatching(
        /^input 'rings' has the value 'dev, test, DEV': an environment is named twice; give 1 to 6/,
      ),
    ]);
    expect(problemsWith({ stage: 'fleet-plan', rings: 'a, b, c, d, e, f, g' })).toEqual([
      expect.stringMatching(
        /^input 'rings' has the value 'a, b, c, d, e, f, g': give 1 to 6 GitHub environment names/,
      ),
    ]);
  });

  test('the fleet stages need it', () => {
    expect(problemsWith({ stage: 'fleet-plan' })).toEqual([
      "input 'rings' is empty: the fleet-plan stage needs the environments of the fleet in promotion order, such as " +
        'jams-dev, jams-test, jams-prod.',
    ]);
    expect(problemsWith({ stage: 'status', role: 'primary' })).toEqual([]);
  });
});

describe('the soak', () => {
  test('soak-minutes defaults to a day, takes minutes up to the longest wait timer, fractions too', () => {
    expect(settingsWith({ stage: 'soak' }).soak).toEqual({ minutes: 1440, maxFailureIncrease: 0 });
    expect(settingsWith({ stage: 'soak', 'soak-minutes': '0.5' }).soak.minutes).toBe(0.5);
    expect(problemsWith({ stage: 'soak', 'soak-minutes': '43201' })).toEqual([
      "input 'soak-minutes' has the value '43201': use minutes from 0 to 43200 (30 days, the longest wait timer " +
        'GitHub allows), such as 1440.',
    ]);
  });

  test('soak-max-failure-increase is percentage points from 0 to 100', () => {
    expect(settingsWith({ stage: 'soak', 'soak-max-failure-increase': '5' }).soak.maxFailureIncrease).toBe(5);
    expect(problemsWith({ stage: 'soak', 'soak-max-failure-increase': '-1' })).toEqual([
      expect.stringMatching(
        /^input 'soak-max-failure-increase' has the value '-1': use percentage points from 0 to 100/,
      ),
    ]);
  });
});
