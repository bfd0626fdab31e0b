import { describe, expect, test } from '@jest/globals';
import type { EntryHistory } from '../src/host/host-types.js';
import { compareFailureRates, noiseMargin, rateWindow, stuckEntries } from '../src/jams/soak-health.js';

const history = (completed: number, failed: number): EntryHistory => ({
  from: '2026-12-01T00:00:00Z',
  to: '2026-12-02T00:00:00Z',
  completed,
  failed,
  bySeverity: { Success: completed - failed, Info: 0, Warning: 0, Error: failed, Fatal: 0 },
});

describe('the soak compares the failed-entry rate with as long before the upgrade', () => {
  test('the noise is 1.96 standard errors of the difference of two rates (pooled)', () => {
    // 10 and 14 of 200: p = 24 / 400 = 0.06, noise 1.96 * sqrt(0.06 * 0.94 * 0.01) = 4.65 points.
    // p = 20 / 400 = 0.05; sqrt(0.05 * 0.95 * (1/200 + 1/200)) = 0.021794; * 1.96 * 100 = 4.27 points.
    expect(noiseMargin(rateWindow(history(200, 10)), rateWindow(history(200, 10)))).toBe(4.27);
    expect(noiseMargin(rateWindow(history(0, 0)), rateWindow(history(200, 10)))).toBe(0);
    expect(noiseMargin(rateWindow(history(100, 0)), rateWindow(history(100, 0)))).toBe(0);
  });

  test('a rise within the noise passes, one beyond it fails with the numbers', () => {
    const within = compareFailureRates(history(200, 10), history(200, 14), 0);
    expect(within).toMatchObject({ increase: 2, noise: 4.65, ok: true });
    expect(within.reason).toBe(
      'during the soak 14 of 200 failed (7 %), before the upgrade 10 of 200 failed (5 %): up 2 points, within the noise of 4.65 points',
    );
    const beyond = compareFailureRates(history(200, 10), history(200, 40), 0);
    expect(beyond).toMatchObject({ increase: 15, ok: false });
    expect(beyond.reason).toMatch(/up 15 points, beyond the noise of 6.48 points$/);
  });

  test('soak-max-failure-increase allows that many points beyond the noise', () => {
    const beyond = compareFailureRates(history(200, 10), history(200, 40), 0);
    const allowed = compareFailureRates(history(200, 10), history(200, 40), 10);
    expect(beyond.ok).toBe(false);
    expect(allowed).toMatchObject({ ok: true, allowed: 10 });
    expect(allowed.reason).toMatch(/within the noise of 6.48 points plus the 10 allowed$/);
  });

  test('a fall passes; the noise is not needed for it', () => {
    expect(compareFailureRates(history(100, 20), history(100, 2), 0)).toMatchObject({
      increase: -18,
      ok: true,
    });
  });

  test('nothing completed during the soak while entries did before: the scheduler may not be running jobs', () => {
    const idle = compareFailureRates(history(50, 1), history(0, 0), 0);
    expect(idle).toMatchObject({ ok: false, increase: null });
    expect(idle.reason).toBe(
      'no entry completed during the soak, though 50 did in as long before the upgrade',
    );
  });

  test('a pair that runs no jobs has nothing to compare, and passes; one with no history before is judged on the soak alone', () => {
    expect(compareFailureRates(history(0, 0), history(0, 0), 0)).toMatchObject({ ok: true, increase: null });
    const fresh = compareFailureRates(history(0, 0), history(30, 3), 0);
    expect(fresh).toMatchObject({ ok: true, increase: null });
    expect(fresh.reason).toMatch(/no entry completed in as long before the upgrade to compare with/);
  });
});

describe('stuck entries', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const started = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();

  test('past 3 times the average and past the average plus 10 minutes', () => {
    const stuck = stuckEntries(
      [
        // 20-second job running 2 minutes: 6 times its average but within its average plus 10 minutes.
        { entry: '1', name: 'Quick', startedAt: started(120), averageSeconds: 20 },
        { entry: '2', name: 'Quick-Hung', startedAt: started(700), averageSeconds: 20 },
        // 1-hour job at 2.5 hours: not yet 3 times.
        { entry: '3', name: 'Nightly', startedAt: started(9000), averageSeconds: 3600 },
        { entry: '4', name: 'Nightly-Hung', startedAt: started(11000), averageSeconds: 3600 },
      ],
      now,
    );
    expect(stuck).toEqual([
      { entry: '2', name: 'Quick-Hung', runningSeconds: 700, averageSeconds: 20 },
      { entry: '4', name: 'Nightly-Hung', runningSeconds: 11000, averageSeconds: 3600 },
    ]);
  });

  test('an entry JAMS gives no start or average for is not judged', () => {
    expect(
      stuckEntries(
        [
          { entry: '1', name: 'New-Job', startedAt: started(99999), averageSeconds: null },
          { entry: '2', name: 'Old-Shape', startedAt: null, averageSeconds: 10 },
          { entry: '3', name: 'No-Fields' },
        ],
        now,
      ),
    ).toEqual([]);
  });
});
