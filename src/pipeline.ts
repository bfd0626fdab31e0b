// The upgrade pipeline, defined once: the reusable workflow (.github/workflows/jams-upgrade.yml) must follow it
// (__tests__/workflow.test.ts proves that), `npm run rehearse` runs it, and the report orders its timeline by it.
import type { HostRole } from './jams/roles.js';

/** How the reusable workflow's jobs reference this action; forks and release branches change this one line. */
export const ACTION_REF = 'jams-upgrade/jams-upgrade@v1';

/** A job that only waits for the reviewers of the protected environment. */
export interface GateStep {
  kind: 'gate';
  job: string;
  title: string;
  /** What the reviewers approve, shown in the job's log and in the report. */
  approves: string;
}

/** A job that runs one stage of the action. */
export interface StageStep {
  kind: 'stage';
  job: string;
  title: string;
  /** The action's `stage` input. A string, not StageName: the graph test checks it against STAGE_NAMES. */
  stage: string;
  /** The host the job runs on, or null for a stage that needs no JAMS host (it runs on the control runner). */
  role: HostRole | null;
  /** Workflow inputs passed through to the action input of the same name. */
  inputs: readonly string[];
  /** Action inputs fed from the workflow's secrets: action input -> secret name. */
  secrets: Readonly<Record<string, string>>;
  /** Action inputs fed from an earlier job's output, never guessed: action input -> needs.<job>.outputs.<output>. */
  fromJobs: Readonly<Record<string, { job: string; output: string }>>;
  /** The action outputs this job exposes to later jobs. */
  outputs: readonly string[];
}

export type Step = GateStep | StageStep;

/**
 * Inputs a JAMS environment fixes (its folders, SQL Server, resource): when the caller leaves one empty, the work
 * job reads the hosts environment's variable of the same name (variableFor), so the values live with the
 * environment instead of in every caller.
 */
export const ENVIRONMENT_INPUTS: readonly string[] = [
  'install-folder',
  'backup-path',
  'sql-server',
  'sql-database',
  'sql-auth',
  'sql-user',
  'snapshot-script',
  'maintenance-resource',
  'agents',
  'agent-method',
  'clients',
];

/** The environment variable an input falls back to: backup-path -> JAMS_BACKUP_PATH. */
export function variableFor(input: string): string {
  return `JAMS_${input.toUpperCase().replace(/-/g, '_')}`;
}

/** The prefix every artifact of this pipeline starts with: the report downloads by it. */
export const ARTIFACT_PREFIX = 'jams-upgrade-';

/** The workflow secrets and the action inputs they feed. */
export const SECRETS = {
  scheduler: 'JAMS_SCHEDULER_PASSWORD',
  server: 'JAMS_SERVER_PASSWORD',
  sql: 'JAMS_SQL_PASSWORD',
} as const;

const gate = (job: string, title: string, approves: string): GateStep => ({
  kind: 'gate',
  job,
  title,
  approves,
});

const stage = (
  name: string,
  role: HostRole | null,
  options: Partial<Pick<StageStep, 'job' | 'inputs' | 'secrets' | 'fromJobs' | 'outputs'>> = {},
): StageStep => ({
  kind: 'stage',
  job: options.job ?? (role ? `${name}-${role}` : name),
  title: role ? `${name} (${role})` : name,
  stage: name,
  role,
  inputs: options.inputs ?? [],
  secrets: options.secrets ?? {},
  fromJobs: options.fromJobs ?? {},
  outputs: options.outputs ?? [],
});

const preflightInputs = [
  'install-folder',
  'target-version',
  'installer-path',
  'installer-sha256',
  'backup-path',
];
const maintenanceInputs = ['maintenance-resource', 'drain-timeout-seconds'];
const backupInputs = [
  'install-folder',
  'backup-path',
  'sql-server',
  'sql-database',
  'sql-auth',
  'sql-user',
  'snapshot-script',
];
const backupSecrets = { 'sql-password': SECRETS.sql };
const stopInputs = ['service-timeout-seconds'];
const upgradeInputs = [
  'install-folder',
  'installer-path',
  'installer-sha256',
  'target-version',
  'install-timeout-seconds',
  'service-timeout-seconds',
];
const upgradeSecrets = { 'scheduler-password': SECRETS.scheduler, 'server-password': SECRETS.server };
const upgradeOutputs = ['version-before', 'version-after', 'reboot-required'];
const startInputs = ['install-folder', 'service-timeout-seconds', 'role-timeout-seconds'];
const verifyInputs = ['target-version'];
const agentsInputs = [
  'install-folder',
  'target-version',
  'agents',
  'agent-method',
  'agents-parallel',
  'agent-timeout-seconds',
  'on-agent-failure',
  'clients',
  'client-installer-path',
  'client-installer-sha256',
  'client-installer-arguments',
];

/**
 * The procedure's order (docs/procedure.md traces each step to its job). Each group runs after every
 * job of the group before it; the jobs inside a group may run in parallel.
 */
export const PIPELINE: readonly (readonly Step[])[] = [
  [
    stage('preflight', 'primary', { inputs: preflightInputs }),
    stage('preflight', 'secondary', { inputs: preflightInputs }),
  ],
  [
    gate(
      'approve-downtime',
      'approve downtime',
      'stopping JAMS: the maintenance window, the backups and the upgrade',
    ),
  ],
  [stage('maintenance-on', 'primary', { job: 'maintenance-on', inputs: maintenanceInputs })],
  [
    stage('backup', 'primary', { inputs: backupInputs, secrets: backupSecrets }),
    stage('backup', 'secondary', { inputs: backupInputs, secrets: backupSecrets }),
  ],
  [stage('stop', 'primary', { inputs: stopInputs })],
  [stage('stop', 'secondary', { inputs: stopInputs })],
  [stage('upgrade', 'primary', { inputs: upgradeInputs, secrets: upgradeSecrets, outputs: upgradeOutputs })],
  [
    stage('upgrade', 'secondary', {
      inputs: upgradeInputs,
      secrets: upgradeSecrets,
      outputs: upgradeOutputs,
      fromJobs: { 'primary-upgraded-version': { job: 'upgrade-primary', output: 'version-after' } },
    }),
  ],
  [stage('start', 'primary', { inputs: startInputs })],
  [stage('start', 'secondary', { inputs: startInputs })],
  [
    stage('verify', 'primary', { inputs: verifyInputs }),
    stage('verify', 'secondary', { inputs: verifyInputs }),
  ],
  [stage('agents', 'primary', { job: 'agents', inputs: agentsInputs })],
  [gate('approve-resume', 'approve resume', 'resuming jobs: the maintenance window closes')],
  [stage('maintenance-off', 'primary', { job: 'maintenance-off', inputs: ['maintenance-resource'] })],
  [stage('report', null)],
];

/** Every step in order. */
export const STEPS: readonly Step[] = PIPELINE.flat();

/** The jobs a step's job needs: every job of the group before it (the report needs every job, see the workflow). */
export function predecessors(job: string): string[] {
  const index = PIPELINE.findIndex((group) => group.some((s) => s.job === job));
  if (index < 0) throw new Error(`No pipeline step has the job '${job}'.`);
  const last = PIPELINE[PIPELINE.length - 1]?.some((s) => s.job === job);
  if (last) return STEPS.filter((s) => s.job !== job).map((s) => s.job);
  return (PIPELINE[index - 1] ?? []).map((s) => s.job);
}

/**
 * The artifact a stage job uploads its run folder as: the stage and the role, and the run attempt, because
 * artifact names are unique within a run and a re-run must keep the failed attempt's logs.
 */
export function artifactName(step: StageStep, attempt: string): string {
  return `${ARTIFACT_PREFIX}${step.stage}${step.role ? `-${step.role}` : ''}-attempt-${attempt}`;
}
