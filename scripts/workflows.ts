// Writes the reusable workflows from the pipeline model (src/pipeline.ts) and action.yml: the pair's upgrade and
// rollback here, the fleet's (scripts/fleet-workflows.ts) beside them. `npm run workflows` writes them, `npm run workflows -- --check` fails when the committed ones differ (.ci/run runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { Document } from 'yaml';
import {
  GATE_CHECK_JOB,
  ROLLBACK_PIPELINE,
  SECRETS,
  UPGRADE_GRAPHS,
  artifactName,
  workflowNeeds,
  type GateStep,
  type Pipeline,
  type Step,
} from '../src/pipeline.js';
import { ringArtifactPrefix } from '../src/fleet.js';
import { renderFleetWorkflows } from './fleet-workflows.js';
import {
  GENERATED,
  PAIR_TARGET,
  action,
  expr,
  exposedInputs,
  folded,
  render,
  secretDescription,
  stageJob,
  workflowInput,
  wrap,
  type JobPlan,
  type JobTarget,
} from './workflow-jobs.js';

/** The workflow's own inputs: where the pair's jobs run and how long they may take and be kept. */
const WORKFLOW_INPUTS = {
  before: {
    environment: {
      description:
        'The protected environment of this JAMS pair: its required reviewers approve the gates, and it names the ' +
        'concurrency group the upgrade and the rollback share.',
      type: 'string',
      required: true,
    },
    'hosts-environment': {
      description:
        "The unprotected companion environment the work jobs use for the pair's secrets and variables (the trust " +
        'roots among them). Empty means <environment>-hosts.',
      type: 'string',
      default: '',
    },
    'primary-runner': {
      description: "Runner labels of the primary scheduler's self-hosted runner, as a JSON array.",
      type: 'string',
      required: true,
    },
    'secondary-runner': {
      description: "Runner labels of the secondary scheduler's self-hosted runner, as a JSON array.",
      type: 'string',
      required: true,
    },
    'control-runner': {
      description:
        'Runner labels, as a JSON array, for the gate check, the approval gates and the report (no JAMS host needed).',
      type: 'string',
      default: '["ubuntu-latest"]',
    },
  },
  after: {
    'job-timeout-minutes': {
      description: 'Upper bound of each work job; keep it above the drain and install timeouts.',
      type: 'number',
      default: 120,
    },
    'log-retention-days': {
      description:
        'How long the run folders (records, logs, transcripts, config diffs) are kept as artifacts.',
      type: 'number',
      default: 30,
    },
  },
} as const;

/** The upgrade workflow's artifact scope: its ring in a fleet run. */
const RING_SCOPE = `ring-${expr('inputs.ring')}-`;

/** One reusable workflow: its graphs (by the inputs that choose them), and what only it says. */
interface WorkflowSpec {
  file: string;
  name: string;
  header: string;
  graphs: readonly { when: Readonly<Record<string, string>>; pipeline: Pipeline }[];
  /** Workflow inputs the caller must give. */
  required: readonly string[];
  /** Where its jobs run and how their artifacts are named. */
  target: JobTarget;
  /** Inputs of its own, after the pair's (before) ones. */
  own?: Readonly<Record<string, { description: string; type: string; default: unknown }>>;
}

const SPECS: readonly WorkflowSpec[] = [
  {
    file: '.github/workflows/jams-upgrade.yml',
    name: 'jams-upgrade',
    header:
      'The JAMS primary/failover upgrade as one workflow run, in the order of the vendor procedure or the opt-in ' +
      'order resume-after-primary (each graph has its own jobs, chosen by the inputs order and resume-gate). ' +
      'Callers copy upgrade-jams.yml; the setup (runners, the two environments, secrets) is in docs/setup.md.',
    graphs: UPGRADE_GRAPHS.map((g) => ({
      when: { order: g.order, 'resume-gate': g.resumeGate },
      pipeline: g.pipeline,
    })),
    required: ['installer-path', 'installer-sha256', 'target-version'],
    target: {
      ...PAIR_TARGET,
      artifact: (step) => artifactName(step, expr('github.run_attempt'), RING_SCOPE),
      recordsPattern: `${ringArtifactPrefix(expr('inputs.ring'))}*`,
    },
    own: {
      ring: {
        description:
          "This pair's ring in a fleet promotion (jams-fleet.yml sets it; 1 when the pair is upgraded alone). Its " +
          'artifacts are named jams-upgrade-ring-<ring>-..., so the rings of one fleet run keep theirs apart.',
        type: 'number',
        default: 1,
      },
    },
  },
  {
    file: '.github/workflows/jams-rollback.yml',
    name: 'jams-rollback',
    header:
      "The way back after a JAMS upgrade, as one workflow run (docs/rollback.md): the database restored from the upgrade run's " +
      'verified backup and the previous version reinstalled on both hosts. Callers copy rollback-jams.yml; the ' +
      "runners, the two environments and the secrets are the upgrade's (docs/setup.md).",
    graphs: [{ when: {}, pipeline: ROLLBACK_PIPELINE }],
    required: ['installer-path', 'installer-sha256', 'target-version'],
    target: PAIR_TARGET,
  },
];

type When = Readonly<Record<string, string>>;

/**
 * The condition that a run is on one of these graphs, input by input (order, then resume-gate among the graphs of
 * that order). The default value reads "none of the others", as the action reads an empty input as its default.
 */
function onGraphs(all: readonly When[], these: readonly When[], keys: readonly string[]): string {
  const [key, ...rest] = keys;
  if (key === undefined || these.length === all.length) return '';
  const values = [...new Set(all.map((w) => w[key] as string))];
  const parts = [...new Set(these.map((w) => w[key] as string))].map((value) => {
    const others = values.filter((v) => v !== value);
    const here =
      others.length === 0
        ? []
        : action.inputs[key]?.default === value
          ? others.map((v) => `inputs.${key} != '${v}'`)
          : [`inputs.${key} == '${value}'`];
    const deeper = onGraphs(
      all.filter((w) => w[key] === value),
      these.filter((w) => w[key] === value),
      rest,
    );
    return [...here, ...(deeper ? [deeper.includes('||') ? `(${deeper})` : deeper] : [])].join(' && ');
  });
  return orOf(parts.filter(Boolean));
}

/**
 * Every job of a workflow, once, with its needs and its `if:`: a job on every graph runs whenever its needs
 * succeeded; a job on some graphs runs only on them; a job whose needs differ between its graphs checks on each
 * graph the needs it has there (a need from another graph is skipped, which would skip it by default).
 */
function planJobs(spec: WorkflowSpec): JobPlan[] {
  const byJob = new Map<string, { step: Step; on: { when: Record<string, string>; needs: string[] }[] }>();
  for (const graph of spec.graphs) {
    for (const step of graph.pipeline.flat()) {
      const entry = byJob.get(step.job) ?? { step, on: [] };
      if (entry.step !== step) throw new Error(`Two steps share the job '${step.job}'.`);
      entry.on.push({ when: { ...graph.when }, needs: workflowNeeds(step.job, graph.pipeline) });
      byJob.set(step.job, entry);
    }
  }
  // The last job (the report) needs every other job, and comes last.
  const last = (spec.graphs[0]?.pipeline.at(-1) ?? [])[0]?.job;
  const all = spec.graphs.map((g) => g.when);
  const keys = Object.keys(all[0] ?? {});
  const jobs = [...byJob.values()].filter(({ step }) => step.job !== last);
  const plans = jobs.map(({ step, on }): JobPlan => {
    const needs = [...new Set(on.flatMap((g) => g.needs))];
    if (on.every((g) => g.needs.length === needs.length)) {
      const condition = onGraphs(
        all,
        on.map((g) => g.when),
        keys,
      );
      return { step, needs, ...(condition ? { if: condition } : {}) };
    }
    const clauses = on.map((g) =>
      [onGraphs(all, [g.when], keys), ...g.needs.map((n) => `needs.${n}.result == 'success'`)]
        .filter(Boolean)
        .join(' && '),
    );
    return { step, needs, if: `!cancelled() && (${orOf(clauses)})` };
  });
  const report = last === undefined ? undefined : byJob.get(last);
  if (!report) return plans;
  return [...plans, { step: report.step, needs: jobs.map(({ step }) => step.job), if: 'always()' }];
}

const orOf = (clauses: readonly string[]) =>
  clauses.length === 1 ? (clauses[0] as string) : clauses.map((c) => `(${c})`).join(' || ');

/** What a gate's job writes once approved: what was approved, the outputs it shows, and an unprotected gate. */
const SHOWN: Readonly<Record<string, { env: Record<string, string>; lines: string[] }>> = {
  'order-plan': { env: { ORDER_PLAN: '' }, lines: ['echo "$ORDER_PLAN"'] },
  'agent-hosts': {
    env: { AGENT_HOSTS: '' },
    lines: ['echo "The agents stage reaches these hosts:"', 'echo ""', 'echo "${AGENT_HOSTS:-none}"'],
  },
  'restore-plan': {
    env: {
      FILE: 'file',
      TAKEN_AT: 'takenAt',
      BACKUP_TOOK: 'backupTook',
      SIZE: 'size',
      SHA256: 'sha256',
      DATABASE: 'database',
    },
    lines: [
      'echo "| | |"',
      'echo "| --- | --- |"',
      'echo "| File | $FILE |"',
      'echo "| Taken at | $TAKEN_AT |"',
      'echo "| The backup took | $BACKUP_TOOK |"',
      'echo "| Size | $SIZE |"',
      'echo "| SHA-256 | $SHA256 |"',
      'echo "| Database | $DATABASE |"',
      'echo ""',
      'echo "Everything JAMS recorded after $TAKEN_AT is lost with the restore."',
    ],
  },
};

function gateJob(step: GateStep, plan: JobPlan): Record<string, unknown> {
  const env: Record<string, string> = {
    GATE_PROTECTION: expr(`needs.${GATE_CHECK_JOB}.outputs.gate-protection`),
  };
  const lines = [
    `echo "### Approved: ${step.approves}"`,
    'echo ""',
    `echo "The reviewers of the protected environment approved ${step.approves}."`,
    'if [ "$GATE_PROTECTION" = unprotected ]; then',
    '  echo ""',
    '  echo "> [!WARNING]"',
    '  echo "> This gate is not protected (allow-unprotected-gates): no reviewer had to approve. Lab repositories only."',
    'fi',
  ];
  for (const shown of step.shows) {
    const how = SHOWN[shown.output];
    if (!how)
      throw new Error(`The gate ${step.job} shows '${shown.output}', which the workflow cannot write.`);
    const output = `needs.${shown.job}.outputs.${shown.output}`;
    for (const [name, field] of Object.entries(how.env))
      env[name] = expr(field ? `fromJSON(${output}).${field}` : output);
    lines.push('echo ""', ...how.lines);
  }
  return {
    name: step.title,
    needs: plan.needs,
    ...(plan.if ? { if: expr(plan.if) } : {}),
    'runs-on': expr('fromJSON(inputs.control-runner)'),
    // The protected environment: its required reviewers approve before this job starts.
    environment: expr('inputs.environment'),
    'timeout-minutes': 5,
    steps: [
      {
        name: 'approved',
        shell: 'bash',
        env,
        run: `{\n${lines.map((l) => `  ${l}`).join('\n')}\n} | tee -a "$GITHUB_STEP_SUMMARY"\n`,
      },
    ],
  };
}

function workflow(spec: WorkflowSpec): Document {
  const plans = planJobs(spec);
  const stages = plans.flatMap((p) => (p.step.kind === 'stage' ? [p.step] : []));
  const inputs: Record<string, unknown> = Object.fromEntries(
    Object.entries({ ...WORKFLOW_INPUTS.before }).map(([k, v]) => [
      k,
      { ...v, description: folded(v.description) },
    ]),
  );
  for (const [k, v] of Object.entries(spec.own ?? {}))
    inputs[k] = { ...v, description: folded(v.description) };
  for (const name of exposedInputs(stages)) inputs[name] = workflowInput(name, spec.required.includes(name));
  for (const [k, v] of Object.entries(WORKFLOW_INPUTS.after))
    inputs[k] = { ...v, description: folded(v.description) };
  const secrets = Object.fromEntries(
    Object.values(SECRETS)
      .filter((secret) => stages.some((s) => Object.values(s.secrets).includes(secret)))
      .map((secret) => [secret, { description: folded(secretDescription(secret)), required: false }]),
  );
  const report = plans.at(-1)?.step.job ?? 'report';
  const doc = new Document({
    name: spec.name,
    on: {
      workflow_call: {
        inputs,
        secrets,
        outputs: {
          result: {
            description:
              "The run's result as the report read it from the records (succeeded, failed or incomplete).",
            value: expr(`jobs.${report}.outputs.result`),
          },
        },
      },
    },
    concurrency: { group: `jams-upgrade-${expr('inputs.environment')}`, 'cancel-in-progress': false },
    permissions: { contents: 'read' },
    jobs: Object.fromEntries(
      plans.map((p) => [
        p.step.job,
        p.step.kind === 'gate' ? gateJob(p.step, p) : stageJob(p.step, p, p.step.job === report, spec.target),
      ]),
    ),
  });
  doc.commentBefore = wrap(`${GENERATED} ${spec.header}`);
  const concurrency = doc.contents && 'items' in doc.contents ? doc.contents.items : [];
  for (const pair of concurrency) {
    const key = (pair as { key: { value?: unknown; commentBefore?: string } }).key;
    if (key.value === 'concurrency')
      key.commentBefore = wrap(
        'One run per environment at a time, upgrade or rollback; a newer run waits and never cancels a running one. ' +
          'GitHub keeps one waiting run per group: a later dispatch, even a dry run, cancels the one waiting (docs/setup.md).',
      );
  }
  return doc;
}

/** Each generated workflow's text, as `npm run workflows` writes it: the pair's two and the fleet's two. */
export async function renderWorkflows(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let upgradeInputs: Record<string, Record<string, unknown>> = {};
  for (const spec of SPECS) {
    const doc = workflow(spec);
    out[spec.file] = await render(doc);
    if (spec.name === 'jams-upgrade')
      upgradeInputs = (doc.toJS() as { on: { workflow_call: { inputs: typeof upgradeInputs } } }).on
        .workflow_call.inputs;
  }
  return { ...out, ...(await renderFleetWorkflows(upgradeInputs)) };
}

if (process.argv[1]?.endsWith('workflows.ts')) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of Object.entries(await renderWorkflows())) {
    const current = (() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    })();
    if (current === text) continue;
    if (check) {
      stale += 1;
      console.error(`${file} is stale: run 'npm run workflows' and commit it.`);
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
  if (check && !stale) console.log('workflows: all four match the pipeline model');
  process.exitCode = stale ? 1 : 0;
}
