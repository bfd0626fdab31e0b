import { describeRestore, planRestore, type RestorePlan } from '../tasks/restore-plan.js';
import { messageOf, seconds } from '../tasks/database-backup.js';
import { readRollbackRecord, ROLLBACK_RECORD_FILE, type RestoreRecord } from '../state/rollback-record.js';
import type { ServiceKind, ServiceState } from '../jams/services.js';
import type { SqlRun } from '../host/host.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { describeRoles, readRoleView } from '../tasks/roles.js';
import { describeStates, hostLabel, readServices, resolveServices } from '../tasks/services.js';

/** The statement the restore sends, as the host module holds it: fixed text, the database and the file as parameters. */
const RESTORE_SQL = 'RESTORE DATABASE @db FROM DISK = @path WITH REPLACE, CHECKSUM';

/**
 * The rollback's database restore, on the primary: the verified backup of the upgrade being undone (or the one
 * restore-backup-file names), checked again by its header, SHA-256 and RESTORE VERIFYONLY, restored over the JAMS database while no
 * JAMS service runs on either node. Recorded on the host, so a re-run never repeats a finished restore.
 */
export const restore: Stage = {
  async run(ctx) {
    if (ctx.settings.role !== 'primary') {
      throw new StageError(
        'restore runs on the primary: the database is shared by both nodes, and the backup is recorded on the primary.',
        'Nothing was changed.',
        "Run restore with role: primary on the primary scheduler's runner.",
      );
    }
    const names = await resolveServices(ctx);
    const states = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(states);
    ctx.record.servicesAfter = Object.values(states);
    const unchanged = `${describeStates(hostLabel(ctx), states)} Nothing was restored.`;

    const stored = await readRollbackRecord(ctx);
    const earlier = stored.entry.restore;
    if (earlier?.phase === 'restored') {
      ctx.record.data.restore = earlier;
      ctx.skip(
        'restore database',
        `${earlier.database} on ${earlier.server} from ${earlier.file}`,
        `restored at ${earlier.finishedAt ?? '?'} by this rollback (${stored.path}); a restore is never repeated`,
      );
      return;
    }
    await requireJamsStopped(ctx, states);
    const plan = await planRestore(ctx, earlier, unchanged);
    if (earlier) {
      ctx.log.warn(
        `The restore of ${earlier.file} this rollback started at ${earlier.startedAt} ` +
          (earlier.phase === 'failed'
            ? `failed (${earlier.error ?? 'no reason recorded'})`
            : 'never recorded its end') +
          ': a restore that did not finish leaves the database unusable, so ' +
          (plan.source.file === earlier.file
            ? 'the same backup is restored again from the start.'
            : `the backup restore-backup-file now names, ${plan.source.file}, is restored from the start.`),
      );
    }
    const check = await ctx.host.verifyBackup(plan.target, plan.source.file);
    ctx.record.data.restoreCheck = check;
    if (check.sha256 !== plan.source.sha256) {
      throw new StageError(
        `The backup ${plan.source.file} changed while it was checked: SHA-256 ${check.sha256}, recorded ${plan.source.sha256}.`,
        unchanged,
        "Find out what writes to the backup folder, then re-run this job (or name a verified copy in 'restore-backup-file').",
      );
    }
    ctx.log.info(`RESTORE VERIFYONLY of ${plan.source.file}: ${check.messages.join(' ') || 'valid'}`);
    await restoreDatabase(ctx, plan, stored, earlier);
  },
};

/**
 * No JAMS service may write to the database while it is replaced: this node's services are read, and the peer must not
 * answer Get-JAMSFailoverStatus (it answers while its JAMS Server runs). The stop stage has proven more on the peer; see
 * docs/unverified.md for what this second look proves.
 */
async function requireJamsStopped(
  ctx: StageContext,
  states: Record<ServiceKind, ServiceState>,
): Promise<void> {
  const running = Object.values(states).filter((s) => s.status !== 'Stopped');
  const roles = await readRoleView(ctx);
  const peer = roles.peers[0];
  const problems = [
    ...running.map((s) => `${s.name} is ${s.status} on ${hostLabel(ctx)}`),
    ...(peer
      ? peer.role === 'Stopped'
        ? []
        : [`the peer ${peer.name} answers as ${peer.label}: its JAMS Server runs`]
      : [
          `the peer could not be named (${describeRoles(roles)}), so its JAMS Server cannot be proven stopped`,
        ]),
  ];
  ctx.record.data.jamsStopped = { thisNode: running.length === 0, peer: peer ?? null };
  if (problems.length === 0) {
    ctx.log.info(`no JAMS service runs: ${describeRoles(roles)}`);
    return;
  }
  const error = new StageError(
    `Refusing to restore the JAMS database: ${problems.join('; ')}. A running JAMS would write to the database while ` +
      'it is replaced.',
    `${describeStates(hostLabel(ctx), states)} Failover: ${describeRoles(roles)}. Nothing was restored.`,
    'Run the stop stage on the primary and then the secondary (the rollback workflow does), make sure nothing starts ' +
      'them again, then re-run this job.',
  );
  ctx.refuse(error);
}

/** The RESTORE itself, recorded on the host before it is sent and after it ends. */
async function restoreDatabase(
  ctx: StageContext,
  plan: RestorePlan,
  stored: Awaited<ReturnType<typeof readRollbackRecord>>,
  earlier: RestoreRecord | undefined,
): Promise<void> {
  const { source, target } = plan;
  const shown = describeRestore(plan);
  const record: RestoreRecord = {
    ...source,
    sql: RESTORE_SQL,
    phase: 'restoring',
    startedAt: new Date().toISOString(),
  };
  ctx.record.data.restore = {
    ...record,
    phase: ctx.dryRun ? 'would' : record.phase,
    show: shown,
  };
  let run: SqlRun | null = null;
  try {
    await ctx.change(
      'restore database',
      `${RESTORE_SQL} with @db = ${target.database} and @path = ${source.file}, on ${target.server} ` +
        `(backup taken ${shown['takenAt']}, ${shown['size']}, SHA-256 ${source.sha256})`,
      async () => {
        await stored.save({ ...stored.entry, restore: record });
        // The host hashes the file again, by the path SQL Server gets, right before it sends the RESTORE.
        run = await ctx.host.restoreDatabase(target, source.file, source.sha256);
        return `${run.messages.join(' ')} (${seconds(run.durationMs)})`;
      },
    );
  } catch (err) {
    const error = messageOf(err);
    await stored
      .save({ ...stored.entry, restore: { ...record, phase: 'failed', error } })
      .catch(() => undefined);
    throw new StageError(
      `The restore of ${target.database} on ${target.server} from ${source.file} failed: ${error}`,
      `The JAMS services are stopped on both nodes. The database ${target.database} may be left RESTORING (unusable) ` +
        `after a failed restore${earlier ? ', as after the earlier attempt' : ''}.`,
      'Fix what SQL Server reports (a session still using the database: close JAMS Clients and SQL Server Management ' +
        'Studio windows on it; the rights of the login; SQL Server reading the backup folder), then re-run this job: ' +
        'it restores the same verified backup again. Do not start JAMS before a restore has succeeded.',
    );
  }
  const done = run as SqlRun | null;
  if (!done) return;
  const restored: RestoreRecord = {
    ...record,
    sql: done.sql,
    phase: 'restored',
    finishedAt: new Date().toISOString(),
    durationMs: done.durationMs,
    messages: done.messages,
  };
  await stored.save({ ...stored.entry, restore: restored });
  ctx.record.data.restore = { ...restored, show: shown };
  ctx.log.info(
    `restored ${target.database} on ${target.server} from ${source.file} in ${seconds(done.durationMs)}; recorded in ` +
      `${ctx.settings.stateFolder}\\${ROLLBACK_RECORD_FILE}. Everything JAMS recorded after ${shown['takenAt']} is gone ` +
      'with the restore.',
  );
}
