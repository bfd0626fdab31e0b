// Writes the two reusable workflows from the pipeline model (src/pipeline.ts) and action.yml: `npm run workflows`
// writes them, `npm run workflows -- --check` fails when the committed ones differ (.ci/run runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { Document, Scalar, parse } from 'yaml';
import {
  ACTION_REF,
  ARTIFACT_PREFIX,
  ENVIRONMENT_INPUTS,
  GATE_CHECK_JOB,
  ROLLBACK_PIPELINE,
  SECRETS,
  TRUSTED_INPUTS,
  UPGRADE_GRAPHS,
  artifactName,
  variableFor,
  workflowNeeds,
  type GateStep,
  type Pipeline,
  type StageStep,
  type Step,
} from '../src/pipeline.js';

interface ActionInput {
  description: string;
  default?: string;
}

const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, ActionInput> };

/** Action inputs a job fills itself, never from a workflow input of the same name. */
const FILLED_BY_JOB: Readonly<Record<string, string>> = {
  'gate-environment': '${{ inputs.environment }}',
  'github-token': '${{ github.token }}',
};

const HOSTS_ENVIRONMENT = "${{ inputs.hosts-environment || format('{0}-hosts', inputs.environment) }}";
const RUN_FOLDER = '${{ runner.temp }}/jams-upgrade';
const RECORDS_FOLDER = '${{ runner.temp }}/jams-upgrade-records';

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

/** One reusable workflow: its graphs (by the inputs that choose them), and what only it says. */
interface WorkflowSpec {
  file: string;
  name: string;
  header: string;
  graphs: readonly { when: Readonly<Record<string, string>>; pipeline: Pipeline }[];
  /** Workflow inputs the caller must give. */
  required: readonly string[];
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
  },
];

const GENERATED =
  'Written by `npm run workflows` from src/pipeline.ts and action.yml: change those and run it, never this file.';

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const expr = (text: string) => `\${{ ${text} }}`;

/** The workflow input an action input becomes: the action's description and default, typed as the caller writes it. */
function workflowInput(name: string, required: boolean): Record<string, unknown> {
  const input = action.inputs[name];
  if (!input) throw new Error(`The pipeline passes '${name}', which action.yml does not declare.`);
  const fallback = input.default ?? '';
  let description = oneLine(input.description);
  if (ENVIRONMENT_INPUTS.includes(name)) {
    description += ` Left empty here, the hosts environment's variable ${variableFor(name)} gives it; with both empty, ${
      fallback ? `the action's default (${fallback})` : 'the action does as above for empty'
    }.`;
  }
  return typed(folded(description), name, fallback, required);
}

/** A long description as a folded block (>-), as people write them. */
function folded(text: string): string | Scalar {
  if (text.length <= 90) return text;
  const scalar = new Scalar(text);
  scalar.type = Scalar.BLOCK_FOLDED;
  return scalar;
}

function typed(description: string | Scalar, name: string, fallback: string, required: boolean) {
  if (required) return { description, type: 'string', required: true };
  if (ENVIRONMENT_INPUTS.includes(name)) return { description, type: 'string', default: '' };
  if (fallback === 'true' || fallback === 'false')
    return { description, type: 'boolean', default: fallback === 'true' };
  if (/^\d+$/.test(fallback)) return { description, type: 'number', default: Number(fallback) };
  return { description, type: 'string', default: fallback };
}

/** The value a job gives an action input. */
function valueOf(name: string): string {
  if (name in FILLED_BY_JOB) return FILLED_BY_JOB[name] as string;
  if (ENVIRONMENT_INPUTS.includes(name)) return expr(`inputs.${name} || vars.${variableFor(name)}`);
  return expr(`inputs.${name}`);
}

/** The action inputs a workflow exposes: every input its stages read that no job fills and no variable alone sets. */
function exposedInputs(steps: readonly StageStep[]): string[] {
  const read = new Set(['dry-run', ...steps.flatMap((s) => s.inputs)]);
  return Object.keys(action.inputs).filter(
    (name) => read.has(name) && !(name in FILLED_BY_JOB) && !(name in TRUSTED_INPUTS),
  );
}

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

interface JobPlan {
  step: Step;
  needs: string[];
  if?: string;
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

const uploadStep = (step: StageStep) => ({
  name: 'keep the run folder as an artifact',
  if: expr('always()'),
  uses: 'actions/upload-artifact@v6',
  with: {
    name: artifactName(step, expr('github.run_attempt')),
    path: RUN_FOLDER,
    'retention-days': expr('inputs.log-retention-days'),
    'if-no-files-found': 'warn',
  },
});

function stageJob(step: StageStep, plan: JobPlan, isReport: boolean): Record<string, unknown> {
  const isGateCheck = step.job === GATE_CHECK_JOB;
  const withInputs: Record<string, string> = {
    stage: step.stage,
    ...(step.role ? { role: step.role } : {}),
    'dry-run': expr('inputs.dry-run'),
    'run-folder': RUN_FOLDER,
  };
  for (const name of step.inputs) withInputs[name] = valueOf(name);
  for (const name of step.trusted) withInputs[name] = expr(`vars.${variableFor(name)}`);
  for (const [name, secret] of Object.entries(step.secrets)) withInputs[name] = expr(`secrets.${secret}`);
  for (const [name, from] of Object.entries(step.fromJobs))
    withInputs[name] = expr(`needs.${from.job}.outputs.${from.output}`);
  Object.assign(withInputs, step.fixed);
  if (isReport) {
    withInputs['records-folder'] = RECORDS_FOLDER;
    withInputs['github-token'] = FILLED_BY_JOB['github-token'] as string;
  }
  if (isGateCheck) withInputs['github-token'] = FILLED_BY_JOB['github-token'] as string;

  const runner = step.role ? `${step.role}-runner` : 'control-runner';
  const stageStep = {
    id: 'stage',
    ...(isReport ? { if: expr('always()') } : {}),
    uses: ACTION_REF,
    with: withInputs,
  };
  const download = {
    // With the token and the run's id, the download reads the artifacts of every attempt, not only this one's.
    name: 'download the stage records of every attempt',
    uses: 'actions/download-artifact@v7',
    with: {
      pattern: `${ARTIFACT_PREFIX}*`,
      path: RECORDS_FOLDER,
      'github-token': expr('github.token'),
      'run-id': expr('github.run_id'),
    },
  };
  return {
    name: step.title,
    ...(plan.needs.length ? { needs: plan.needs } : {}),
    ...(plan.if ? { if: expr(plan.if) } : {}),
    'runs-on': expr(`fromJSON(inputs.${runner})`),
    // The work jobs and the gate check read the hosts environment's secrets and variables; the report needs none.
    ...(isReport ? {} : { environment: HOSTS_ENVIRONMENT }),
    'timeout-minutes': isReport ? 15 : isGateCheck ? 5 : expr('inputs.job-timeout-minutes'),
    ...(isReport || isGateCheck ? { permissions: { actions: 'read', contents: 'read' } } : {}),
    ...(step.outputs.length
      ? { outputs: Object.fromEntries(step.outputs.map((o) => [o, expr(`steps.stage.outputs.${o}`)])) }
      : {}),
    steps: [...(isReport ? [download] : []), stageStep, uploadStep(step)],
  };
}

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
        p.step.kind === 'gate' ? gateJob(p.step, p) : stageJob(p.step, p, p.step.job === report),
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

/** A comment's text in lines of at most 110 characters (each starts with a space after the #). */
function wrap(text: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= 108) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines.map((l) => ` ${l}`).join('\n');
}

function secretDescription(secret: string): string {
  const input = Object.entries(SECRET_INPUTS).find(([, s]) => s === secret)?.[0];
  return oneLine(action.inputs[input ?? '']?.description ?? secret);
}

/** Action inputs fed from each secret. */
const SECRET_INPUTS: Readonly<Record<string, string>> = {
  'scheduler-password': SECRETS.scheduler,
  'server-password': SECRETS.server,
  'sql-password': SECRETS.sql,
};

/** Each reusable workflow's text, as `npm run workflows` writes it. */
export async function renderWorkflows(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const spec of SPECS) {
    const text = workflow(spec).toString({ lineWidth: 110, minContentWidth: 60 });
    out[spec.file] = await format(text, { parser: 'yaml', singleQuote: true, printWidth: 110 });
  }
  return out;
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
  if (check && !stale) console.log('workflows: both match the pipeline model');
  process.exitCode = stale ? 1 : 0;
}
