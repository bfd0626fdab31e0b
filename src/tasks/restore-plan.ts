// The backup a rollback restores: found from the host's own records (or named by restore-backup-file), of the database
// JAMS uses, of the last upgrade attempt, and still the file that was verified. Read-only; preflight and restore share it.
import { z } from 'zod';
import type { BackupSetFacts, SqlTarget } from '../host/host.js';
import { parseJamsVersion } from '../jams/version.js';
import { readBackupRecords, type DatabaseBackup } from '../state/backup-record.js';
import { resolveDatabase, seconds, size } from './database-backup.js';
import { readRollbackRecord, type RestoreRecord, type RestoreSource } from '../state/rollback-record.js';
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';
import { readUpgradeRecord, type HostUpgradeRecord } from '../state/upgrade-record.js';

export interface RestorePlan {
  source: RestoreSource;
  /** The database the restore replaces, and where its name came from. */
  target: SqlTarget & { source: string };
  /** Where the backup was found: the backup record of a run in the state folder, or this rollback's own record. */
  foundIn: string;
  /** The upgrade attempt being undone, as this host recorded it; null for a named file with no such record. */
  upgrade: { runKey: string; versionBefore: string | null; targetVersion: string; attemptAt: string } | null;
}

/** Control characters, and the bidirectional controls that make text read otherwise than it is stored. */
const CONTROL_OR_BIDI =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
const shownText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => !CONTROL_OR_BIDI.test(v), 'it contains a control or bidirectional character');
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/;
const isoOrUnknown = shownText(40).refine(
  (v) => v === 'unknown' || ISO_TIME.test(v),
  'it is not an ISO time',
);

/**
 * The form of every value the approve-rollback gate shows (the preflight summary, the restore-plan output, the gate
 * job's summary): names, ISO times, numbers, a hash and a GUID, never a control or bidirectional character. A value
 * of another form refuses the plan rather than be shown to the reviewers.
 */
export const ShownRestore = z
  .object({
    file: shownText(260).refine(
      (v) => /^(\\\\|[A-Za-z]:\\)[^<>"|?*]+\.bak$/i.test(v),
      'it is not a .bak path',
    ),
    takenAt: isoOrUnknown,
    backupTook: shownText(20).regex(/^(\d+\.\d s|unknown)$/),
    size: shownText(40).regex(/^\d+(\.\d)? (bytes|MB|GB)( \(\d+ bytes\))?$/),
    sha256: shownText(64).regex(/^[0-9A-Fa-f]{64}$/),
    database: shownText(400).regex(/^[^\r\n]{1,128} on [A-Za-z0-9_.:,\\-]{1,255}$/),
    run: shownText(40).regex(/^(run-\d+|local|unknown)$/),
    backupSet: shownText(36).regex(
      /^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|unknown)$/,
    ),
    setFinishedAt: isoOrUnknown,
  })
  .strict();
export type ShownRestore = z.infer<typeof ShownRestore>;

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
    backupSet: s.backupSet?.guid ?? 'unknown',
    setFinishedAt: s.backupSet?.finishedAt ?? 'unknown',
  };
}

/** Why a shown value is not of its form, or null. */
export function shownProblem(shown: Record<string, string>): string | null {
  const parsed = ShownRestore.safeParse(shown);
  if (parsed.success) return null;
  return parsed.error.issues
    .map((i) => `${i.path.join('.') || 'the plan'}: ${i.message}`)
    .slice(0, 5)
    .join('; ');
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
    [
      'Backup set (msdb, and the file header)',
      `${shown['backupSet']}, finished ${shown['setFinishedAt']} (SQL Server's time)`,
    ],
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
  if (!listing.files[0]) {
    refuse(
      `The backup ${source.file} cannot be seen from ${hostLabel(ctx)}: it was moved or deleted, or the share is not ` +
        'reachable.',
      `Put the file back where it was recorded (${found.foundIn} names its SHA-256 and backup set), or name another ` +
        "backup the backup stage recorded in 'restore-backup-file'; then re-run this job.",
    );
  }
  await proveHeader(ctx, source, target, found.foundIn, refuse);
  const plan: RestorePlan = { source, target, foundIn: found.foundIn, upgrade: found.upgrade };
  const shownNow = describeRestore(plan);
  const badShown = shownProblem(shownNow);
  if (badShown) {
    refuse(
      `The backup to restore cannot be shown to the rollback gate's reviewers as recorded: ${badShown}.`,
      'Do not restore it from this record. Check the backup record in the state folder, or restore by hand after ' +
        'checking the file.',
    );
  }
  ctx.record.data.restorePlan = { ...plan, show: shownNow };
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
  return {
    server,
    database,
    file,
    size,
    sha256,
    takenAt,
    backupMs,
    backupRunKey,
    explicit,
    backupSet: r.backupSet ?? null,
  };
}

/** Two of SQL Server's datetimes (yyyy-MM-ddTHH:mm:ss.fff, no zone) are the same time, to the second. */
const sameSecond = (a: string, b: string): boolean => a.slice(0, 19) === b.slice(0, 19) && a.length >= 19;

/**
 * The file at the recorded path must be the backup that was recorded: RESTORE HEADERONLY (SQL Server reading the file
 * by the path it will restore from) names one backup set, of the recorded database and server, with the GUID and
 * finish time msdb recorded when the backup stage took it, and the file still has the recorded SHA-256. Every
 * mismatch is named; nothing is restored.
 */
async function proveHeader(
  ctx: StageContext,
  source: RestoreSource,
  target: SqlTarget,
  foundIn: string,
  refuse: Refuse,
): Promise<void> {
  const recorded = source.backupSet;
  if (!recorded) {
    refuse(
      `${foundIn} has no backup set for ${source.file} (it was recorded by a jams-upgrade that did not keep the ` +
        "backup set's GUID from msdb), so the file's header cannot be compared with what was backed up.",
      'Restore this backup by hand with SQL Server Management Studio after checking its header (RESTORE HEADERONLY), ' +
        'or take a new backup with the backup stage.',
    );
  }
  const want = recorded as BackupSetFacts;
  const header = await ctx.host.backupHeader(target, source.file);
  ctx.record.data.restoreHeader = header;
  const sets = header.sets;
  const got = sets[0];
  const mismatches: string[] = [];
  if (sets.length !== 1 || !got) {
    mismatches.push(`the file holds ${sets.length} backup sets, and the backup stage writes exactly one`);
  }
  if (got) {
    if (got.databaseName !== want.databaseName || got.databaseName !== source.database) {
      mismatches.push(
        `its header names the database ${got.databaseName}, and ${want.databaseName} was backed up`,
      );
    }
    if (got.serverName.toLowerCase() !== want.serverName.toLowerCase()) {
      mismatches.push(
        `its header names the server ${got.serverName}, and ${want.serverName} took the backup`,
      );
    }
    if (got.guid.toLowerCase() !== want.guid.toLowerCase()) {
      mismatches.push(`its header names the backup set ${got.guid}, and msdb recorded ${want.guid}`);
    }
    if (!sameSecond(got.finishedAt, want.finishedAt)) {
      mismatches.push(
        `its header says the backup finished at ${got.finishedAt}, and msdb recorded ${want.finishedAt}`,
      );
    }
  }
  if (header.sha256 !== source.sha256) {
    mismatches.push(`it has the SHA-256 ${header.sha256}, and ${source.sha256} was recorded`);
  }
  if (mismatches.length === 0) {
    ctx.log.info(
      `backup header of ${source.file}: ${got?.databaseName} on ${got?.serverName}, backup set ${got?.guid}, finished ` +
        `${got?.finishedAt}: as recorded in ${foundIn}`,
    );
    return;
  }
  refuse(
    `The backup ${source.file} is not the backup ${foundIn} recorded: ${mismatches.join('; ')}. It was replaced or ` +
      'changed after the backup stage took it.',
    'Do not restore it. Find out who can write to the backup folder; put the recorded backup back from your storage ' +
      "snapshots, or name another backup the backup stage recorded in 'restore-backup-file'; then re-run this job.",
  );
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
    backupSet: db.backupSet ?? null,
  };
}

/**
 * A file restore-backup-file names: only a verified backup of the backup record in the protected state folder is
 * trusted. Nothing next to the file (on a share others may write) is read.
 */
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
  return refuse(
    `restore-backup-file names ${file}, and jams-upgrade has no verified record of it in ${stored.path}: only the ` +
      "backups the backup stage recorded there can be proven (SHA-256, and the backup set's GUID and finish time).",
    'Name a backup the backup stage took and recorded on this host, or restore this one by hand with SQL Server ' +
      'Management Studio after checking its header (RESTORE HEADERONLY).',
  );
}

/** The verified backup of the run of the last upgrade attempt on this host, taken before that attempt's installer. */
async function lastUpgradeBackup(
  ctx: StageContext,
  refuse: Refuse,
): Promise<{ source: RestoreSource; foundIn: string; upgrade: NonNullable<RestorePlan['upgrade']> }> {
  const named =
    "name the backup to restore in 'restore-backup-file' (one the backup stage recorded on this host, in backup-path), then re-run this job";
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
