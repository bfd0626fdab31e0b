// The database backup: where it goes, the copy-only BACKUP DATABASE and its RESTORE VERIFYONLY.
import {
  SQL_PASSWORD_VARIABLE,
  type ConnectionForm,
  type DatabaseConnection,
  type SqlOutcome,
  type SqlTarget,
} from '../host/host.js';
import { DATABASE_CONNECTION_NAMES } from '../jams/unverified.js';
import type { DatabaseBackup } from '../state/backup-record.js';
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';

const NOTHING_STOPPED = 'No JAMS service was stopped: this stage does not touch the services.';

const FORM_LABELS: Record<ConnectionForm, string> = {
  sqlclient: 'SqlClient',
  oledb: 'OLE DB',
  odbc: 'ODBC',
};

/** Why a connection string cannot give the JAMS database, or null when it can. */
export function connectionProblem(c: DatabaseConnection): string | null {
  if (c.error) return c.error;
  if (!c.dataSource) return 'it names no server';
  if (!c.initialCatalog) return 'it names no database';
  return null;
}

/** A connection string by name and form, never by its text (it may hold a password). */
export function describeConnection(c: DatabaseConnection): string {
  return `connection string '${c.name}'${c.form ? ` (${FORM_LABELS[c.form]})` : ''}`;
}

/** An unreadable connection string and why. */
export function describeUnreadable(c: DatabaseConnection): string {
  return `${describeConnection(c)} could not be read: ${connectionProblem(c) ?? 'unknown'}`;
}

/**
 * The connection common.config's JAMS database is read from: the readable one whose name comes first in
 * DATABASE_CONNECTION_NAMES, else the first readable. An unreadable connection that ranks as high as that one could be
 * the JAMS database's, so it blocks rather than be passed over; those ranked lower are only reported.
 */
export function pickConnection(connections: DatabaseConnection[]): {
  picked: DatabaseConnection | null;
  blocking: DatabaseConnection[];
  passed: DatabaseConnection[];
} {
  const rank = (name: string) => {
    const i = DATABASE_CONNECTION_NAMES.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    return i < 0 ? DATABASE_CONNECTION_NAMES.length : i;
  };
  const sorted = [...connections].sort((a, b) => rank(a.name) - rank(b.name));
  const picked = sorted.find((c) => connectionProblem(c) === null) ?? null;
  const limit = picked ? rank(picked.name) : Infinity;
  const unreadable = sorted.filter((c) => connectionProblem(c) !== null);
  return {
    picked,
    blocking: unreadable.filter((c) => rank(c.name) <= limit),
    passed: unreadable.filter((c) => rank(c.name) > limit),
  };
}

/**
 * The JAMS database: from the inputs, else from the connection string in common.config (its connections go to the
 * record). A connection that could be the database's but cannot be read fails the stage before anything changes.
 */
export async function resolveDatabase(
  ctx: StageContext,
  hostState = `Nothing was changed. ${NOTHING_STOPPED}`,
): Promise<SqlTarget & { source: string; form: ConnectionForm | null }> {
  const wanted = ctx.settings.database;
  let server = wanted.server;
  let database = wanted.name;
  let source = 'inputs sql-server and sql-database';
  let form: ConnectionForm | null = null;
  if (!server || !database) {
    const found = await ctx.host.databaseConnections(ctx.settings.installFolder);
    ctx.record.data.databaseConnections = found;
    const refuse = (why: string): never => {
      throw new StageError(
        `The JAMS database could not be read from ${found.path}: ${why}.`,
        hostState,
        "Set the 'sql-server' and 'sql-database' inputs to the JAMS database (the JAMS Client shows them under " +
          'About): then common.config is not read.',
      );
    };
    if (!found.exists) refuse('the file does not exist');
    if (found.error) refuse(found.error);
    const { picked, blocking, passed } = pickConnection(found.connections);
    if (blocking.length > 0) {
      refuse(`its ${blocking.map(describeUnreadable).join('; its ')}`);
    }
    if (!picked) return refuse('it has no connection string');
    for (const c of passed) {
      ctx.log.warn(
        `${found.path}: ${describeUnreadable(c)}. It is not used: the JAMS database is read from ` +
          `${describeConnection(picked)}.`,
      );
    }
    server ??= picked.dataSource;
    database ??= picked.initialCatalog;
    source = `${found.path} (connection string ${picked.name})`;
    form = picked.form;
  }
  return {
    server,
    database,
    auth: wanted.auth,
    ...(wanted.auth === 'sql' ? { user: wanted.user ?? '', passwordVariable: SQL_PASSWORD_VARIABLE } : {}),
    timeoutSeconds: wanted.timeoutSeconds,
    source,
    form,
  };
}

/** The resolved database for the log: which, where, how the login is made and where that came from. */
export function describeTarget(target: SqlTarget & { source: string; form: ConnectionForm | null }): string {
  const form = target.form ? `, ${FORM_LABELS[target.form]} connection string` : '';
  return `${target.database} on ${target.server} (${target.auth} authentication, from ${target.source}${form})`;
}

/** True when the SQL Server instance runs on this host, so a local backup folder is one both can see. */
export function isLocalSqlServer(server: string, computerName: string): boolean {
  const hostPart = server
    .replace(/^(tcp|np|lpc):/i, '')
    .split(/[\\,]/)[0]
    ?.trim()
    .toLowerCase();
  const me = computerName.toLowerCase();
  return (
    ['.', '(local)', 'localhost', '127.0.0.1', me].includes(hostPart ?? '') ||
    hostPart?.startsWith(`${me}.`) === true
  );
}

/** A Windows path and a file name, joined with one backslash. */
export function windowsJoin(folder: string, name: string): string {
  return `${folder.replace(/[\\/]+$/, '')}\\${name}`;
}

/** The backup file's name: the database and the run, in characters any file system accepts. */
export function backupFileName(database: string, key: string): string {
  return `${database.replace(/[^A-Za-z0-9_.-]/g, '_')}_${key}.bak`;
}

/**
 * Takes the copy-only backup and verifies it, unless this run already has a verified backup whose file is
 * unchanged. `persist` saves the record after each step, so a failure leaves an honest record.
 */
export async function backUpDatabase(
  ctx: StageContext,
  target: SqlTarget,
  folder: string,
  key: string,
  earlier: DatabaseBackup | null,
  persist: (db: DatabaseBackup) => Promise<void>,
): Promise<DatabaseBackup | null> {
  const name = backupFileName(target.database, key);
  const path = windowsJoin(folder, name);
  const what = `${target.database} on ${target.server}`;
  if (!isLocalSqlServer(target.server, ctx.record.host?.computerName ?? '') && !path.startsWith('\\\\')) {
    throw new StageError(
      `backup-path ${folder} is a local folder, but SQL Server ${target.server} runs on another machine: it would write ` +
        'the file on its own disk, where this host cannot check it.',
      `Nothing was changed. ${NOTHING_STOPPED}`,
      "Set 'backup-path' to a UNC share (\\\\server\\share\\folder) that SQL Server's service account can write and " +
        "this runner's account can read.",
    );
  }
  if (earlier?.verified && earlier.file === path && earlier.backupSet) {
    const listing = await ctx.host.files(folder, [name]);
    if (listing.files[0]?.sha256 === earlier.sha256) {
      ctx.skip('back up database', `${what} to ${path}`, `verified at ${earlier.verifiedAt}, file unchanged`);
      return earlier;
    }
    ctx.log.warn(`The verified backup ${path} of this run is missing or changed: taking it again.`);
  }

  let taken: SqlOutcome | null = null;
  await guard(ctx, `The backup of ${what} to ${path} failed`, () =>
    ctx.change('back up database', `${what} to ${path} (COPY_ONLY, CHECKSUM)`, async () => {
      taken = await ctx.host.backupDatabase(target, path);
      return `${size(taken.size)}, SHA-256 ${taken.sha256}, ${seconds(taken.durationMs)}`;
    }),
  );
  if (!taken) return null;
  const done: SqlOutcome = taken;
  const db: DatabaseBackup = {
    server: target.server,
    database: target.database,
    file: path,
    size: done.size,
    sha256: done.sha256,
    sql: done.sql,
    takenAt: new Date().toISOString(),
    backupMs: done.durationMs,
    messages: done.messages,
    verified: false,
    backupSet: done.backupSet ?? null,
    ...(done.backupSetSql ? { backupSetSql: done.backupSetSql } : {}),
  };
  await persist(db);

  try {
    await ctx.change('verify backup', `RESTORE VERIFYONLY of ${path} (CHECKSUM)`, async () => {
      const check = await ctx.host.verifyBackup(target, path);
      db.verifyMs = check.durationMs;
      db.verifyMessages = check.messages;
      if (check.sha256 !== db.sha256) {
        throw new Error(
          `the file changed between the backup (SHA-256 ${db.sha256}) and the check (${check.sha256})`,
        );
      }
      // The backup set msdb recorded for this file is what a restore finds again in the file's header.
      const set = db.backupSet;
      if (!set) {
        throw new Error(
          `msdb has no backup set for ${path} (msdb.dbo.backupset joined to backupmediafamily by the file's name), so ` +
            'a restore could not prove the file is this backup',
        );
      }
      if (set.databaseName !== target.database) {
        throw new Error(
          `msdb's latest backup set for ${path} is of the database ${set.databaseName}, not ${target.database}`,
        );
      }
      return `${check.messages.join(' ') || 'valid'} (${seconds(check.durationMs)})`;
    });
  } catch (err) {
    db.verifyError = messageOf(err);
    await persist(db);
    throw new StageError(
      `The backup ${path} of ${what} failed verification: ${db.verifyError}`,
      `${NOTHING_STOPPED} The unverified file is kept for inspection; the stop stage refuses to run without a verified backup.`,
      "Check the backup folder's storage and SQL Server's error log, then re-run this job: it takes the backup again.",
    );
  }
  db.verified = true;
  db.verifiedAt = new Date().toISOString();
  await persist(db);
  ctx.log.info(
    `database backup: ${path}, ${size(db.size)}, SHA-256 ${db.sha256}, verified; backup set ${db.backupSet?.guid} ` +
      `finished ${db.backupSet?.finishedAt} (SQL Server's time)`,
  );
  return db;
}

/** Turns a failed backup into the stage's failure, saying that nothing was stopped. */
async function guard(ctx: StageContext, what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (err instanceof StageError) throw err;
    throw new StageError(
      `${what} on ${hostLabel(ctx)}: ${messageOf(err)}`,
      `${NOTHING_STOPPED} No verified backup exists for this run, so the stop stage refuses to run.`,
      "Fix what SQL Server reports (free space in the backup folder, the rights of SQL Server's service account on it, " +
        "the BACKUP DATABASE permission of the login, the login's read access to msdb's backup history), then re-run " +
        'this job.',
    );
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message.replace(/^[A-Za-z]+-Ju[A-Za-z]+: /, '') : String(err);
}

export function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
