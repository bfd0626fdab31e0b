// The backup's record on the host: what the backup stage proved, and what stop checks before it stops anything.
import type { BackupSetFacts, HookResult } from '../host/host.js';
import { runKey } from './config-files.js';
import { StageError, type StageContext } from '../stage-context.js';
import { describeStates, hostLabel } from './services.js';
import type { ServiceKind, ServiceState } from '../jams/services.js';

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

export async function readBackupRecords(ctx: StageContext): Promise<{ path: string; all: BackupRecords }> {
  const stored = await ctx.host.readState<BackupRecords>(ctx.settings.stateFolder, BACKUP_RECORD_FILE);
  return { path: stored.path, all: stored.data ?? {} };
}

/** Why this host may not stop yet, or null when this run's backup is complete (and verified on the primary). */
export function missingBackup(record: BackupRecord | undefined, role: string): string | null {
  if (!record) return 'no backup was taken on this host for this run';
  if (role === 'primary' && !record.database) return 'the backup of this run has no database backup';
  if (record.database && !record.database.verified) {
    return `the database backup ${record.database.file} is not verified${record.database.verifyError ? `: ${record.database.verifyError}` : ''}`;
  }
  if (!record.complete) return 'the backup stage of this run did not finish';
  return null;
}

/**
 * The stop stage's precondition: a complete, verified backup of this run. A dry-run only warns;
 * `require-backup: false` skips the check with a warning.
 */
export async function requireVerifiedBackup(
  ctx: StageContext,
  states: Record<ServiceKind, ServiceState>,
): Promise<void> {
  if (ctx.settings.pipeline === 'rollback') {
    ctx.skip(
      'require a verified backup of this run',
      hostLabel(ctx),
      'a rollback takes no backup: the restore stage proves the one it restores, which preflight showed at the rollback gate',
    );
    return;
  }
  if (!ctx.settings.requireBackup) {
    ctx.log.warn('require-backup is false: stopping without checking for a verified backup of this run.');
    return;
  }
  const key = runKey(ctx);
  const stored = await readBackupRecords(ctx);
  const entry = stored.all[key];
  ctx.record.data.backupCheck = { runKey: key, path: stored.path, found: entry ?? null };
  const reason = missingBackup(entry, ctx.settings.role);
  if (!reason) {
    ctx.log.info(
      `backup of ${key} on this host: ${entry?.database ? `${entry.database.file} verified at ${entry.database.verifiedAt}` : 'config files saved'}`,
    );
    return;
  }
  ctx.record.servicesAfter = Object.values(states);
  ctx.refuse(
    new StageError(
      `Refusing to stop the JAMS services on ${hostLabel(ctx)}: ${reason} (${stored.path}, ${key}).`,
      `${describeStates(hostLabel(ctx), states)} Nothing was stopped.`,
      `Run the backup stage for this run on this host (role: ${ctx.settings.role}) until it ends with a verified backup, ` +
        'then re-run this job. To stop without a backup, set require-backup: false.',
    ),
  );
}
