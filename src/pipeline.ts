// The upgrade pipeline and the rollback pipeline, each defined once: the reusable workflows
// (.github/workflows/jams-upgrade.yml, jams-rollback.yml) must follow them (__tests__/workflow.test.ts proves that),
// `npm run rehearse` runs them, and the report orders its timeline by them.
import type { HostRole } from './jams/roles.js';
import type { ResumeGate, UpgradeOrder } from './jams/upgrade-order.js';

/** How the reusable workflow's jobs reference this action; forks and release branches change this one line. */
export const ACTION_REF = 'jams-upgrade/jams-upgrade@v1';

/** A job that only waits for the reviewers of the protected environment. */
export interface GateStep {
  kind: 'gate';
  job: string;
  title: string;
  /** What the reviewers approve, shown in the job's log and in the report. */
  approves: string;
  /** Earlier jobs' outputs the gate's job writes into its summary once approved, so the record ties them to it. */
  shows: readonly { job: string; output: string }[];
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
  /** Action inputs the workflow sets to a fixed value for this job (the rollback's pipeline: rollback). */
  fixed: Readonly<Record<string, string>>;
  /** The action outputs this job exposes to later jobs. */
  outputs: readonly string[];
  /** Trust roots this job passes, each from the hosts environment's variable only (TRUSTED_INPUTS). */
  trusted: readonly string[];
}

export type Step = GateStep | StageStep;

/** A pipeline: groups of steps in order; the steps of a group run side by side. */
export type Pipeline = readonly (readonly Step[])[];

/**
 * Inputs a JAMS environment fixes (its folders, SQL Server, resource): when the caller leaves one empty, the work
 * job reads the hosts environment's variable of the same name (variableFor), so the values live with the
 * environment instead of in every caller.
 */
export const ENVIRONMENT_INPUTS: readonly string[] = [
  'install-folder',
  'state-folder',
  'scheduler-service',
  'server-service',
  'executor-service',
  'jams-server',
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

/**
 * Trust roots: action inputs that only the hosts environment's variables set (JAMS_FILE_SHARE_ROOT, ...), never a
 * workflow input, so whoever starts a run cannot widen them. Each goes to every job that passes an input it bounds.
 */
export const TRUSTED_INPUTS: Readonly<Record<string, readonly string[]>> = {
  'file-share-root': ['installer-path', 'client-installer-path', 'restore-backup-file'],
  'agent-hosts-allowed': ['agents', 'clients'],
  'agent-msi-signer': ['agent-method'],
  'allow-unprotected-gates': ['gate-environment'],
};

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

const gate = (job: string, title: string, approves: string, shows: GateStep['shows'] = []): GateStep => ({
  kind: 'gate',
  job,
  title,
  approves,
  shows,
});

/**
 * What every job on a JAMS host reads, whatever its stage: how PowerShell starts and how long one call may take, where
 * JAMS is installed, where the host's records are kept, and the services' names.
 */
export const HOST_INPUTS: readonly string[] = [
  'shell',
  'call-timeout-seconds',
  'install-folder',
  'state-folder',
  'scheduler-service',
  'server-service',
  'executor-service',
];

/** The first job: it checks that the gate environment has required reviewers, and every later job reads its verdict. */
export const GATE_CHECK_JOB = 'check-gates';
const gateProtection = { 'gate-protection': { job: GATE_CHECK_JOB, output: 'gate-protection' } };

const stage = (
  name: string,
  role: HostRole | null,
  options: Partial<Pick<StageStep, 'job' | 'inputs' | 'secrets' | 'fromJobs' | 'outputs' | 'fixed'>> & {
    /** false: a job of the fleet workflows, which have no gate check of their own (each ring's call has one). */
    gateChecked?: boolean;
  } = {},
): StageStep => {
  const inputs = [...new Set([...(role ? HOST_INPUTS : []), ...(options.inputs ?? [])])];
  return {
    kind: 'stage',
    job: options.job ?? (role ? `${name}-${role}` : name),
    title: role ? `${name} (${role})` : name,
    stage: name,
    role,
    inputs,
    secrets: options.secrets ?? {},
    fromJobs: {
      ...(name === 'gates' || options.gateChecked === false ? {} : gateProtection),
      ...options.fromJobs,
    },
    fixed: options.fixed ?? {},
    outputs: options.outputs ?? [],
    trusted: Object.keys(TRUSTED_INPUTS).filter((t) =>
      (TRUSTED_INPUTS[t] ?? []).some((bounded) => inputs.includes(bounded)),
    ),
  };
};

/** The gate check (stage gates), before anything else: an unprotected gate stops the run before any host is read. */
const GATE_CHECK: readonly Step[] = [
  stage('gates', null, { job: GATE_CHECK_JOB, inputs: ['gate-environment'], outputs: ['gate-protection'] }),
];

const preflightInputs = [
  'target-version',
  'installer-path',
  'installer-sha256',
  'installer-arguments',
  'staging-timeout-seconds',
  'backup-path',
  'config-files',
  'min-free-gb',
  'maintenance-resource',
  'jams-server',
];
const maintenanceInputs = [
  'maintenance-resource',
  'jams-server',
  'create-maintenance-resource',
  'drain-timeout-seconds',
  'on-drain-timeout',
];
/** Both nodes save their Log On As accounts and config files; the primary also backs up the database they share. */
const backupInputs = [
  'backup-path',
  'config-files',
  'snapshot-script',
  'snapshot-timeout-seconds',
  'min-free-gb',
];
const databaseBackupInputs = [
  ...backupInputs,
  'sql-server',
  'sql-database',
  'sql-auth',
  'sql-user',
  'backup-timeout-seconds',
  'require-backup',
];
const backupSecrets = { 'sql-password': SECRETS.sql };
const maintenanceOffInputs = ['maintenance-resource', 'jams-server'];
const stopInputs = ['service-timeout-seconds'];
const upgradeInputs = [
  'installer-path',
  'installer-sha256',
  'installer-arguments',
  'target-version',
  'install-timeout-seconds',
  'service-timeout-seconds',
  'allow-reinstall',
  'allow-downgrade',
];
const upgradeSecrets = { 'scheduler-password': SECRETS.scheduler, 'server-password': SECRETS.server };
const upgradeOutputs = ['version-before', 'version-after', 'reboot-required'];
const startInputs = ['service-timeout-seconds', 'role-timeout-seconds', 'config-files', 'config-mode'];
const verifyInputs = ['target-version'];
const agentsInputs = [
  'target-version',
  'jams-server',
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

/** The upgrade's stages that read the order: preflight states it, the secondary's refuse out of it, the report follows it. */
const orderInputs = ['order', 'resume-gate'];
const withOrder = (inputs: readonly string[]) => [...inputs, ...orderInputs];

/** Preflight to the primary's upgrade: the same in both orders (the stops and the first install, inside the downtime). */
const UNTIL_PRIMARY_UPGRADED: Pipeline = [
  GATE_CHECK,
  [
    // The primary proves the JAMS database the backup will use (the inputs, else common.config), lists the hosts the
    // agents stage will reach (output agent-hosts) and states the order (output order-plan), which the downtime gate shows.
    stage('preflight', 'primary', {
      inputs: withOrder([
        ...preflightInputs,
        'sql-server',
        'sql-database',
        'agents',
        'agent-method',
        'clients',
      ]),
      outputs: ['agent-hosts', 'order-plan'],
    }),
    stage('preflight', 'secondary', { inputs: withOrder(preflightInputs) }),
  ],
  [
    gate(
      'approve-downtime',
      'approve downtime',
      'stopping JAMS: the maintenance window, the backups and the upgrade, in the order preflight (primary) states',
      [
        { job: 'preflight-primary', output: 'order-plan' },
        { job: 'preflight-primary', output: 'agent-hosts' },
      ],
    ),
  ],
  [stage('maintenance-on', 'primary', { job: 'maintenance-on', inputs: maintenanceInputs })],
  [
    stage('backup', 'primary', { inputs: databaseBackupInputs, secrets: backupSecrets }),
    stage('backup', 'secondary', { inputs: backupInputs }),
  ],
  [stage('stop', 'primary', { inputs: stopInputs })],
  [stage('stop', 'secondary', { inputs: stopInputs })],
  [
    stage('upgrade', 'primary', {
      inputs: withOrder(upgradeInputs),
      secrets: upgradeSecrets,
      outputs: upgradeOutputs,
    }),
  ],
];

/** The upgrade's jobs after the primary's install, by a job-id suffix: the orders need jobs of their own. */
function tail(suffix: string) {
  const job = (name: string) => `${name}${suffix}`;
  return {
    upgradeSecondary: stage('upgrade', 'secondary', {
      job: job('upgrade-secondary'),
      inputs: withOrder(upgradeInputs),
      secrets: upgradeSecrets,
      outputs: upgradeOutputs,
      fromJobs: { 'primary-upgraded-version': { job: 'upgrade-primary', output: 'version-after' } },
    }),
    start: (role: HostRole) =>
      stage('start', role, { job: job(`start-${role}`), inputs: withOrder(startInputs) }),
    verify: (role: HostRole) =>
      stage('verify', role, { job: job(`verify-${role}`), inputs: withOrder(verifyInputs) }),
    agents: stage('agents', 'primary', { job: job('agents'), inputs: agentsInputs }),
    resume: [
      [gate(job('approve-resume'), 'approve resume', 'resuming jobs: the maintenance window closes')],
      [
        stage('maintenance-off', 'primary', {
          job: job('maintenance-off'),
          inputs: maintenanceOffInputs,
        }),
      ],
    ] as Pipeline,
  };
}

const report = stage('report', null, { inputs: orderInputs, outputs: ['result'] });

const vendor = tail('');
/**
 * The procedure's order (docs/procedure.md traces each step to its job). Each group runs after every
 * job of the group before it; the jobs inside a group may run in parallel.
 */
export const PIPELINE: Pipeline = [
  ...UNTIL_PRIMARY_UPGRADED,
  [vendor.upgradeSecondary],
  [vendor.start('primary')],
  [vendor.start('secondary')],
  [vendor.verify('primary'), vendor.verify('secondary')],
  [vendor.agents],
  ...vendor.resume,
  [report],
];

// order: resume-after-primary. Its own jobs (suffix -rap), since a workflow cannot change a job's needs at run time.
const rap = tail('-rap');
const primaryBack: Pipeline = [[rap.start('primary')], [rap.verify('primary')]];
const secondaryAfter: Pipeline = [
  [rap.upgradeSecondary],
  [rap.start('secondary')],
  [rap.verify('secondary')],
  [rap.agents],
];
/** resume-gate: after-primary has its own gate and maintenance-off jobs (suffix -after-primary). */
const resumeAfterPrimary = tail('-after-primary').resume;

/**
 * order: resume-after-primary (docs/upgrade.md): the primary is started, verified and given back before the
 * secondary's install, which the downtime then leaves out; the secondary comes back as standby while jobs run. By
 * resume-gate, jobs resume after the agents (as in the vendor's order) or as soon as the primary is verified.
 */
export const RESUME_AFTER_PRIMARY_PIPELINES: Readonly<Record<ResumeGate, Pipeline>> = {
  'after-agents': [...UNTIL_PRIMARY_UPGRADED, ...primaryBack, ...secondaryAfter, ...rap.resume, [report]],
  'after-primary': [
    ...UNTIL_PRIMARY_UPGRADED,
    ...primaryBack,
    ...resumeAfterPrimary,
    ...secondaryAfter,
    [report],
  ],
};

/** The upgrade's graph for an order and a resume gate (the vendor's order has its gate after the agents only). */
export function upgradePipeline(order: UpgradeOrder, resumeGate: ResumeGate): Pipeline {
  return order === 'vendor' ? PIPELINE : RESUME_AFTER_PRIMARY_PIPELINES[resumeGate];
}

/** Every graph the upgrade workflow runs, by the inputs that choose it: .github/workflows/jams-upgrade.yml has them all. */
export const UPGRADE_GRAPHS: readonly { order: UpgradeOrder; resumeGate: ResumeGate; pipeline: Pipeline }[] =
  [
    { order: 'vendor', resumeGate: 'after-agents', pipeline: PIPELINE },
    {
      order: 'resume-after-primary',
      resumeGate: 'after-agents',
      pipeline: RESUME_AFTER_PRIMARY_PIPELINES['after-agents'],
    },
    {
      order: 'resume-after-primary',
      resumeGate: 'after-primary',
      pipeline: RESUME_AFTER_PRIMARY_PIPELINES['after-primary'],
    },
  ];

/** Every step in order. */
export const STEPS: readonly Step[] = PIPELINE.flat();

const rollback = { pipeline: 'rollback' };
const rollbackPreflightInputs = [
  'target-version',
  'installer-path',
  'installer-sha256',
  'installer-arguments',
  'staging-timeout-seconds',
  'config-files',
  'min-free-gb',
  'maintenance-resource',
  'jams-server',
];
const restoreInputs = ['sql-server', 'sql-database', 'restore-backup-file', 'backup-path', 'target-version'];
const reinstallInputs = [...upgradeInputs, 'uninstall-first'];
const rollbackStartInputs = startInputs.filter((i) => i !== 'config-mode');

/**
 * The way back after an upgrade (docs/rollback.md): the database restored from the upgrade run's verified backup, and
 * the previous version reinstalled on both nodes, in the upgrade's own order. Preflight on the primary finds the backup
 * (output restore-plan), which the rollback gate shows; the rest reuses the upgrade's stages.
 */
export const ROLLBACK_PIPELINE: Pipeline = [
  GATE_CHECK,
  [
    stage('preflight', 'primary', {
      inputs: [
        ...rollbackPreflightInputs,
        'sql-server',
        'sql-database',
        'restore-backup-file',
        'backup-path',
      ],
      fixed: rollback,
      outputs: ['restore-plan'],
    }),
    stage('preflight', 'secondary', { inputs: rollbackPreflightInputs, fixed: rollback }),
  ],
  [
    gate(
      'approve-rollback',
      'approve rollback',
      'stopping JAMS to restore the database backup preflight (primary) names and reinstall the previous version',
      [{ job: 'preflight-primary', output: 'restore-plan' }],
    ),
  ],
  [stage('maintenance-on', 'primary', { job: 'maintenance-on', inputs: maintenanceInputs, fixed: rollback })],
  [stage('stop', 'primary', { inputs: stopInputs, fixed: rollback })],
  [stage('stop', 'secondary', { inputs: stopInputs, fixed: rollback })],
  [
    stage('restore', 'primary', {
      inputs: [...restoreInputs, 'sql-auth', 'sql-user', 'backup-timeout-seconds'],
      secrets: backupSecrets,
    }),
  ],
  [
    stage('reinstall', 'primary', {
      inputs: reinstallInputs,
      secrets: upgradeSecrets,
      outputs: upgradeOutputs,
    }),
  ],
  [
    stage('reinstall', 'secondary', {
      inputs: reinstallInputs,
      secrets: upgradeSecrets,
      outputs: upgradeOutputs,
      fromJobs: { 'primary-upgraded-version': { job: 'reinstall-primary', output: 'version-after' } },
    }),
  ],
  // The saved files belong to the version returned to: they go back whole.
  [stage('start', 'primary', { inputs: rollbackStartInputs, fixed: { 'config-mode': 'replace' } })],
  [stage('start', 'secondary', { inputs: rollbackStartInputs, fixed: { 'config-mode': 'replace' } })],
  [
    stage('verify', 'primary', { inputs: verifyInputs }),
    stage('verify', 'secondary', { inputs: verifyInputs }),
  ],
  [gate('approve-resume', 'approve resume', 'resuming jobs: the maintenance window closes')],
  [stage('maintenance-off', 'primary', { job: 'maintenance-off', inputs: maintenanceOffInputs })],
  [stage('report', null, { fixed: rollback, outputs: ['result'] })],
];

/**
 * The fleet (docs/fleet.md): jams-fleet.yml promotes one installer through rings, each ring one call of the upgrade
 * workflow followed by its soak; jams-status.yml reads every pair. Their jobs run these steps.
 */
const soakInputs = [
  'target-version',
  'maintenance-resource',
  'jams-server',
  'soak-minutes',
  'soak-max-failure-increase',
];
const fleetStep = (name: string, role: HostRole | null, options: Parameters<typeof stage>[2] = {}) =>
  stage(name, role, { ...options, gateChecked: false });

export const FLEET = {
  /** The first job of both fleet workflows: the rings checked (and their soak timers), one output per ring slot. */
  plan: fleetStep('fleet-plan', null, {
    job: 'plan',
    inputs: ['rings', 'soak-minutes'],
    outputs: ['environments'],
  }),
  /** The wait between a ring's upgrade and its soak: a job on the soak environment, whose wait timer holds it. */
  soakWait: { job: 'soak-wait', title: 'soak wait', environmentSuffix: '-soak' },
  /** The soak on both nodes of a ring, after the wait. */
  soak: (['primary', 'secondary'] as const).map((role) => fleetStep('soak', role, { inputs: soakInputs })),
  /** The read-only status of each node (jams-status.yml). */
  status: (['primary', 'secondary'] as const).map((role) =>
    fleetStep('status', role, { inputs: ['jams-server'] }),
  ),
  /** The last job: the report across the rings (or the fleet view, from status records). */
  report: fleetStep('fleet-report', null, { job: 'report', inputs: ['rings'], outputs: ['result'] }),
} as const;

export type PipelineName = 'upgrade' | 'rollback';

/** Each pipeline by the name the action's `pipeline` input gives it; the upgrade's in the order its inputs choose. */
export function pipelineFor(
  name: PipelineName,
  order: UpgradeOrder = 'vendor',
  resumeGate: ResumeGate = 'after-agents',
): Pipeline {
  return name === 'rollback' ? ROLLBACK_PIPELINE : upgradePipeline(order, resumeGate);
}

/** The jobs a step's job needs: every job of the group before it (the report needs every job, see the workflow). */
export function predecessors(job: string, pipeline: Pipeline = PIPELINE): string[] {
  const index = pipeline.findIndex((group) => group.some((s) => s.job === job));
  if (index < 0) throw new Error(`No pipeline step has the job '${job}'.`);
  const last = pipeline[pipeline.length - 1]?.some((s) => s.job === job);
  if (last)
    return pipeline
      .flat()
      .filter((s) => s.job !== job)
      .map((s) => s.job);
  return (pipeline[index - 1] ?? []).map((s) => s.job);
}

/**
 * A job's needs in the workflow: its predecessors, and the jobs whose outputs it reads (GitHub gives only a direct
 * need's outputs), such as upgrade-primary for the secondary's upgrade after the primary's start and verify.
 */
export function workflowNeeds(job: string, pipeline: Pipeline = PIPELINE): string[] {
  const step = pipeline.flat().find((s) => s.job === job);
  // A gate's job also warns when the gate check let an unprotected gate through.
  const reads =
    step?.kind === 'stage'
      ? Object.values(step.fromJobs).map((f) => f.job)
      : [GATE_CHECK_JOB, ...(step?.shows ?? []).map((f) => f.job)];
  return [...new Set([...predecessors(job, pipeline), ...reads])];
}

/**
 * The artifact a stage job uploads its run folder as: the stage and the role, and the run attempt, because
 * artifact names are unique within a run and a re-run must keep the failed attempt's logs. A scope (ring-2-) keeps
 * apart the rings of one fleet run, whose called workflows share the run's artifacts.
 */
export function artifactName(step: StageStep, attempt: string, scope = ''): string {
  return `${ARTIFACT_PREFIX}${scope}${step.stage}${step.role ? `-${step.role}` : ''}-attempt-${attempt}`;
}
