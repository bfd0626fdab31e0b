import { readBackupRecords, type BackupRecord } from '../state/backup-record.js';
import { saveConfigFiles } from '../tasks/config-files.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { backUpDatabase, describeTarget, resolveDatabase, windowsJoin } from '../tasks/database-backup.js';
import { checkFreeSpace } from '../tasks/disk-space.js';
import { hostLabel } from '../tasks/services.js';
import { runSnapshotHook } from '../tasks/snapshot-hook.js';

/**
 * The procedure's "Create backups or snapshots": on the primary a verified copy-only backup of the JAMS
 * database (shared by both nodes), on both the customised config files, and the optional VM-snapshot hook.
 * Writes the backup record the stop stage requires. Re-runs keep what this run already saved.
 */
export const backup: Stage = {
  async run(ctx) {
    const primary = ctx.settings.role === 'primary';
    const folder = ctx.settings.backupPath;
    if (primary && !folder) {
      throw new StageError(
        "The backup stage on the primary needs the 'backup-path' input: the folder for the database backup.",
        'Nothing was changed.',
        "Set 'backup-path' to a UNC share (\\\\server\\share\\jams) that SQL Server's service account can write and " +
          'this runner can read, or to a local folder when SQL Server runs on this host.',
      );
    }
    const target = primary ? await resolveDatabase(ctx) : null;
    if (target) {
      ctx.record.data.database = {
        server: target.server,
        database: target.database,
        auth: target.auth,
        source: target.source,
        form: target.form,
      };
      ctx.log.info(`JAMS database: ${describeTarget(target)}`);
    }
    await proveHookExists(ctx);
    if (folder) await checkFreeSpace(ctx, [{ path: folder, purpose: 'the backup' }]);

    const stored = await readBackupRecords(ctx);
    const key = stored.key;
    const entry: BackupRecord = stored.entry ?? {
      runKey: key,
      role: ctx.settings.role,
      computerName: ctx.record.host?.computerName ?? '',
      startedAt: new Date().toISOString(),
      complete: false,
      database: null,
      config: null,
      snapshot: null,
    };
    ctx.record.data.backup = entry;
    ctx.record.data.backupRecordPath = stored.path;
    const persist = () => ctx.keepRecord(() => stored.save(entry));

    await saveConfig(ctx, entry, folder, key);
    await persist();
    if (target && folder) {
      entry.database = await backUpDatabase(ctx, target, folder, key, entry.database, async (db) => {
        entry.database = db;
        await persist();
      });
    }
    const script = ctx.settings.snapshot.script;
    if (script) {
      entry.snapshot = await runSnapshotHook(ctx, script, entry.snapshot, async (run) => {
        entry.snapshot = run;
        await persist();
      });
    }
    // The record stays in the state folder only: a file next to the backup, on a share others can write, is never
    // trusted by a restore. A dry-run backed nothing up, so it marks nothing complete.
    await ctx.keepRecord(async () => {
      entry.complete = true;
      entry.finishedAt = new Date().toISOString();
      await stored.save(entry);
      ctx.log.info(`backup record of ${key} saved in ${stored.path}`);
    });
  },
};

/** The shared save of the config files, then a copy of the saved set into the backup folder. */
async function saveConfig(
  ctx: StageContext,
  entry: BackupRecord,
  folder: string | null,
  key: string,
): Promise<void> {
  const save = await saveConfigFiles(ctx);
  if (!save) return;
  const names = save.files.map((f) => f.name);
  entry.config = { ...(entry.config ?? {}), folder: save.folder, files: names };
  if (!folder) return;
  const destination = windowsJoin(folder, `config\\${entry.computerName || 'host'}-${key}`);
  if (entry.config.backupFolder === destination) {
    ctx.skip('copy config files to the backup folder', destination, 'already copied for this run');
    return;
  }
  await ctx.change(
    'copy config files to the backup folder',
    `${names.join(', ')} to ${destination}`,
    async () => {
      const copied = await ctx.host.copyFiles(save.folder, destination, names);
      if (entry.config) entry.config.backupFolder = destination;
      return `${copied.files.length} files, SHA-256 verified`;
    },
  );
}

/** A hook that is not there fails the stage before the first change. */
async function proveHookExists(ctx: StageContext): Promise<void> {
  const script = ctx.settings.snapshot.script;
  if (!script) return;
  const cut = script.lastIndexOf('\\');
  const listing = await ctx.host.files(script.slice(0, cut), [script.slice(cut + 1)]);
  if (listing.files.length === 0) {
    throw new StageError(
      `The snapshot hook ${script} does not exist on ${hostLabel(ctx)}.`,
      'Nothing was changed.',
      "Copy the hook script to that path on this host, or correct the 'snapshot-script' input.",
    );
  }
}
