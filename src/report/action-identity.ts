// Which build of the action ran each stage: one version per run, or a warning naming which stage ran which.
import { BUILD_INFO } from '../build-info.js';
import type { ActionIdentity } from './record.js';
import { attemptOf, byTime, type FoundRecord } from './records.js';

/** This process's identity: baked into the build (src/build-info.ts), and the ref the runner names. */
export function actionIdentity(
  env: NodeJS.ProcessEnv = process.env,
  build: { version: string; source: string } = BUILD_INFO,
): ActionIdentity {
  const ref = env['GITHUB_ACTION_REF'] || null;
  const repository = env['GITHUB_ACTION_REPOSITORY'] || null;
  return {
    version: build.version,
    source: build.source,
    ref: ref ? (repository ? `${repository}@${ref}` : ref) : null,
  };
}

/** One build and the stages it ran; recorded false for records older than the field ("not recorded"). */
export interface BuildRan {
  recorded: boolean;
  version: string | null;
  source: string | null;
  ref: string | null;
  stages: string[];
}

export interface ActionsRan {
  builds: BuildRan[];
  /** Set when the records differ in version, source or ref. */
  warning: string | null;
}

/** A record's identity, when it carries a well-formed one. */
function identityOf(value: unknown): ActionIdentity | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  return typeof v['version'] === 'string' &&
    typeof v['source'] === 'string' &&
    (v['ref'] === null || typeof v['ref'] === 'string')
    ? { version: v['version'], source: v['source'], ref: v['ref'] }
    : null;
}

/** "0.1.0 (source 80b256778572, ref corp/jams-upgrade@v1)", or "not recorded". */
export function describeBuild(b: Pick<BuildRan, 'recorded' | 'version' | 'source' | 'ref'>): string {
  if (!b.recorded) return 'not recorded (a record older than the action identity)';
  return `${b.version} (source ${b.source}, ref ${b.ref ?? 'not set'})`;
}

/** The builds of the action that ran the stages of these records, in the order they first ran. */
export function actionsRan(records: readonly FoundRecord[]): ActionsRan {
  const sorted = [...records].sort(byTime);
  const attempts = new Set(sorted.map((f) => attemptOf(f.record, f.artifact)));
  const builds = new Map<string, BuildRan>();
  for (const f of sorted) {
    const r = f.record;
    const id = identityOf((r as { action?: unknown }).action);
    const key = id ? JSON.stringify([id.version, id.source, id.ref]) : 'not recorded';
    const build = builds.get(key) ?? {
      recorded: id !== null,
      version: id?.version ?? null,
      source: id?.source ?? null,
      ref: id?.ref ?? null,
      stages: [],
    };
    const title = r.role === 'none' ? r.stage : `${r.stage} (${r.role})`;
    build.stages.push(attempts.size > 1 ? `${title}, attempt ${attemptOf(r, f.artifact)}` : title);
    builds.set(key, build);
  }
  const list = [...builds.values()];
  return {
    builds: list,
    warning:
      list.length > 1
        ? `The stages of this run ran ${list.length} different builds of jams-upgrade: ` +
          list.map((b) => `${describeBuild(b)} ran ${b.stages.join(', ')}`).join('; ') +
          '. Pin the action by a commit SHA in the calling workflow, so that every job of a run and its re-runs ' +
          'run one build.'
        : null,
  };
}
