// The backup a rollback restores: found from the host's own records (or named by restore-backup-file), of the database
// JAMS uses, of the last upgrade attempt, and still the file that was verified. Read-only; preflight and restore share it.
import type { SqlTarget } from '../host/host.js';
import { parseJamsVersion } from '../jams/version.js';
import { readBackupRecords, type DatabaseBackup } from './backup-record.js';
import { resolveDatabase, seconds, size } from './database-backup.js';
import { readRollbackRecord, type RestoreRecord, type RestoreSource } from './rollback-record.js';
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';
import { readUpgradeRecord, type HostUpgradeRecord } from './upgrade-record.js';

export interface RestorePlan {
  source: RestoreSource;
  /** The database the restore replaces, and where its name came from. */
  target: SqlTarget & { source: string };
  /** Where the backup was found: the backup record of a run, or the manifest next to a named file. */
  foundIn: string;
  /** The upgrade attempt being undone, as this host recorded it; null for a named file with no such record. */
  upgrade: { runKey: string; versionBefore: string | null; targetVersion: string; attemptAt: string } | null;
}

/** What the approve-rollback gate shows, and the restore-plan output carries. */
export function describeRestore(plan: RestorePlan): Record<string, string> {
  const s = plan.source;
  return {
    file: s.file,
    takenAt: s.takenAt ?? 'unknown',
    backupTook: s.backupMs === null ? 'unknown' : seconds(s.backupMs),
    size: s.size < 1024 ** 2 ? size(s.size) : `${size(s.size)} (${s.size} bytes)`,
    sha256: s.sha256,
    database: `${s.database} on ${s.server}`,
    run: s.backupRunKey ?? 'unknown',
  };
}

/**
 * Preflight's part in a rollback, on the primary: the backup the restore stage will restore, proven now, so the
 * rollback gate's reviewers see it in this job's summary (and the gate job prints the restore-plan output).
 */
export async function showRestorePlan(ctx: StageContext): Promise<void> {
  const { entry } = await readRollbackRecord(ctx);
  const plan = await planRestore(ctx, entry.restore, 'Nothing was changed.');
  const shown = describeRestore(plan);
  const rows = [
    ['File', shown['file']],
    ['Taken at', shown['takenAt']],
    ['The backup took', shown['backupTook']],
    ['Size', shown['size']],
    ['SHA-256', shown['sha256']],
    ['Database', shown['database']],
    ['Backup of run', shown['run']],
    ['Found in', plan.foundIn],
  ];
  ctx.summarySections.push(
    [
      '#### The backup the rollback restores',
      '| | |',
      '| --- | --- |',
      ...rows.map(([k, v]) => `| ${k} | ${(v ?? '').replace(/\|/g, '\\|')} |`),
      '',
      `Restoring it loses everything JAMS recorded after ${shown['takenAt']}: the history of the jobs run since, ` +
        'and every change to definitions made since.',
    ].join('\n'),
  );
}

type Refuse = (message: string, next: string) => never;

/**
 * Finds the backup to restore and proves it: the file restore-backup-file names, else this rollback's earlier choice
 * when a restore was already started, else the verified backup of the run of the last upgrade attempt on this host.
 * Then it must be of the database JAMS uses and still hash as recorded. Every refusal leaves `hostState` as it is.
 */
export async function planRestore(
  ctx: StageContext,
  earlier: RestoreRecord | undefined,
  hostState: string,
): Promise<RestorePlan> {
  const refuse: Refuse = (message, next) => {
    throw new StageError(message, hostState, next);
  };
  const target = await resolveDatabase(ctx, hostState);
  const named = ctx.settings.restore.backupFile;
  // A restore this rollback started goes on with its own backup, unless restore-backup-file now names another.
  const resume =
    earlier && (!named || named.toLowerCase() === earlier.file.toLowerCase()) ? earlier : undefined;
  const found = resume
    ? {
        source: sourceOf(resume),
        foundIn: `this rollback's record (its restore started at ${resume.startedAt})`,
        upgrade: null,
      }
    : named
      ? await namedBackup(ctx, named, refuse)
      : await lastUpgradeBackup(ctx, refuse);
  const { source } = found;
  if (source.server.toLowerCase() !== target.server.toLowerCase() || source.database !== target.database) {
    refuse(
      `The backup ${source.file} is of the database ${source.database} on ${source.server}, and JAMS on ` +
        `${hostLabel(ctx)} uses ${target.database} on ${target.server} (${target.source}): it is not this pair's ` +
        'database.',
      `Check 'sql-server' and 'sql-database' (or common.config), or name the backup of ${target.database} in ` +
        "'restore-backup-file'; then re-run this job.",
    );
  }
  const cut = source.file.lastIndexOf('\\');
  const listing = await ctx.host.files(source.file.slice(0, cut), [source.file.slice(cut + 1)]);
  const file = listing.files[0];
  if (!file) {
    refuse(
      `The backup ${source.file} cannot be seen from ${hostLabel(ctx)}: it was moved or deleted, or the share is not ` +
        'reachable.',
      "Put the file back where it was recorded (the manifest next to it names its SHA-256), or copy it elsewhere and name it in 'restore-backup-file'; then re-run this job.",
    );
  } else if (file.sha256 !== source.sha256) {
    refuse(
      `The backup ${source.file} has the SHA-256 ${file.sha256}, and ${found.foundIn} recorded ${source.sha256}: the ` +
        'file changed after it was verified.',
      'Do not restore it. Find the verified copy (the backup folder, its manifest, your storage snapshots), name it in ' +
        "'restore-backup-file', then re-run this job.",
    );
  }
  const plan: RestorePlan = { source, target, foundIn: found.foundIn, upgrade: found.upgrade };
  ctx.record.data['restorePlan'] = { ...plan, show: describeRestore(plan) };
  ctx.log.info(
    `backup to restore: ${source.file} (${size(source.size)}, SHA-256 ${source.sha256}, taken ${source.takenAt ?? 'at an unknown time'}) ` +
      `into ${target.database} on ${target.server}; found in ${found.foundIn}`,
  );
  return plan;
}

/** Times from PowerShell carry seven decimals and Node's three: compare them as times, not as text. */
const before = (a: string, b: string): boolean => Date.parse(a) <= Date.parse(b);

function sourceOf(r: RestoreSource): RestoreSource {
  const { server, database, file, size, sha256, takenAt, backupMs, backupRunKey, explicit } = r;
  return { server, database, file, size, sha256, takenAt, backupMs, backupRunKey, explicit };
}

function fromBackup(db: DatabaseBackup, runKey: string | null, explicit: boolean): RestoreSource {
  return {
    server: db.server,
    database: db.database,
    file: db.file,
    size: db.size,
    sha256: db.sha256,
    takenAt: db.takenAt,
    backupMs: db.backupMs,
    backupRunKey: runKey,
    explicit,
  };
}

/** A file restore-backup-file names: it needs a record of its own (the backup record or its manifest) to be checked. */
async function namedBackup(
  ctx: StageContext,
  file: string,
  refuse: Refuse,
): Promise<{ source: RestoreSource; foundIn: string; upgrade: null }> {
  const stored = await readBackupRecords(ctx);
  const entry = Object.values(stored.all).find(
    (e) => e.database?.file.toLowerCase() === file.toLowerCase() && e.database.verified,
  );
  if (entry?.database) {
    return {
      source: fromBackup(entry.database, entry.runKey, true),
      foundIn: `the backup record ${stored.path} (${entry.runKey})`,
      upgrade: null,
    };
  }
  const cut = file.lastIndexOf('\\');
  const manifestName = `${file.slice(cut + 1)}.json`;
  let manifest: (DatabaseBackup & { runKey?: string }) | null = null;
  let why = 'it has no manifest next to it';
  try {
    manifest = (
      await ctx.host.readState<DatabaseBackup & { runKey?: string }>(file.slice(0, cut), manifestName)
    ).data;
  } catch (err) {
    why = `its manifest could not be read: ${(err as Error).message}`;
  }
  if (!manifest?.verified) {
    refuse(
      `restore-backup-file names ${file}, and jams-upgrade has no verified record of it: it is not in ${stored.path}, ` +
        `and ${manifest ? 'its manifest says it was not verified' : why}. Without a recorded SHA-256 the file cannot be proven unchanged.`,
      'Name a backup the backup stage took (its manifest, <file>.json, lies next to it), or restore this one by hand ' +
        'with SQL Server Management Studio after checking it.',
    );
  }
  const m = manifest as DatabaseBackup & { runKey?: string };
  return {
    source: fromBackup({ ...m, file }, m.runKey ?? null, true),
    foundIn: `the manifest ${file.slice(0, cut)}\\${manifestName}`,
    upgrade: null,
  };
}

/** The verified backup of the run of the last upgrade attempt on this host, taken before that attempt's installer. */
async function lastUpgradeBackup(
  ctx: StageContext,
  refuse: Refuse,
): Promise<{ source: RestoreSource; foundIn: string; upgrade: NonNullable<RestorePlan['upgrade']> }> {
  const named =
    "name the backup to restore in 'restore-backup-file' (the backup folder holds each backup with a manifest), then re-run this job";
  const { path, data: upgrade } = await readUpgradeRecord(ctx);
  if (!upgrade) {
    refuse(
      `No upgrade is recorded on ${hostLabel(ctx)} (${path}), so there is no upgrade attempt whose backup a rollback ` +
        'restores.',
      `If JAMS was upgraded by other means and you know which backup holds the database from before it, ${named}.`,
    );
  }
  const last = upgrade as HostUpgradeRecord;
  const attemptAt = last.install?.startedAt ?? last.updatedAt;
  const wanted = ctx.settings.targetVersion;
  if (wanted && last.versionBefore && parseJamsVersion(wanted)?.compare(last.versionBefore) !== 0) {
    refuse(
      `The last upgrade attempt on ${hostLabel(ctx)} (${last.runKey}, ${attemptAt}) went from ${last.versionBefore} to ` +
        `${last.targetVersion}; target-version ${wanted} is not the version before it, so its backup does not hold ` +
        `the database of ${wanted}.`,
      `Set target-version to ${last.versionBefore} (and the installer of that version), or, if you know which backup ` +
        `holds the database of ${wanted}, ${named}.`,
    );
  }
  const upgradeFacts = {
    runKey: last.runKey,
    versionBefore: last.versionBefore,
    targetVersion: last.targetVersion,
    attemptAt,
  };
  const stored = await readBackupRecords(ctx);
  const own = stored.all[last.runKey]?.database;
  if (own?.verified && (!last.install || before(own.takenAt, last.install.startedAt))) {
    return {
      source: fromBackup(own, last.runKey, false),
      foundIn: `the backup record ${stored.path} (${last.runKey}, the run of the last upgrade attempt)`,
      upgrade: upgradeFacts,
    };
  }
  if (own?.verified) {
    refuse(
      `The backup of ${last.runKey}, ${own.file}, was taken at ${own.takenAt}, after its installer started (` +
        `${last.install?.startedAt}): it may hold the database as the upgrade left it.`,
      `If you know it holds the database of ${last.versionBefore ?? 'the version before'}, ${named}.`,
    );
  }
  const verified = Object.values(stored.all)
    .flatMap((e) => (e.database?.verified ? [{ runKey: e.runKey, db: e.database }] : []))
    .sort((a, b) => Date.parse(b.db.takenAt) - Date.parse(a.db.takenAt));
  const latest = verified[0];
  const lastAttempt = `the last upgrade attempt on ${hostLabel(ctx)} (${last.runKey}, ${last.versionBefore ?? '?'} -> ${last.targetVersion}, started ${attemptAt})`;
  if (!latest) {
    refuse(
      `There is no verified database backup in ${stored.path}${own ? ` (the backup of ${last.runKey}, ${own.file}, is not verified${own.verifyError ? `: ${own.verifyError}` : ''})` : ''}, so ` +
        `${lastAttempt} cannot be rolled back from the host's records.`,
      `A rollback needs the database from before that attempt: ${named}.`,
    );
  }
  const other = latest as { runKey: string; db: DatabaseBackup };
  const older = before(other.db.takenAt, attemptAt);
  return refuse(
    `The latest verified backup, ${other.db.file} (${other.runKey}, taken ${other.db.takenAt}), is ` +
      `${older ? 'older than' : 'from after the start of'} ${lastAttempt}, which has no verified backup of its own: ` +
      (older
        ? 'restoring it would also undo everything JAMS recorded between that backup and the attempt.'
        : 'it may hold the database as the attempt left it.'),
    `If that backup is the one you mean to restore, and you accept what it loses, ${named}.`,
  );
}
