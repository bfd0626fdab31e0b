/**
 * The JAMS maintenance window (vendor KB "Creating a Maintenance Window in JAMS"): a Resource the root folder
 * requires. Quantity Available 0 holds every new job; executing jobs finish. The quantity before the window
 * is kept in a durable record on the host (src/state/maintenance-window.ts), so maintenance-off restores that number
 * and not a constant.
 */

/** What maintenance-on saw before it closed the window. Its quantity is never 0. */
export interface WindowRecord {
  server: string;
  resource: string;
  quantity: number;
  recordedAt: string;
  computerName: string;
  runId?: string;
  restoredAt?: string;
}

/** The resource as Get-JuResource reports it. */
export interface ResourceState {
  server: string;
  name: string;
  exists: boolean;
  quantityAvailable: number | null;
  requiredByRoot: boolean;
  rootQuantityRequired: number | null;
}

export function windowKey(server: string, resource: string): string {
  return `${server}\\${resource}`.toLowerCase();
}

export type CloseDecision =
  /** The window is open: record this quantity, then set 0. */
  | { action: 'record-and-close'; quantity: number }
  /** 0 with a record not yet restored: an earlier maintenance-on closed it; keep the record. */
  | { action: 'already-closed'; record: WindowRecord }
  /** 0 and nothing recorded: closed by hand; the normal quantity is unknown. */
  | { action: 'closed-without-record' };

/** maintenance-on: never lets a re-run record 0 over the quantity it must restore. */
export function decideClose(current: number, record: WindowRecord | undefined): CloseDecision {
  if (current > 0) return { action: 'record-and-close', quantity: current };
  if (record && !record.restoredAt && record.quantity > 0) return { action: 'already-closed', record };
  return { action: 'closed-without-record' };
}

export type OpenDecision =
  | { action: 'restore'; quantity: number }
  | { action: 'already-open'; quantity: number }
  /** Neither 0 nor the recorded quantity: someone reopened the window with another value; leave it. */
  | { action: 'changed-by-hand'; current: number; recorded: number }
  | { action: 'no-record' };

/** maintenance-off: restores the recorded quantity; idempotent. */
export function decideOpen(current: number, record: WindowRecord | undefined): OpenDecision {
  if (!record || record.quantity <= 0) return { action: 'no-record' };
  if (current === record.quantity) return { action: 'already-open', quantity: current };
  if (current === 0) return { action: 'restore', quantity: record.quantity };
  return { action: 'changed-by-hand', current, recorded: record.quantity };
}

/** "Nightly-Billing, GL-Close" with a cap, for progress lines and failure messages. */
export function describeEntries(names: readonly string[], max = 20): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
