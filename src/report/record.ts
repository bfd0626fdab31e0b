import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformInfo } from '../host/host.js';
import type { ServiceState } from '../jams/services.js';
import type { StageData } from '../stage-data.js';
import type { Failure } from '../stage-error.js';

/** The action's identity, recorded by every stage (StageRecord.action). */
export interface ActionIdentity {
  /** package.json's version. */
  version: string;
  /** The first 12 hex digits of SHA-256 over the build's inputs (scripts/build-info.mjs). */
  source: string;
  /**
   * `owner/repo@ref` from GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF, which the runner sets for a
   * `uses: owner/repo@ref` step (the commit, when callers pin by SHA); null when absent (a local `uses: ./`, the lab).
   */
  ref: string | null;
}

export interface ActionEntry {
  at: string;
  what: string;
  target: string;
  outcome: 'done' | 'skipped' | 'would' | 'failed';
  detail?: string;
}

/**
 * The phases a stage marks for the report's breakdown of the downtime and the maintenance window
 * (src/report/breakdown.ts names each).
 */
export type PhaseName =
  | 'drain'
  | 'installer-check'
  | 'installer'
  | 'services-stop'
  | 'accounts-restore'
  | 'config-reapply'
  | 'services-start'
  | 'role'
  | 'agents'
  | 'clients';

/** When one phase of a stage began and ended. */
export interface PhaseMark {
  phase: PhaseName;
  startedAt: string;
  /** Missing when the stage ended inside the phase (it failed there): the report ends it with the stage. */
  endedAt?: string;
}

/** The JSON record each stage leaves in its run folder; the report stage reads these back. */
export interface StageRecord {
  tool: 'jams-upgrade';
  stage: string;
  /** primary or secondary; 'none' for a stage with no host (the report). */
  role: string;
  dryRun: boolean;
  lab: boolean;
  run: Record<string, string | number | undefined>;
  /** Which build of the action wrote this record; records older than the field have none. */
  action?: ActionIdentity;
  host?: PlatformInfo;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'succeeded' | 'failed';
  servicesBefore?: ServiceState[];
  servicesAfter?: ServiceState[];
  actions: ActionEntry[];
  /** The phases the breakdown shows, in the order they began; older records have none. */
  phases?: PhaseMark[];
  warnings: string[];
  /** What the stage found and did, by key (src/stage-data.ts). */
  data: StageData;
  failure?: Failure;
}

/**
 * One stage's folder under the run folder (<stage>-<role>, or <stage> for a stage with no host): record.json,
 * summary.md, stage.log, powershell-transcript.log.
 */
export class RunFolder {
  readonly path: string;

  constructor(root: string, stage: string, role: string | null) {
    this.path = join(root, role ? `${stage}-${role}` : stage);
    mkdirSync(this.path, { recursive: true });
  }

  get recordPath(): string {
    return join(this.path, 'record.json');
  }

  get summaryPath(): string {
    return join(this.path, 'summary.md');
  }

  log(line: string): void {
    appendFileSync(join(this.path, 'stage.log'), `${new Date().toISOString()} ${line}\n`);
  }

  transcript(line: string): void {
    appendFileSync(join(this.path, 'powershell-transcript.log'), `${new Date().toISOString()} ${line}\n`);
  }

  writeRecord(record: StageRecord): void {
    writeFileSync(this.recordPath, `${JSON.stringify(record, null, 2)}\n`);
  }
}

/** Who ran this, from the runner's environment; empty outside a workflow run. */
export function runInfo(env: NodeJS.ProcessEnv = process.env): StageRecord['run'] {
  return {
    id: env['GITHUB_RUN_ID'],
    attempt: env['GITHUB_RUN_ATTEMPT'],
    actor: env['GITHUB_ACTOR'],
    triggeringActor: env['GITHUB_TRIGGERING_ACTOR'],
    repository: env['GITHUB_REPOSITORY'],
    workflow: env['GITHUB_WORKFLOW'],
    job: env['GITHUB_JOB'],
    serverUrl: env['GITHUB_SERVER_URL'],
  };
}
