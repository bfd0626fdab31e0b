// What stop checks before it stops anything: a complete, verified backup of this run in the backup record.
import { readBackupRecords, type BackupRecord } from '../state/backup-record.js';
import { StageError, type StageContext } from '../stage-context.js';
import { describeStates, hostLabel } from './services.js';
import type { ServiceKind, ServiceState } from '../jams/services.js';

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
  const stored = await readBackupRecords(ctx);
  const { key, entry } = stored;
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
