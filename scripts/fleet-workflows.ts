// Writes the fleet's reusable workflows (docs/fleet.md) from the fleet model (src/pipeline.ts FLEET): jams-fleet.yml
// promotes one installer through up to MAX_RINGS rings, one job per ring slot, each ring's call of the upgrade workflow
// needing the ring before it to have soaked healthy; jams-status.yml reads every pair. scripts/workflows.ts calls this.
import { Document } from 'yaml';
import { MAX_RINGS, STATUS_ARTIFACT_PREFIX } from '../src/fleet.js';
import {
  ACTION_REF,
  ARTIFACT_PREFIX,
  FLEET,
  SECRETS,
  artifactName,
  type StageStep,
} from '../src/pipeline.js';
import {
  GENERATED,
  expr,
  exposedInputs,
  folded,
  render,
  stageJob,
  workflowInput,
  wrap,
  type JobPlan,
  type JobTarget,
} from './workflow-jobs.js';

/** The upgrade workflow, as a fleet's ring calls it (ACTION_REF's repository and ref). */
const [ACTION_REPOSITORY, ACTION_VERSION] = ACTION_REF.split('@') as [string, string];
export const UPGRADE_WORKFLOW_REF = `${ACTION_REPOSITORY}/.github/workflows/jams-upgrade.yml@${ACTION_VERSION}`;

/** Inputs of the upgrade workflow the fleet sets per ring itself, never passes through. */
const PER_RING = [
  'environment',
  'hosts-environment',
  'primary-runner',
  'secondary-runner',
  'control-runner',
  'ring',
];

const RUNNER_TEMPLATE = (role: string) => ({
  description:
    `Runner labels of each pair's ${role} scheduler runner, as a JSON array in which {0} stands for the ` +
    "environment's name (format()), such as " +
    `["self-hosted", "windows", "jams-{0}-${role}"].`,
  type: 'string',
  required: true,
});

const CONTROL_RUNNER = {
  description:
    'Runner labels, as a JSON array, for the plan, the soak waits and the report (no JAMS host needed).',
  type: 'string',
  default: '["ubuntu-latest"]',
};

/** Both fleet workflows' runner inputs: a label template per node, and the control runner. */
function runnerInputs(): Record<string, unknown> {
  const inputs = {
    'primary-runner': RUNNER_TEMPLATE('primary'),
    'secondary-runner': RUNNER_TEMPLATE('secondary'),
    'control-runner': CONTROL_RUNNER,
  };
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => [name, { ...spec, description: folded(spec.description) }]),
  );
}

const LOG_RETENTION = {
  description: 'How long the run folders (records, logs, transcripts) are kept as artifacts.',
  type: 'number',
  default: 30,
};

const ringSlots = Array.from({ length: MAX_RINGS }, (_, i) => i + 1);
const ringOf = (n: number) => `needs.plan.outputs.ring-${n}`;
const soakJob = (n: number, step: StageStep) => `soak-${n}-${step.role}`;

/** The plan job: the rings checked, with one output per ring slot. */
const planStep: StageStep = {
  ...FLEET.plan,
  outputs: [...FLEET.plan.outputs, ...ringSlots.map((n) => `ring-${n}`)],
};

/** A ring's soak jobs: on that ring's runners and hosts environment, their artifacts in the ring's scope. */
function ringTarget(n: number): JobTarget {
  return {
    runner: (role) =>
      role ? `fromJSON(format(inputs.${role}-runner, ${ringOf(n)}))` : 'fromJSON(inputs.control-runner)',
    hostsEnvironment: expr(`format('{0}-hosts', ${ringOf(n)})`),
    artifact: (step) => artifactName(step, expr('github.run_attempt'), `ring-${n}-`),
  };
}

const CONTROL: JobTarget = {
  runner: () => 'fromJSON(inputs.control-runner)',
  hostsEnvironment: '',
  artifact: (step) => `jams-${step.stage}-attempt-${expr('github.run_attempt')}`,
  recordsPattern: `${ARTIFACT_PREFIX}ring-*`,
};

/** The secrets a ring's call passes on (a ring's hosts environment may hold its own, which then win). */
const SECRET_PASS = Object.fromEntries(Object.values(SECRETS).map((s) => [s, expr(`secrets.${s}`)]));
const SECRET_DECLARATIONS = Object.fromEntries(
  Object.values(SECRETS).map((s) => [
    s,
    {
      description: folded(
        `Passed to every ring's upgrade; a secret of the same name in a ring's hosts environment wins for that ring.`,
      ),
      required: false,
    },
  ]),
);

/** Each ring slot's jobs: the call of the upgrade workflow, the soak's wait, and the soak on both nodes. */
function ringJobs(n: number, passThrough: readonly string[]): [string, unknown][] {
  const ring = ringOf(n);
  const before = n === 1 ? [] : FLEET.soak.map((s) => soakJob(n - 1, s));
  const call = {
    name: `ring ${n}: ${expr(ring)}`,
    needs: ['plan', ...before],
    if: expr(`${ring} != ''`),
    uses: UPGRADE_WORKFLOW_REF,
    with: {
      environment: expr(ring),
      'primary-runner': expr(`format(inputs.primary-runner, ${ring})`),
      'secondary-runner': expr(`format(inputs.secondary-runner, ${ring})`),
      'control-runner': expr('inputs.control-runner'),
      ring: n,
      ...Object.fromEntries(passThrough.map((name) => [name, expr(`inputs.${name}`)])),
    },
    secrets: { ...SECRET_PASS },
  };
  const wait = {
    name: `ring ${n}: soak wait`,
    needs: ['plan', `ring-${n}`],
    // A dry run changed nothing, so there is nothing to soak: the soak checks run at once.
    if: expr(`${ring} != '' && !inputs.dry-run`),
    'runs-on': expr('fromJSON(inputs.control-runner)'),
    // The soak environment's wait timer holds this job, with no runner, for soak-minutes (docs/fleet.md).
    environment: expr(`format('{0}${FLEET.soakWait.environmentSuffix}', ${ring})`),
    'timeout-minutes': 5,
    steps: [
      {
        name: 'the wait timer has run',
        shell: 'bash',
        env: { RING: expr(ring), SOAK_MINUTES: expr('inputs.soak-minutes') },
        run:
          '{\n  echo "### Soak wait over: $RING"\n  echo ""\n  echo "The soak environment\'s wait timer has run; ' +
          'the soak now checks that $RING has run $SOAK_MINUTES minute(s) since its window reopened."\n' +
          '} | tee -a "$GITHUB_STEP_SUMMARY"\n',
      },
    ],
  };
  const soaks = FLEET.soak.map((step): [string, unknown] => {
    const plan: JobPlan = {
      step,
      needs: ['plan', `ring-${n}`, `soak-wait-${n}`],
      // After the wait, or at once in a dry run (the wait skipped); never after a failed or rejected ring.
      if: `!cancelled() && !failure() && ${ring} != ''`,
    };
    const job = stageJob({ ...step, job: soakJob(n, step) }, plan, false, ringTarget(n)) as { name: string };
    return [soakJob(n, step), { ...job, name: `ring ${n}: ${step.title}` }];
  });
  return [[`ring-${n}`, call], [`soak-wait-${n}`, wait], ...soaks];
}

/** The inputs of the upgrade workflow a fleet passes through to every ring, as that workflow declares them. */
function passThroughInputs(upgradeInputs: Record<string, Record<string, unknown>>) {
  return Object.entries(upgradeInputs).filter(([name]) => !PER_RING.includes(name));
}

function fleetWorkflow(upgradeInputs: Record<string, Record<string, unknown>>): Document {
  const passed = passThroughInputs(upgradeInputs);
  const names = passed.map(([name]) => name);
  const inputs: Record<string, unknown> = {
    rings: workflowInput('rings', true),
    ...runnerInputs(),
  };
  for (const name of exposedInputs(FLEET.soak).filter((n) => !names.includes(n)))
    inputs[name] = workflowInput(name, false);
  for (const [name, spec] of passed)
    inputs[name] = { ...spec, description: folded(String(spec['description'] ?? '')) };
  const ringJobList = ringSlots.flatMap((n) => ringJobs(n, names));
  const report = stageJob(
    FLEET.report,
    { step: FLEET.report, needs: ['plan', ...ringJobList.map(([job]) => job)], if: 'always()' },
    true,
    CONTROL,
  );
  const doc = new Document({
    name: 'jams-fleet',
    on: {
      workflow_call: {
        inputs,
        secrets: SECRET_DECLARATIONS,
        outputs: {
          result: {
            description:
              "The promotion's result (succeeded, stopped or incomplete), as the fleet report read it.",
            value: expr('jobs.report.outputs.result'),
          },
        },
      },
    },
    // One promotion at a time; each ring's call also holds its environment's group (jams-upgrade-<environment>).
    concurrency: { group: 'jams-fleet', 'cancel-in-progress': false },
    permissions: { contents: 'read', actions: 'read' },
    jobs: Object.fromEntries([
      ['plan', readingEnvironments(stageJob(planStep, { step: planStep, needs: [] }, false, CONTROL))],
      ...ringJobList,
      ['report', report],
    ]),
  });
  doc.commentBefore = wrap(
    `${GENERATED} One JAMS installer promoted through rings (docs/fleet.md): each ring is one call of ` +
      "jams-upgrade.yml, then the soak environment's wait timer, then the soak on both nodes; the next ring needs " +
      'both soak jobs, so a failed, rejected or unhealthy ring stops the promotion. Callers copy upgrade-fleet.yml.',
  );
  return doc;
}

function statusWorkflow(): Document {
  const jobs: [string, unknown][] = [
    ['plan', readOnly(stageJob(planStep, { step: planStep, needs: [] }, false, CONTROL), 5)],
  ];
  for (const step of FLEET.status) {
    const target: JobTarget = {
      runner: (role) => `fromJSON(format(inputs.${role}-runner, matrix.environment))`,
      hostsEnvironment: expr("format('{0}-hosts', matrix.environment)"),
      artifact: (s) =>
        `${STATUS_ARTIFACT_PREFIX}${expr('matrix.environment')}-${s.role}-attempt-${expr('github.run_attempt')}`,
    };
    const job = readOnly(stageJob(step, { step, needs: ['plan'] }, false, target), 15);
    jobs.push([
      step.job,
      {
        name: `status (${step.role}) of ${expr('matrix.environment')}`,
        needs: ['plan'],
        // One pair that cannot be read must not hide the others.
        strategy: {
          'fail-fast': false,
          matrix: { environment: expr('fromJSON(needs.plan.outputs.environments)') },
        },
        ...Object.fromEntries(Object.entries(job).filter(([k]) => k !== 'name' && k !== 'needs')),
      },
    ]);
  }
  const report = stageJob(
    FLEET.report,
    { step: FLEET.report, needs: ['plan', ...FLEET.status.map((s) => s.job)], if: 'always()' },
    true,
    { ...CONTROL, recordsPattern: `${STATUS_ARTIFACT_PREFIX}*` },
  );
  jobs.push(['report', readOnly(report, 15)]);
  const inputs: Record<string, unknown> = {
    environments: {
      description: folded(
        'The GitHub environments of the JAMS pairs to read, comma-separated or one per line, such as ' +
          'jams-dev, jams-test, jams-prod (at most 6); each pair runs its jobs in <environment>-hosts.',
      ),
      type: 'string',
      required: true,
    },
    ...runnerInputs(),
  };
  for (const name of exposedInputs(FLEET.status).filter((n) => n !== 'dry-run'))
    inputs[name] = workflowInput(name, false);
  inputs['log-retention-days'] = LOG_RETENTION;
  const doc = new Document({
    name: 'jams-status',
    on: { workflow_call: { inputs } },
    permissions: { contents: 'read', actions: 'read' },
    jobs: Object.fromEntries(jobs),
  });
  doc.commentBefore = wrap(
    `${GENERATED} The fleet view (docs/fleet.md): every listed pair's versions, roles, agents and last upgrade, read ` +
      'on both nodes, then one table and one picture. It changes nothing and has no gate. Callers copy status-jams.yml.',
  );
  return doc;
}

/** The fleet's plan: it reads each ring's soak environment (its wait timer) with the run's token, before ring 1. */
function readingEnvironments(job: unknown): Record<string, unknown> {
  const j = job as Record<string, unknown> & { steps: { id?: string; with?: Record<string, unknown> }[] };
  const stage = j.steps.find((s) => s.id === 'stage');
  if (stage?.with) stage.with['github-token'] = expr('github.token');
  return { ...j, 'timeout-minutes': 5, permissions: { actions: 'read', contents: 'read' } };
}

/**
 * A status workflow's job: it only reads, so it has no dry-run input (always false) and no job-timeout-minutes; its
 * input environments is what the plan and the report read as their rings.
 */
function readOnly(job: unknown, minutes: number): Record<string, unknown> {
  const j = job as Record<string, unknown> & { steps: { id?: string; with?: Record<string, unknown> }[] };
  for (const step of j.steps) {
    if (step.id !== 'stage' || !step.with) continue;
    if ('rings' in step.with) step.with['rings'] = expr('inputs.environments');
    // The fleet view has no soak: its plan reads no soak environment.
    if ('soak-minutes' in step.with) step.with['soak-minutes'] = '0';
    step.with['dry-run'] = 'false';
  }
  return { ...j, 'timeout-minutes': minutes };
}

/** jams-fleet.yml and jams-status.yml, from the upgrade workflow's inputs (passed through to every ring). */
export async function renderFleetWorkflows(
  upgradeInputs: Record<string, Record<string, unknown>>,
): Promise<Record<string, string>> {
  return {
    '.github/workflows/jams-fleet.yml': await render(fleetWorkflow(upgradeInputs)),
    '.github/workflows/jams-status.yml': await render(statusWorkflow()),
  };
}
