// The soak's judgement of a pair's health after its upgrade: the failed-entry rate during the soak against the same
// length of time before the upgrade, and the entries stuck executing. Pure: the soak stage reads, this decides.
import type { EntryHistory, ExecutingEntry } from '../host/host-types.js';

/** The z-value of the noise margin: a rise smaller than 1.96 standard errors is what chance gives 1 time in 20. */
export const NOISE_Z = 1.96;

/** One window of the JAMS history: how many entries completed, how many failed, and the rate in percent. */
export interface RateWindow {
  from: string;
  to: string;
  completed: number;
  failed: number;
  /** failed / completed in percent; null when nothing completed. */
  percent: number | null;
}

/** The comparison the soak makes, with the numbers a reviewer reads. */
export interface RateVerdict {
  before: RateWindow;
  during: RateWindow;
  /** during - before, in percentage points; null when either window had no completion. */
  increase: number | null;
  /** The noise margin in percentage points: NOISE_Z standard errors of the difference of the two rates. */
  noise: number;
  /** soak-max-failure-increase: the rise allowed beyond the noise, in percentage points. */
  allowed: number;
  ok: boolean;
  /** One sentence with the numbers. */
  reason: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function rateWindow(history: EntryHistory): RateWindow {
  const { from, to, completed, failed } = history;
  return { from, to, completed, failed, percent: completed ? round((100 * failed) / completed) : null };
}

/**
 * The noise of the difference between two failure rates, in percentage points: NOISE_Z standard errors of a
 * two-proportion test with the pooled rate. 0 when a window is empty or no entry failed in either.
 */
export function noiseMargin(before: RateWindow, during: RateWindow): number {
  const n1 = before.completed;
  const n2 = during.completed;
  if (!n1 || !n2) return 0;
  const p = (before.failed + during.failed) / (n1 + n2);
  return round(100 * NOISE_Z * Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)));
}

/**
 * The failed-entry rate during the soak against the window before the upgrade. The soak fails when the rate rose by
 * more than the noise plus `allowed` points, or when nothing completed during the soak though entries did before (the
 * scheduler may not be running jobs). With no completion in either window there is nothing to compare, and it passes.
 */
export function compareFailureRates(
  beforeHistory: EntryHistory,
  duringHistory: EntryHistory,
  allowed: number,
): RateVerdict {
  const before = rateWindow(beforeHistory);
  const during = rateWindow(duringHistory);
  const noise = noiseMargin(before, during);
  const shown = (w: RateWindow) =>
    `${w.failed} of ${w.completed} failed${w.percent === null ? '' : ` (${w.percent} %)`}`;
  const base = { before, during, noise, allowed };
  if (during.completed === 0) {
    const idle = before.completed === 0;
    return {
      ...base,
      increase: null,
      ok: idle,
      reason: idle
        ? 'no entry completed before the upgrade or during the soak: there is nothing to compare'
        : `no entry completed during the soak, though ${before.completed} did in as long before the upgrade`,
    };
  }
  if (before.percent === null) {
    return {
      ...base,
      increase: null,
      ok: true,
      reason: `during the soak ${shown(during)}; no entry completed in as long before the upgrade to compare with`,
    };
  }
  const increase = round((during.percent ?? 0) - before.percent);
  const ok = increase <= noise + allowed;
  return {
    ...base,
    increase,
    ok,
    reason:
      `during the soak ${shown(during)}, before the upgrade ${shown(before)}: ` +
      `${increase >= 0 ? 'up' : 'down'} ${Math.abs(increase)} points, ` +
      `${ok ? 'within' : 'beyond'} the noise of ${noise} points${allowed ? ` plus the ${allowed} allowed` : ''}`,
  };
}

/** An entry executing longer than this many times its job's average is stuck. */
export const STUCK_FACTOR = 3;
/** ... and longer than its average plus this: a 20-second job running a minute is not stuck. */
export const STUCK_MARGIN_SECONDS = 600;

export interface StuckEntry {
  entry: string;
  name: string;
  runningSeconds: number;
  averageSeconds: number;
}

/** Entries executing past their usual time; an entry JAMS gives no start or average for is not judged. */
export function stuckEntries(entries: readonly ExecutingEntry[], now: Date): StuckEntry[] {
  return entries.flatMap((e) => {
    const started = e.startedAt ? Date.parse(e.startedAt) : NaN;
    const average = e.averageSeconds ?? null;
    if (Number.isNaN(started) || average === null || average <= 0) return [];
    const runningSeconds = Math.round((now.getTime() - started) / 1000);
    const limit = Math.max(STUCK_FACTOR * average, average + STUCK_MARGIN_SECONDS);
    return runningSeconds > limit
      ? [{ entry: e.entry, name: e.name, runningSeconds, averageSeconds: average }]
      : [];
  });
}
