// The installer-staging record (installer-staging.json): the installer copies preflight staged on the host's own disk,
// which upgrade runs and verify clears once a later run no longer needs them.
import { z } from 'zod';
import { readStateFile, saveStateFile, type StateFile, type StateAccess } from './state-file.js';

/** The host's record of its staged installers, in the state folder. */
export const STAGING_RECORD_FILE = 'installer-staging.json';

/** One installer copy on the host's disk. */
export interface StagedInstaller {
  /** The first 16 hex digits of its SHA-256: the name of its folder under <state-folder>\installers. */
  key: string;
  path: string;
  source: string;
  sha256: string;
  size: number;
  stagedAt: string;
  /** The run that needs it: the one that staged it, or a later one that found it staged and kept it. */
  runKey: string;
  claimedAt: string;
}

export interface StagingRecord {
  copies: StagedInstaller[];
}

const FILE: StateFile<StagingRecord> = {
  name: STAGING_RECORD_FILE,
  title: 'installer-staging record',
  schema: z.looseObject({
    copies: z.array(
      z.looseObject({
        key: z.string(),
        path: z.string(),
        source: z.string(),
        sha256: z.string(),
        size: z.number(),
        stagedAt: z.string(),
        runKey: z.string(),
        claimedAt: z.string(),
      }),
    ),
  }),
  ifRemoved:
    'preflight then stages the installer again, and the copies staged earlier stay under <state-folder>\\installers ' +
    'until you delete them',
};

/** The staged copies on this host; none when nothing was staged yet. */
export async function readStagingRecord(ctx: StateAccess): Promise<{ path: string; record: StagingRecord }> {
  const stored = await readStateFile(ctx, FILE);
  return { path: stored.path, record: { copies: stored.data?.copies ?? [] } };
}

/** Saves the record; callers do it inside ctx.change, so a dry-run writes nothing. */
export function saveStagingRecord(ctx: StateAccess, record: StagingRecord): Promise<string> {
  return saveStateFile(ctx, FILE, record);
}
