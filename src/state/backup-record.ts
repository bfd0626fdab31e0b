// The backup record (backup-record.json): one entry per run, what the backup stage proved on this host; stop requires
// a complete one before it stops anything, and a rollback finds the backup it restores in it.
import { z } from 'zod';
import type { BackupSetFacts, HookResult } from '../host/host.js';
import { readKeyed, runKey, type KeyedRead, type StateFile, type StateAccess } from './state-file.js';

/** The backup record in the state folder: one entry per run, so stop can prove a verified backup exists. */
export const BACKUP_RECORD_FILE = 'backup-record.json';

export interface DatabaseBackup {
  server: string;
  database: string;
  file: string;
  size: number;
  sha256: string;
  sql: string;
  takenAt: string;
  backupMs: number;
  messages: string[];
  verified: boolean;
  verifiedAt?: string;
  verifyMs?: number;
  verifyMessages?: string[];
  verifyError?: string;
  /**
   * The backup set msdb recorded for the file (its GUID and finish time, the database and server as SQL Server names
   * them): the restore compares the file's own header with it. Absent in records written before it was kept.
   */
  backupSet?: BackupSetFacts | null;
  /** The fixed query that read it. */
  backupSetSql?: string;
}

export interface SnapshotRun extends HookResult {
  parameters: Record<string, string>;
  ranAt: string;
}

export interface BackupRecord {
  runKey: string;
  role: string;
  computerName: string;
  startedAt: string;
  finishedAt?: string;
  /** Every part this host had to save is saved (and the database verified on the primary). */
  complete: boolean;
  database: DatabaseBackup | null;
  config: { folder: string; files: string[]; backupFolder?: string } | null;
  snapshot: SnapshotRun | null;
}

export type BackupRecords = Record<string, BackupRecord>;

export const BackupSetSchema = z.looseObject({
  databaseName: z.string(),
  serverName: z.string(),
  guid: z.string(),
  finishedAt: z.string(),
});

const DatabaseBackupSchema = z.looseObject({
  server: z.string(),
  database: z.string(),
  file: z.string(),
  size: z.number(),
  sha256: z.string(),
  sql: z.string(),
  takenAt: z.string(),
  backupMs: z.number(),
  messages: z.array(z.string()),
  verified: z.boolean(),
  verifiedAt: z.string().optional(),
  verifyMs: z.number().optional(),
  verifyMessages: z.array(z.string()).optional(),
  verifyError: z.string().optional(),
  backupSet: BackupSetSchema.nullable().optional(),
  backupSetSql: z.string().optional(),
});

const SnapshotRunSchema = z.looseObject({
  path: z.string(),
  ok: z.boolean(),
  timedOut: z.boolean(),
  exitCode: z.number().nullable(),
  durationMs: z.number(),
  output: z.array(z.string()),
  errors: z.array(z.string()),
  parameters: z.record(z.string(), z.string()),
  ranAt: z.string(),
});

const BackupRecordSchema = z.looseObject({
  runKey: z.string(),
  role: z.string(),
  computerName: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  complete: z.boolean(),
  database: DatabaseBackupSchema.nullable(),
  config: z
    .looseObject({ folder: z.string(), files: z.array(z.string()), backupFolder: z.string().optional() })
    .nullable(),
  snapshot: SnapshotRunSchema.nullable(),
});

const FILE: StateFile<BackupRecords> = {
  name: BACKUP_RECORD_FILE,
  title: 'backup record',
  schema: z.record(z.string(), BackupRecordSchema),
  ifRemoved:
    'the backup stage then backs up again for this run, and a rollback no longer finds the backups it recorded',
};

/**
 * Every run's backup on this host (all), this run's entry, and its save: the backup stage saves in ctx.keepRecord, so a
 * dry-run records nothing.
 */
export function readBackupRecords(ctx: StateAccess, key = runKey(ctx)): Promise<KeyedRead<BackupRecord>> {
  return readKeyed(ctx, FILE, key);
}
