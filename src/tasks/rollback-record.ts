// The rollback's own record on each host, one entry per rollback run: the database restore (primary) and the
// uninstall of the newer version, so a re-run goes on from where the last attempt stopped and never repeats either.
import type { BackupSetFacts } from '../host/host.js';
import { runKey } from './config-files.js';
import type { StageContext } from '../stage-context.js';

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

/** This rollback run's entry on this host, and a save that keeps every other run's. */
export async function readRollbackRecord(ctx: StageContext): Promise<{
  path: string;
  entry: RollbackRecord;
  save: (entry: RollbackRecord) => Promise<void>;
}> {
  const key = runKey(ctx);
  const stored = await ctx.host.readState<Record<string, RollbackRecord>>(
    ctx.settings.stateFolder,
    ROLLBACK_RECORD_FILE,
  );
  const all = stored.data ?? {};
  return {
    path: stored.path,
    entry: all[key] ?? { runKey: key },
    // Callers save inside ctx.change, so a dry-run writes nothing.
    save: async (entry) => {
      all[key] = entry;
      await ctx.host.saveState(ctx.settings.stateFolder, ROLLBACK_RECORD_FILE, all);
    },
  };
}
