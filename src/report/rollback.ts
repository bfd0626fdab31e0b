import { byTime, type FoundRecord } from './records.js';
import { recordsOf } from './timeline.js';

/** What the rollback restored and reinstalled, for the report's rollback section. */
export interface RollbackSummary {
  /** The backup restored (or, when the restore did not run, the one preflight named at the gate). */
  backup: {
    file: string;
    database: string;
    takenAt: string | null;
    sha256: string;
    run: string | null;
    named: boolean;
  } | null;
  restore: {
    /** From the restore stage's latest record; `not run` when it left none. */
    status: 'restored' | 'already restored' | 'would' | 'failed' | 'not run';
    finishedAt: string | null;
    seconds: number | null;
    messages: string[];
  };
  /** What the restore costs, in words: the JAMS history after the backup. */
  lost: string;
  reinstall: {
    role: 'primary' | 'secondary';
    host: string | null;
    from: string | null;
    to: string | null;
    install: string | null;
    /** The newer version removed first (uninstall-first), and how it ended. */
    uninstalled: string | null;
  }[];
}

const latest = (records: FoundRecord[]): FoundRecord | undefined => [...records].sort(byTime).pop();

/** The rollback's own facts, from the restore, reinstall and preflight (primary) records of the run. */
export function summarizeRollback(records: readonly FoundRecord[]): RollbackSummary {
  const restoreRecord = latest(recordsOf(records, 'restore', 'primary'))?.record;
  const data = restoreRecord?.data.restore;
  const plan = latest(recordsOf(records, 'preflight', 'primary'))?.record.data.restorePlan;
  const source = data?.file ? data : plan?.source;
  const skipped = restoreRecord?.actions.some(
    (a) => a.what === 'restore database' && a.outcome === 'skipped',
  );
  const status: RollbackSummary['restore']['status'] = !restoreRecord
    ? 'not run'
    : restoreRecord.status === 'failed'
      ? 'failed'
      : restoreRecord.dryRun
        ? 'would'
        : skipped
          ? 'already restored'
          : 'restored';
  const backup = source?.file
    ? {
        file: source.file,
        database: `${source.database ?? '?'} on ${source.server ?? '?'}`,
        takenAt: source.takenAt ?? null,
        sha256: source.sha256 ?? '',
        run: source.backupRunKey ?? null,
        named: source.explicit === true,
      }
    : null;
  const restored = status === 'restored' || status === 'already restored';
  return {
    backup,
    restore: {
      status,
      finishedAt: restored ? (data?.finishedAt ?? null) : null,
      seconds: restored && data?.durationMs !== undefined ? Math.round(data.durationMs / 1000) : null,
      messages: data?.messages ?? [],
    },
    lost: !backup
      ? 'No backup was named: the rollback stopped before preflight (primary) found one.'
      : restored
        ? `Everything JAMS recorded after ${backup.takenAt ?? 'the backup'} was lost with the restore: the history ` +
          'of the jobs run since, and every change to definitions made since.'
        : `The database was not restored by this run. A restore loses everything JAMS recorded after ${backup.takenAt ?? 'the backup'}.`,
    reinstall: (['primary', 'secondary'] as const).map((role) => {
      const all = recordsOf(records, 'reinstall', role);
      const r = latest(all)?.record;
      const upgrade = r?.data.upgrade;
      // A re-run after the uninstall leaves none of its own: the earlier attempt's record tells it.
      const uninstall = [...all].reverse().find((f) => f.record.data.uninstall)?.record.data.uninstall;
      return {
        role,
        host: r?.host?.computerName ?? null,
        from: upgrade?.versionBefore ?? null,
        to: upgrade?.versionAfter ?? null,
        install: r ? (upgrade?.install ?? r.status) : null,
        uninstalled: uninstall
          ? `${uninstall.name ?? 'JAMS'} ${uninstall.version ?? ''} (${uninstall.productCode ?? '?'}): ` +
            `${uninstall.phase ?? '?'}${uninstall.exitCode === null || uninstall.exitCode === undefined ? '' : `, exit code ${uninstall.exitCode}`}`
          : null,
      };
    }),
  };
}
