// The rollback record (rollback-record.json): the rollback's own record on each host, one entry per rollback run: the
// database restore (primary) and the uninstall of the newer version, so a re-run goes on from where the last attempt
// stopped and never repeats either.
import { z } from 'zod';
import type { BackupSetFacts } from '../host/host.js';
import { BackupSetSchema } from './backup-record.js';
import { readKeyed, runKey, type StateFile, type StateAccess } from './state-file.js';

/** The record's file name in the state folder. */
export const ROLLBACK_RECORD_FILE = 'rollback-record.json';

/** The backup a rollback restores, as the restore stage proved it before restoring. */
export interface RestoreSource {
  server: string;
  database: string;
  file: string;
  size: number;
  sha256: string;
  /** When the backup was taken and how long it took (from the backup record in the state folder). */
  takenAt: string | null;
  backupMs: number | null;
  /** The upgrade run that took it, when known. */
  backupRunKey: string | null;
  /** Named by restore-backup-file rather than found from the host's records. */
  explicit: boolean;
  /** The backup set msdb recorded when the backup stage took it: the restore finds it again in the file's header. */
  backupSet?: BackupSetFacts | null;
}

export interface RestoreRecord extends RestoreSource {
  sql: string;
  /** restoring: the RESTORE was sent and its end not seen; restored: SQL Server reported success. */
  phase: 'restoring' | 'restored' | 'failed';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  messages?: string[];
  error?: string;
}

export interface UninstallRecord {
  productCode: string;
  name: string;
  version: string;
  log: string;
  processId: number | null;
  startedAt: string | null;
  commandLine: string | null;
  exitCode: number | null;
  finishedAt: string | null;
  /** uninstalling: msiexec was started and its end not yet seen. */
  phase: 'uninstalling' | 'uninstalled' | 'failed';
}

export interface RollbackRecord {
  runKey: string;
  restore?: RestoreRecord;
  uninstall?: UninstallRecord;
}

const RestoreRecordSchema = z.looseObject({
  server: z.string(),
  database: z.string(),
  file: z.string(),
  size: z.number(),
  sha256: z.string(),
  takenAt: z.string().nullable(),
  backupMs: z.number().nullable(),
  backupRunKey: z.string().nullable(),
  explicit: z.boolean(),
  backupSet: BackupSetSchema.nullable().optional(),
  sql: z.string(),
  phase: z.enum(['restoring', 'restored', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  messages: z.array(z.string()).optional(),
  error: z.string().optional(),
});

const UninstallRecordSchema = z.looseObject({
  productCode: z.string(),
  name: z.string(),
  version: z.string(),
  log: z.string(),
  processId: z.number().nullable(),
  startedAt: z.string().nullable(),
  commandLine: z.string().nullable(),
  exitCode: z.number().nullable(),
  finishedAt: z.string().nullable(),
  phase: z.enum(['uninstalling', 'uninstalled', 'failed']),
});

const FILE: StateFile<Record<string, RollbackRecord>> = {
  name: ROLLBACK_RECORD_FILE,
  title: 'rollback record',
  schema: z.record(
    z.string(),
    z.looseObject({
      runKey: z.string(),
      restore: RestoreRecordSchema.optional(),
      uninstall: UninstallRecordSchema.optional(),
    }),
  ),
  ifRemoved:
    'a re-run of this rollback then no longer knows that it restored the database or uninstalled the newer version: ' +
    'check both by hand first',
};

/** This rollback run's entry on this host, and a save that keeps every other run's. */
export async function readRollbackRecord(ctx: StateAccess): Promise<{
  path: string;
  entry: RollbackRecord;
  save: (entry: RollbackRecord) => Promise<void>;
}> {
  const stored = await readKeyed(ctx, FILE, runKey(ctx));
  return {
    path: stored.path,
    entry: stored.entry ?? { runKey: stored.key },
    // Callers save inside ctx.change, so a dry-run writes nothing.
    save: async (entry) => {
      await stored.save(entry);
    },
  };
}
