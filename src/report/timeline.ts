import type { Step } from '../pipeline.js';
import { findJob, type Fetched, type RunJob } from './github-run.js';
import { byTime, type FoundRecord } from './records.js';

/** What happened to one step of the pipeline. */
export interface TimelineRow {
  job: string;
  title: string;
  kind: 'gate' | 'stage' | 'extra';
  stage: string | null;
  role: string | null;
  host: string | null;
  /**
   * From the step's latest record; without one, from its job on GitHub; else a gate counts as passed once a
   * later stage ran, and a stage as not run.
   */
  status: 'succeeded' | 'failed' | 'interrupted' | 'not run' | 'passed' | 'not approved' | 'not reached';
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  /** How many records (run attempts) this step left. */
  attempts: number;
  dryRun: boolean;
  /** The latest record's path in the records folder. */
  recordPath: string | null;
  /** The step's job on GitHub, when the run's jobs were read. */
  jobUrl: string | null;
}

export function secondsBetween(
  from: string | null | undefined,
  to: string | null | undefined,
): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
}

/** The records of one stage and role, oldest first. */
export function recordsOf(
  records: readonly FoundRecord[],
  stage: string,
  role: string | null,
): FoundRecord[] {
  return records.filter((r) => r.record.stage === stage && r.record.role === (role ?? 'none')).sort(byTime);
}

type RowKey = Pick<TimelineRow, 'job' | 'title' | 'kind' | 'stage' | 'role'>;

function fromRecords(key: RowKey, found: FoundRecord[], job: RunJob | null): TimelineRow {
  const latest = found[found.length - 1];
  const r = latest?.record;
  return {
    ...key,
    host: r?.host?.computerName ?? null,
    status: !r ? 'not run' : r.status === 'running' ? 'interrupted' : r.status,
    startedAt: r?.startedAt ?? null,
    finishedAt: r?.finishedAt ?? null,
    seconds: secondsBetween(r?.startedAt, r?.finishedAt),
    attempts: found.length,
    dryRun: r?.dryRun ?? false,
    recordPath: latest?.path ?? null,
    jobUrl: job?.url ?? null,
  };
}

/** A step that left no record: what its job on GitHub says, if anything. */
function fromJob(row: TimelineRow, job: RunJob | null): TimelineRow {
  if (!job || row.attempts > 0) return row;
  const gate = row.kind === 'gate';
  const status: TimelineRow['status'] | null =
    job.conclusion === 'success'
      ? gate
        ? 'passed'
        : null
      : job.conclusion === 'failure'
        ? gate
          ? 'not approved'
          : 'failed'
        : job.conclusion === 'cancelled' || job.conclusion === 'timed_out'
          ? 'interrupted'
          : null;
  return {
    ...row,
    status: status ?? row.status,
    startedAt: job.startedAt,
    finishedAt: job.completedAt,
    seconds: secondsBetween(job.startedAt, job.completedAt),
  };
}

/**
 * One row per pipeline step but the report, in the pipeline's order, from the latest record of each stage and
 * role (or the step's job on GitHub); then any record the pipeline does not name (a stage run by hand).
 */
export function buildTimeline(
  steps: readonly Step[],
  records: readonly FoundRecord[],
  jobs: Fetched<RunJob> = { read: false, reason: 'not asked' },
): TimelineRow[] {
  const rows = steps
    .filter((step) => step.kind === 'gate' || step.stage !== 'report')
    .map((step) => {
      const job = findJob(jobs, step.title);
      const key: RowKey =
        step.kind === 'stage'
          ? { job: step.job, title: step.title, kind: 'stage', stage: step.stage, role: step.role }
          : { job: step.job, title: step.title, kind: 'gate', stage: null, role: null };
      const found = step.kind === 'stage' ? recordsOf(records, step.stage, step.role) : [];
      const row = fromRecords(key, found, job);
      return fromJob(step.kind === 'gate' ? { ...row, status: 'not reached' } : row, job);
    });
  rows.forEach((row, i) => {
    const later = rows.slice(i + 1).some((r) => r.kind === 'stage' && r.status !== 'not run');
    if (row.kind === 'gate' && row.status === 'not reached' && later) row.status = 'passed';
  });
  const known = new Set(steps.flatMap((s) => (s.kind === 'stage' ? [`${s.stage}/${s.role ?? 'none'}`] : [])));
  const extra = [...new Set(records.map((r) => `${r.record.stage}/${r.record.role}`))].filter(
    (k) => !known.has(k),
  );
  for (const key of extra.sort()) {
    const [stage = '', role = ''] = key.split('/');
    rows.push(
      fromRecords(
        {
          job: `${stage}-${role}`,
          title: `${stage} (${role}), not a pipeline step`,
          kind: 'extra',
          stage,
          role,
        },
        records.filter((r) => r.record.stage === stage && r.record.role === role).sort(byTime),
        null,
      ),
    );
  }
  return rows;
}

/** The run's outcome: failed when any step failed, succeeded when every stage succeeded, else incomplete. */
export function overallResult(rows: readonly TimelineRow[]): 'succeeded' | 'failed' | 'incomplete' {
  const stages = rows.filter((r) => r.kind !== 'gate');
  if (stages.some((r) => r.status === 'failed' || r.status === 'interrupted')) return 'failed';
  return stages.every((r) => r.kind === 'extra' || r.status === 'succeeded') ? 'succeeded' : 'incomplete';
}
