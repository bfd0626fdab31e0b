// Runs many slow host operations (agent and client upgrades) with a bound on how many are in flight: the free slots are
// filled together, everything in flight is looked at together (one call per cycle), and a freed slot is refilled.
import type { StageContext } from '../stage-context.js';

/** The first pause between two looks; it doubles while nothing changes, up to the settings' poll interval. */
const FIRST_POLL_MS = 50;
/** Progress lines come when the counts change, at most this often, and at the end. */
const PROGRESS_EVERY_MS = 2000;

export interface Flight<I, H> {
  item: I;
  handle: H;
  startedMs: number;
}

/** An item started, or the error that kept it from starting. */
export type Started<I, H> = { item: I; handle: H } | { item: I; error: Error };

export interface PoolWork<I, H, R> {
  /** Starts these items and returns at once; an item's error ends it with failed(), a thrown one ends them all. */
  start(items: I[]): Promise<Started<I, H>[]>;
  /** One look at everything in flight: the items that ended, with their results. Handles may be updated in place. */
  poll(flights: readonly Flight<I, H>[], nowMs: number): Promise<Map<I, R>>;
  failed(item: I, error: Error): R;
  succeeded(result: R): boolean;
  /** A reason no further item may start (a cause that would fail them all), or null. */
  halt(): string | null;
  notStarted(item: I, reason: string): R;
}

export interface PoolOptions {
  limit: number;
  pollIntervalMs: number;
  /** Receives each progress line: "<label>: 3 done, 1 failed, 12 left (8 in flight)". */
  progress(line: string): void;
  label: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Runs every item through `work`, at most `limit` at a time, and returns each item's result. */
export async function runPool<I, H, R>(
  items: readonly I[],
  work: PoolWork<I, H, R>,
  options: PoolOptions,
): Promise<Map<I, R>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const queue = [...items];
  const flights: Flight<I, H>[] = [];
  const results = new Map<I, R>();
  let halted: string | null = null;
  let wait = FIRST_POLL_MS;
  let reported = '';
  let reportedAt = 0;
  const report = (final: boolean) => {
    const ok = [...results.values()].filter((r) => work.succeeded(r)).length;
    const line =
      `${options.label}: ${ok} done, ${results.size - ok} failed, ${items.length - results.size} left` +
      ` (${flights.length} in flight)`;
    if (line === reported || (!final && now() - reportedAt < PROGRESS_EVERY_MS)) return;
    reported = line;
    reportedAt = now();
    options.progress(line);
  };

  while (queue.length > 0 || flights.length > 0) {
    let changed = false;
    halted ??= work.halt();
    const batch = halted ? [] : queue.splice(0, Math.max(0, options.limit - flights.length));
    if (batch.length > 0) {
      let started: Started<I, H>[];
      try {
        started = await work.start(batch);
      } catch (err) {
        started = batch.map((item) => ({ item, error: err as Error }));
      }
      for (const s of started) {
        if ('error' in s) results.set(s.item, work.failed(s.item, s.error));
        else flights.push({ item: s.item, handle: s.handle, startedMs: now() });
      }
      changed = true;
    }
    if (halted && queue.length > 0) {
      for (const item of queue.splice(0)) results.set(item, work.notStarted(item, halted));
      changed = true;
    }
    if (flights.length > 0) {
      const ended = await work.poll(flights, now());
      for (const [item, result] of ended) {
        results.set(item, result);
        flights.splice(
          flights.findIndex((f) => f.item === item),
          1,
        );
        changed = true;
      }
    }
    report(queue.length === 0 && flights.length === 0);
    if (queue.length === 0 && flights.length === 0) break;
    wait = changed ? FIRST_POLL_MS : Math.min(wait * 2, options.pollIntervalMs);
    await sleep(wait);
  }
  report(true);
  return results;
}

/**
 * Makes each item's whole run, from its start to its result, one ctx.change: recorded done or failed, with its detail,
 * when the item ends. The pool is never run in a dry-run; the stage records those changes as "would" itself.
 */
export function recordedWork<I, H, R>(
  ctx: StageContext,
  what: string,
  target: (item: I) => string,
  outcome: (result: R) => { ok: boolean; detail: string },
  work: PoolWork<I, H, R>,
): { work: PoolWork<I, H, R>; settled: () => Promise<void> } {
  const open = new Map<I, { resolve: (detail: string) => void; reject: (err: Error) => void }>();
  const recorded: Promise<unknown>[] = [];
  const record = (item: I, apply: () => Promise<string>) => {
    const change = ctx.change(what, target(item), apply);
    recorded.push(change.catch(() => undefined));
    return change;
  };
  const settle = (item: I, result: R) => {
    const pending = open.get(item);
    open.delete(item);
    const { ok, detail } = outcome(result);
    if (ok) pending?.resolve(detail);
    else pending?.reject(new Error(detail));
  };
  return {
    work: {
      ...work,
      start: async (items) => {
        // Each item's change is open (and logged) before the items are started together.
        await Promise.all(
          items.map(
            (item) =>
              new Promise<void>((opened) => {
                record(
                  item,
                  () =>
                    new Promise<string>((resolve, reject) => {
                      open.set(item, { resolve, reject });
                      opened();
                    }),
                ).then(
                  (made) => made || opened(),
                  () => opened(),
                );
              }),
          ),
        );
        const ready = items.filter((item) => open.has(item));
        const skipped = items
          .filter((item) => !open.has(item))
          .map((item) => ({ item, error: new Error('dry-run: nothing was started') }));
        let started: Started<I, H>[];
        try {
          started = [...(await work.start(ready)), ...skipped];
        } catch (err) {
          started = items.map((item) => ({ item, error: err as Error }));
        }
        for (const s of started) {
          if (!('error' in s)) continue;
          open.get(s.item)?.reject(s.error);
          open.delete(s.item);
        }
        return started;
      },
      poll: async (flights, nowMs) => {
        const ended = await work.poll(flights, nowMs);
        for (const [item, result] of ended) settle(item, result);
        return ended;
      },
      notStarted: (item, reason) => {
        const result = work.notStarted(item, reason);
        record(item, () => Promise.reject(new Error(outcome(result).detail)));
        return result;
      },
    },
    settled: () => Promise.all(recorded).then(() => undefined),
  };
}
