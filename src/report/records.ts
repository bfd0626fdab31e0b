import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { StageRecord } from './record.js';

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

/** The run attempt a record belongs to (1 outside a workflow run). */
export function attemptOf(record: StageRecord): number {
  const attempt = Number(record.run['attempt']);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}

/** Oldest first: by run attempt, then start time. */
export function byTime(a: FoundRecord, b: FoundRecord): number {
  return attemptOf(a.record) - attemptOf(b.record) || a.record.startedAt.localeCompare(b.record.startedAt);
}
