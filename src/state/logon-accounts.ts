// The Log On As record (logon-accounts.json): the accounts each JAMS service ran as before the upgrade, saved by
// preflight and read back by upgrade, which puts them back after the installer resets them to LocalSystem.
import { z } from 'zod';
import {
  readStateFile,
  saveStateFile,
  type StateFile,
  type StateRead,
  type StateAccess,
} from './state-file.js';

export const ACCOUNT_RECORD_FILE = 'logon-accounts.json';

/** The Log On As accounts of one node, as recorded before the upgrade resets them to LocalSystem. */
export interface AccountRecord {
  recordedAt: string;
  runId?: string | undefined;
  computerName: string;
  /** Service name -> account. */
  accounts: Record<string, string>;
}

const AccountRecordSchema = z.looseObject({
  recordedAt: z.string(),
  runId: z.string().optional(),
  computerName: z.string(),
  accounts: z.record(z.string(), z.string()),
});

const FILE: StateFile<AccountRecord> = {
  name: ACCOUNT_RECORD_FILE,
  title: 'Log On As record',
  schema: AccountRecordSchema,
  ifRemoved:
    'preflight then records the accounts the services run as now: run it before the services are stopped',
};

export function readLogOnAsRecord(ctx: StateAccess): Promise<StateRead<AccountRecord>> {
  return readStateFile(ctx, FILE);
}

/** Saves the record; the caller does it inside ctx.change, so a dry-run writes nothing. */
export function saveLogOnAsRecord(ctx: StateAccess, record: AccountRecord): Promise<string> {
  return saveStateFile(ctx, FILE, record);
}
