// Where the downtime and the maintenance window went: each moment of the span is given to the one thing the run was
// doing then, from the stages' phases, the stages themselves, the gates and (in a workflow run) the jobs on GitHub.
import { predecessors, type Pipeline } from '../pipeline.js';
import type { Span } from './downtime.js';
import { findJob, type Fetched, type RunJob } from './github-run.js';
import type { FoundRecord } from './records.js';

/** work: a stage doing something; waiting: for JAMS (a role, jobs to drain); human: for reviewers. */
export type PartKind = 'work' | 'waiting' | 'waiting for a human' | 'between jobs' | 'downtime';

/** One line of a breakdown: what took the time, where, and how long in all. */
export interface BreakdownPart {
  part: string;
  /** The host (JAMS-PRI (primary)), the job or gate, or null for the time between jobs. */
  where: string | null;
  kind: PartKind;
  ms: number;
}

export interface Breakdown {
  from: string | null;
  to: string | null;
  /** The span's length; the parts add up to it exactly. */
  totalMs: number;
  /** Longest first. */
  parts: BreakdownPart[];
  note: string;
}

/** How long the reviewers took at a gate: from the end of the jobs it waits for to the start of its own job. */
export interface GateWait {
  job: string;
  title: string;
  from: string | null;
  to: string | null;
  ms: number | null;
}

/** A stretch of time and what it was; where two overlap, the lower rank (then the later end) takes it. */
interface Interval extends Omit<BreakdownPart, 'ms'> {
  from: number;
  to: number;
  rank: number;
}

/** What each phase a stage marks (StageRecord.phases) is called in a breakdown; `stage/phase` first, then `phase`. */
const PHASES: Readonly<Record<string, { part: string; kind: PartKind }>> = {
  'stop/services-stop': { part: 'stopping the JAMS services', kind: 'work' },
  'upgrade/services-stop': { part: 'stopping the services the installer started', kind: 'work' },
  'services-stop': { part: 'stopping the JAMS services', kind: 'work' },
  'installer-check': { part: 'checking the installer (SHA-256, signature)', kind: 'work' },
  installer: { part: 'the installer running', kind: 'work' },
  'accounts-restore': { part: 'restoring the Log On As accounts', kind: 'work' },
  'config-reapply': { part: 'reapplying the config customisations', kind: 'work' },
  'services-start': { part: 'starting the JAMS services', kind: 'work' },
  role: { part: 'waiting for the failover role (heartbeats)', kind: 'waiting' },
  drain: { part: 'waiting for executing jobs to finish', kind: 'waiting' },
  agents: { part: 'upgrading the agents', kind: 'work' },
  clients: { part: 'upgrading the desktop clients', kind: 'work' },
};

/** A stage's time outside its phases: PowerShell starting, reading the host, checks, records and summaries. */
const REST_OF_STAGE = 'other work in the stage';

const time = (iso: string | null | undefined): number | null => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : null;
};

/** The stages' own time, from the records: their phases (rank 0) and the rest of each stage (rank 1). */
function stageIntervals(records: readonly FoundRecord[], now: number): Interval[] {
  return records
    .filter((r) => !r.record.dryRun)
    .flatMap(({ record: r }) => {
      const start = time(r.startedAt);
      if (start === null) return [];
      const end = time(r.finishedAt) ?? now;
      const host = `${r.host?.computerName ?? 'this host'} (${r.role})`;
      const phases = (Array.isArray(r.phases) ? r.phases : []).flatMap((p): Interval[] => {
        const from = time(p.startedAt);
        if (from === null) return [];
        const named = PHASES[`${r.stage}/${p.phase}`] ?? PHASES[p.phase] ?? { part: p.phase, kind: 'work' };
        return [{ ...named, where: host, from, to: time(p.endedAt) ?? end, rank: 0 }];
      });
      const title = r.role === 'none' ? r.stage : `${r.stage} (${r.role})`;
      return [
        ...phases,
        { part: REST_OF_STAGE, where: title, kind: 'work' as const, from: start, to: end, rank: 1 },
      ];
    });
}

/** The gates' waits for reviewers, from GitHub's jobs: a gate waits from the end of the jobs it needs to its start. */
export function gateWaits(pipeline: Pipeline, jobs: Fetched<RunJob>): GateWait[] {
  const steps = pipeline.flat();
  return steps
    .filter((s) => s.kind === 'gate')
    .map((gate) => {
      const started = findJob(jobs, gate.title)?.startedAt ?? null;
      const ends = predecessors(gate.job, pipeline).map((job) => {
        const step = steps.find((s) => s.job === job);
        return step ? (findJob(jobs, step.title)?.completedAt ?? null) : null;
      });
      const from = ends.includes(null) || !started ? null : ((ends as string[]).sort().reverse()[0] ?? null);
      const a = time(from);
      const b = time(started);
      return {
        job: gate.job,
        title: gate.title,
        from,
        to: from ? started : null,
        ms: a !== null && b !== null ? Math.max(0, b - a) : null,
      };
    });
}

/** The jobs on GitHub: the waits at the gates (rank 2), then each job's set-up and wrap-up around its stage (rank 3). */
function jobIntervals(pipeline: Pipeline, jobs: Fetched<RunJob>, now: number): Interval[] {
  const waits = gateWaits(pipeline, jobs).flatMap((w): Interval[] => {
    const from = time(w.from);
    const to = time(w.to);
    return from !== null && to !== null
      ? [{ part: 'waiting for reviewers', where: w.title, kind: 'waiting for a human', from, to, rank: 2 }]
      : [];
  });
  const own = pipeline.flat().flatMap((step): Interval[] => {
    const job = findJob(jobs, step.title);
    const from = time(job?.startedAt);
    if (from === null) return [];
    const part =
      step.kind === 'gate'
        ? 'the gate job, once approved'
        : 'the job around its stage (set-up, artifact upload)';
    return [
      { part, where: step.title, kind: 'between jobs', from, to: time(job?.completedAt) ?? now, rank: 3 },
    ];
  });
  return [...waits, ...own];
}

/** Gives each moment of [from, to] to the interval of lowest rank covering it, and adds the moments up by part. */
function paint(from: number, to: number, intervals: readonly Interval[], uncovered: string): BreakdownPart[] {
  const cuts = [
    ...new Set([from, to, ...intervals.flatMap((i) => [i.from, i.to]).filter((t) => t > from && t < to)]),
  ].sort((a, b) => a - b);
  const parts = new Map<string, BreakdownPart>();
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k] as number;
    const b = cuts[k + 1] as number;
    const owner = intervals
      .filter((i) => i.from <= a && i.to >= b)
      .sort((x, y) => x.rank - y.rank || y.to - x.to)[0] ?? {
      part: uncovered,
      where: null,
      kind: 'between jobs' as const,
    };
    const key = `${owner.part}\n${owner.where ?? ''}`;
    const part = parts.get(key) ?? { part: owner.part, where: owner.where, kind: owner.kind, ms: 0 };
    part.ms += b - a;
    parts.set(key, part);
  }
  return [...parts.values()].sort((x, y) => y.ms - x.ms || x.part.localeCompare(y.part));
}

/** The time between jobs that no job accounts for: a runner picking up the next job, or (no jobs read) a new process. */
function uncoveredPart(jobs: Fetched<RunJob>): string {
  return jobs.read ? 'waiting for a runner to pick up the next job' : 'between the stage processes';
}

function breakdown(
  span: Span,
  now: string,
  intervals: readonly Interval[],
  jobs: Fetched<RunJob>,
  note: string,
): Breakdown {
  const from = time(span.from);
  const to = time(span.to) ?? time(now);
  if (from === null || to === null) {
    return { from: null, to: null, totalMs: 0, parts: [], note: span.note };
  }
  return {
    from: span.from,
    to: span.to,
    totalMs: Math.max(0, to - from),
    parts: paint(from, to, intervals, uncoveredPart(jobs)),
    note,
  };
}

/** A span of JAMS work (the downtime, the time without failover), broken down from the stages and the jobs. */
export function breakDownSpan(
  pipeline: Pipeline,
  records: readonly FoundRecord[],
  jobs: Fetched<RunJob>,
  span: Span,
  now: string,
  note: string,
): Breakdown {
  const end = time(now) ?? Date.now();
  return breakdown(
    span,
    now,
    [...stageIntervals(records, end), ...jobIntervals(pipeline, jobs, end)],
    jobs,
    note,
  );
}

/** The downtime's breakdown: stopping, installing, restoring, starting, the role, the stages' own work, the gaps. */
export function breakDownDowntime(
  pipeline: Pipeline,
  records: readonly FoundRecord[],
  jobs: Fetched<RunJob>,
  downtime: Span,
  now: string,
): Breakdown {
  return breakDownSpan(
    pipeline,
    records,
    jobs,
    downtime,
    now,
    jobs.read
      ? "Each second of the downtime goes to one part; the time between jobs comes from GitHub's jobs (their start " +
          'and end), where the records of two hosts meet their clocks may differ by a second or two.'
      : "Each second of the downtime goes to one part, from the stage records; without GitHub's jobs, the time " +
          `between two stages is shown as one part (${jobs.reason}).`,
  );
}

/** The note under the breakdown of the pair without failover (breakDownSpan of audit.withoutFailover). */
export const WITHOUT_FAILOVER_NOTE =
  'Each second after the downtime until the secondary is in Backup Mode goes to one part: JAMS ran on the primary ' +
  'alone, so these parts cost failover, not downtime.';

/** The spans the window's breakdown shows as one part each (rank -1), broken down in their own sections. */
function spanIntervals(downtime: Span, withoutFailover: Span | null, end: number): Interval[] {
  const shown = [
    { span: downtime, part: 'JAMS stopped: the downtime, broken down above', kind: 'downtime' as const },
    ...(withoutFailover
      ? [{ span: withoutFailover, part: WITHOUT_FAILOVER_PART, kind: 'work' as const }]
      : []),
  ];
  return shown.flatMap(({ span, part, kind }): Interval[] => {
    const from = time(span.from);
    return from === null ? [] : [{ part, where: null, kind, from, to: time(span.to) ?? end, rank: -1 }];
  });
}

/** How the window's breakdown names the time after the downtime until the secondary is standby again. */
export const WITHOUT_FAILOVER_PART = 'after the downtime, the pair without failover: broken down above';

/**
 * The maintenance window's breakdown: the downtime as one part, and around it every stage the records hold (drain,
 * backups, verify, and any stage a later pipeline adds), the waits for reviewers and the time between jobs.
 */
export function breakDownWindow(
  pipeline: Pipeline,
  records: readonly FoundRecord[],
  jobs: Fetched<RunJob>,
  window: Span,
  downtime: Span,
  now: string,
  withoutFailover: Span | null = null,
): Breakdown {
  const end = time(now) ?? Date.now();
  return breakdown(
    window,
    now,
    [
      ...spanIntervals(downtime, withoutFailover, end),
      ...stageIntervals(records, end),
      ...jobIntervals(pipeline, jobs, end),
    ],
    jobs,
    jobs.read
      ? 'Time waiting for reviewers runs from the end of the jobs a gate waits for to the start of its job.'
      : `The waits at the gates are not measured: ${jobs.reason}.`,
  );
}
