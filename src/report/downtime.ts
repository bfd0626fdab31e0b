import type { FoundRecord } from './records.js';
import { recordsOf, secondsBetween } from './timeline.js';

/** A measured span of the run. `to` is null while it is still open. */
export interface Span {
  from: string | null;
  to: string | null;
  /** Whole seconds; while open, up to the report's time. */
  seconds: number | null;
  open: boolean;
  note: string;
}

const real = (records: readonly FoundRecord[]) => records.filter((r) => !r.record.dryRun);

function earliest(times: readonly (string | undefined)[], after: string | null = null): string | null {
  return times.filter((t): t is string => t !== undefined && (after === null || t > after)).sort()[0] ?? null;
}

/** When the first change (of this kind) was made for real in these records. */
function firstDone(records: readonly FoundRecord[], what?: string): string | null {
  return earliest(
    real(records)
      .flatMap((r) => r.record.actions)
      .filter((a) => a.outcome === 'done' && (what === undefined || a.what === what))
      .map((a) => a.at),
  );
}

/** When the first of these stage records that succeeded for real finished, after a time. */
function firstSuccess(records: readonly FoundRecord[], after: string): string | null {
  return earliest(
    real(records)
      .filter((r) => r.record.status === 'succeeded')
      .map((r) => r.record.finishedAt),
    after,
  );
}

function span(
  from: string | null,
  to: string | null,
  now: string,
  notes: { none: string; open: string; closed: string },
): Span {
  if (!from) return { from: null, to: null, seconds: null, open: false, note: notes.none };
  if (!to) return { from, to: null, seconds: secondsBetween(from, now), open: true, note: notes.open };
  return { from, to, seconds: secondsBetween(from, to), open: false, note: notes.closed };
}

/**
 * The scheduler downtime: from the first JAMS service the stop stage stopped to the end of the first successful
 * start of the primary after it (start ends once the primary reports Running, the active role).
 */
export function measureDowntime(records: readonly FoundRecord[], now: string): Span {
  const stoppedAt = firstDone(
    records.filter((r) => r.record.stage === 'stop'),
    'stop',
  );
  const activeAt = stoppedAt ? firstSuccess(recordsOf(records, 'start', 'primary'), stoppedAt) : null;
  return span(stoppedAt, activeAt, now, {
    none: 'No JAMS service was stopped by this run (a dry run, or the run ended before stop).',
    open: 'The primary is not active again: the scheduler has been down since the first stop.',
    closed: 'From the first JAMS service stopped to the primary reporting Running (active) again.',
  });
}

/**
 * After the downtime, the pair without failover: from the primary Running again to the end of the first successful
 * start of the secondary after it (Backup Mode). In the vendor's order that is the secondary's start; with order
 * resume-after-primary the secondary's whole upgrade is in it, outside the downtime.
 */
export function measureWithoutFailover(records: readonly FoundRecord[], downtime: Span, now: string): Span {
  const activeAt = downtime.open ? null : downtime.to;
  const standbyAt = activeAt ? firstSuccess(recordsOf(records, 'start', 'secondary'), activeAt) : null;
  return span(activeAt, standbyAt, now, {
    none: 'The primary is not Running again after a downtime of this run.',
    open: 'The primary runs alone: the secondary is not in Backup Mode again, so the pair has no failover until it is.',
    closed: 'From the primary Running again to the secondary in Backup Mode: JAMS ran, without failover.',
  });
}

/**
 * How long the maintenance window held new jobs: from maintenance-on's first change to maintenance-off's first
 * change, or to its success when it found the resource already restored.
 */
export function measureMaintenanceWindow(records: readonly FoundRecord[], now: string): Span {
  const openedAt = firstDone(records.filter((r) => r.record.stage === 'maintenance-on'));
  const off = records.filter((r) => r.record.stage === 'maintenance-off');
  const closedAt = openedAt ? (firstDone(off) ?? firstSuccess(off, openedAt)) : null;
  return span(openedAt, closedAt, now, {
    none: 'The maintenance window was not opened by this run (a dry run, or the run ended before maintenance-on).',
    open: 'The maintenance window is still open: new JAMS jobs are held until maintenance-off runs.',
    closed: 'From maintenance-on holding new jobs to maintenance-off restoring the resource.',
  });
}
