import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { StageRecord } from './record.js';
import type { StageData } from '../stage-data.js';

/** A stage record found in the records folder, with where it was found. */
export interface FoundRecord {
  record: StageRecord;
  /** Path relative to the records folder, e.g. jams-upgrade-stop-primary-attempt-1/stop-primary/record.json. */
  path: string;
  /** The artifact it came in: the first folder of its path when the folder holds downloaded artifacts. */
  artifact: string | null;
}

// Only the fields the report relies on are checked; the rest of a record passes through untouched.
const RECORD = z
  .object({
    tool: z.literal('jams-upgrade'),
    stage: z.string(),
    role: z.string(),
    dryRun: z.boolean(),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    run: z.record(z.string(), z.unknown()),
    actions: z.array(z.object({ at: z.string(), what: z.string(), outcome: z.string() }).passthrough()),
    data: z.record(z.string(), z.unknown()),
  })
  .passthrough();

/**
 * Every record.json under `folder` (the downloaded artifacts, one folder each, or a run folder), except the
 * report's own. Unreadable files are reported, not fatal: the report says what it could not read.
 */
export function readRecords(folder: string): { records: FoundRecord[]; problems: string[] } {
  const records: FoundRecord[] = [];
  const problems: string[] = [];
  let files: string[];
  try {
    files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter(
      (f) => basename(f) === 'record.json',
    );
  } catch (err) {
    return {
      records,
      problems: [`The records folder ${folder} could not be read: ${(err as Error).message}`],
    };
  }
  for (const file of files.sort()) {
    const path = relative(folder, join(folder, file)).split(sep).join('/');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(folder, file), 'utf8'));
    } catch (err) {
      problems.push(`${path} is not JSON: ${(err as Error).message}`);
      continue;
    }
    const checked = RECORD.safeParse(parsed);
    if (!checked.success) {
      problems.push(
        `${path} is not a jams-upgrade stage record: ${checked.error.issues[0]?.message ?? 'invalid'}`,
      );
      continue;
    }
    const record = checked.data as unknown as StageRecord;
    if (record.stage === 'report') continue;
    const parts = path.split('/');
    records.push({ record, path, artifact: parts.length > 2 ? (parts[0] ?? null) : null });
  }
  return { records, problems };
}

/** The run attempt in an artifact's name (jams-upgrade-<stage>-<role>-attempt-<N>, src/pipeline.ts artifactName). */
export function attemptOfArtifact(artifact: string | null): number | null {
  const n = Number(/-attempt-(\d+)$/.exec(artifact ?? '')?.[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The run attempt a record belongs to: its own run.attempt, else its artifact's name, else 1 (not a workflow run). */
export function attemptOf(record: StageRecord, artifact: string | null = null): number {
  const attempt = Number(record.run['attempt']);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : (attemptOfArtifact(artifact) ?? 1);
}

const attemptOfFound = (f: FoundRecord): number => attemptOf(f.record, f.artifact);

/**
 * Oldest first: by run attempt, then start time. So where a stage and role left records in several attempts, the
 * last is the latest attempt's, whatever the runners' clocks say: the report shows that one (timeline.recordsOf).
 */
export function byTime(a: FoundRecord, b: FoundRecord): number {
  return attemptOfFound(a) - attemptOfFound(b) || a.record.startedAt.localeCompare(b.record.startedAt);
}

/** Which attempts' records the report read, and for each step run in several, which attempt it shows. */
/** What the latest record of `stage` that holds `key` left there, or null when none does. */
export function latestData<K extends keyof StageData>(
  records: readonly FoundRecord[],
  stage: string,
  key: K,
): NonNullable<StageData[K]> | null {
  const found = records.filter((r) => r.record.stage === stage && r.record.data[key]).sort(byTime);
  return found[found.length - 1]?.record.data[key] ?? null;
}

export interface RecordsRead {
  attempts: { attempt: number; records: number }[];
  /** Each stage and role with records from more than one attempt: the attempt shown, and the others. */
  superseded: { title: string; shown: number; others: number[] }[];
}

const titleOf = (r: StageRecord): string => (r.role === 'none' ? r.stage : `${r.stage} (${r.role})`);

export function recordsRead(records: readonly FoundRecord[]): RecordsRead {
  const counts = new Map<number, number>();
  const byStep = new Map<string, Set<number>>();
  for (const f of [...records].sort(byTime)) {
    const attempt = attemptOfFound(f);
    counts.set(attempt, (counts.get(attempt) ?? 0) + 1);
    const title = titleOf(f.record);
    byStep.set(title, (byStep.get(title) ?? new Set()).add(attempt));
  }
  return {
    attempts: [...counts].sort(([a], [b]) => a - b).map(([attempt, n]) => ({ attempt, records: n })),
    superseded: [...byStep]
      .filter(([, attempts]) => attempts.size > 1)
      .map(([title, attempts]) => {
        const all = [...attempts].sort((a, b) => a - b);
        return { title, shown: all[all.length - 1] ?? 1, others: all.slice(0, -1) };
      }),
  };
}

/** "Records read: attempt 1 (6 stages), attempt 2 (9 stages)." and which attempt each re-run step is shown from. */
export function describeRecordsRead(read: RecordsRead): string {
  if (!read.attempts.length) return 'Records read: none.';
  const list = read.attempts.map(
    (a) => `attempt ${a.attempt} (${a.records} stage${a.records === 1 ? '' : 's'})`,
  );
  const shown = read.superseded.map(
    (s) =>
      `${s.title} from attempt ${s.shown} (also ran in ${s.others.map((n) => `attempt ${n}`).join(', ')})`,
  );
  return (
    `Records read: ${list.join(', ')}.` +
    (shown.length
      ? ` A step run in more than one attempt is shown from its latest: ${shown.join('; ')}.`
      : '')
  );
}
