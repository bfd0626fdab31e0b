import type { ServiceNames } from '../jams/services.js';
import type { Forwarded } from './calls.js';

export type * from './host-types.js';
export { SQL_PASSWORD_VARIABLE } from './host-types.js';

/**
 * What a stage may ask of the scheduler host: one method per call declared in calls.ts, and readState, written by hand
 * over its declared call. The PowerShell implementation is the only one the action uses.
 */
export interface Host extends Forwarded {
  /** The state file's JSON, parsed as the caller's type; null when there is none. */
  readState<T>(folder: string, name: string): Promise<{ path: string; data: T | null }>;
  close(): Promise<void>;
}

export type { ServiceNames };
