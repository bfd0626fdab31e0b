// The fleet's shape, shared by the fleet workflow's model (src/pipeline.ts), the inputs and the fleet report: how
// many rings a promotion has at most, and how a ring's or a node's artifacts are named so the report can tell them.
import { ARTIFACT_PREFIX } from './pipeline.js';

/**
 * The fleet workflow has this many ring slots (one upgrade call, one soak each); a promotion uses the first of them.
 * Six covers development, test and production with a pair per region; GitHub runs every called workflow's jobs in one
 * run, so each slot adds about 30 jobs.
 */
export const MAX_RINGS = 6;

/** The prefix of a ring's artifacts: jams-upgrade-ring-2-... (a number, so no ring's prefix starts another's). */
export function ringArtifactPrefix(ring: number | string): string {
  return `${ARTIFACT_PREFIX}ring-${ring}-`;
}

/** The ring an artifact's folder belongs to, or null. */
export function ringOfArtifact(folder: string): number | null {
  const m = new RegExp(`^${ARTIFACT_PREFIX}ring-(\\d+)(-|$)`).exec(folder);
  return m ? Number(m[1]) : null;
}

/** The status jobs' artifacts: jams-status-<environment>-<role>-attempt-<n>. */
export const STATUS_ARTIFACT_PREFIX = 'jams-status-';

/** The environment and role of a status artifact's folder (the suffix is fixed, so any environment name parses). */
export function statusOfArtifact(
  folder: string,
): { environment: string; role: 'primary' | 'secondary' } | null {
  const m = /^jams-status-(.+)-(primary|secondary)(-attempt-\d+)?$/.exec(folder);
  return m ? { environment: m[1] as string, role: m[2] as 'primary' | 'secondary' } : null;
}
