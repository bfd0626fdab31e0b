// The pieces every generated workflow is built of (scripts/workflows.ts writes the pair's workflows,
// scripts/fleet-workflows.ts the fleet's): an action input as a workflow input, a stage's job, and the text around.
import { readFileSync } from 'node:fs';
import { format } from 'prettier';
import { Document, Scalar, parse } from 'yaml';
import {
  ACTION_REF,
  ARTIFACT_PREFIX,
  ENVIRONMENT_INPUTS,
  GATE_CHECK_JOB,
  SECRETS,
  TRUSTED_INPUTS,
  artifactName,
  variableFor,
  type StageStep,
  type Step,
} from '../src/pipeline.js';

export interface ActionInput {
  description: string;
  default?: string;
}

export const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, ActionInput> };

/** Action inputs a job fills itself, never from a workflow input of the same name. */
export const FILLED_BY_JOB: Readonly<Record<string, string>> = {
  'gate-environment': '${{ inputs.environment }}',
  'github-token': '${{ github.token }}',
};

export const expr = (text: string) => `\${{ ${text} }}`;
export const HOSTS_ENVIRONMENT = "${{ inputs.hosts-environment || format('{0}-hosts', inputs.environment) }}";
export const RUN_FOLDER = '${{ runner.temp }}/jams-upgrade';
export const RECORDS_FOLDER = '${{ runner.temp }}/jams-upgrade-records';

/** Where a stage's job runs and what it names its artifact: the pair's workflow's inputs, or a ring's or node's. */
export interface JobTarget {
  /** The runs-on expression's inside for a role (null: the control runner). */
  runner: (role: StageStep['role']) => string;
  /** The environment a work job reads its variables and secrets from. */
  hostsEnvironment: string;
  /** The artifact a job keeps its run folder as. */
  artifact: (step: StageStep) => string;
  /** What a report job downloads (only a target with a report job has one). */
  recordsPattern?: string;
}

/** The upgrade workflow's own jobs: its artifacts carry the ring it is in a fleet (1 when it runs alone). */
export const PAIR_TARGET: JobTarget = {
  runner: (role) => `fromJSON(inputs.${role ? `${role}-runner` : 'control-runner'})`,
  hostsEnvironment: HOSTS_ENVIRONMENT,
  artifact: (step) => artifactName(step, expr('github.run_attempt')),
  recordsPattern: `${ARTIFACT_PREFIX}*`,
};

export const GENERATED =
  'Written by `npm run workflows` from src/pipeline.ts and action.yml: change those and run it, never this file.';

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The workflow input an action input becomes: the action's description and default, typed as the caller writes it. */
export function workflowInput(name: string, required: boolean): Record<string, unknown> {
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
export function folded(text: string): string | Scalar {
  if (text.length <= 90) return text;
  const scalar = new Scalar(text);
  scalar.type = Scalar.BLOCK_FOLDED;
  return scalar;
}

export function typed(description: string | Scalar, name: string, fallback: string, required: boolean) {
  if (required) return { description, type: 'string', required: true };
  if (ENVIRONMENT_INPUTS.includes(name)) return { description, type: 'string', default: '' };
  if (fallback === 'true' || fallback === 'false')
    return { description, type: 'boolean', default: fallback === 'true' };
  if (/^\d+$/.test(fallback)) return { description, type: 'number', default: Number(fallback) };
  return { description, type: 'string', default: fallback };
}

/** The value a job gives an action input. */
export function valueOf(name: string): string {
  if (name in FILLED_BY_JOB) return FILLED_BY_JOB[name] as string;
  if (ENVIRONMENT_INPUTS.includes(name)) return expr(`inputs.${name} || vars.${variableFor(name)}`);
  return expr(`inputs.${name}`);
}

/** The action inputs a workflow exposes: every input its stages read that no job fills and no variable alone sets. */
export function exposedInputs(steps: readonly StageStep[]): string[] {
  const read = new Set(['dry-run', ...steps.flatMap((s) => s.inputs)]);
  return Object.keys(action.inputs).filter(
    (name) => read.has(name) && !(name in FILLED_BY_JOB) && !(name in TRUSTED_INPUTS),
  );
}

export interface JobPlan {
  step: Step;
  needs: string[];
  if?: string;
}

export const uploadStep = (step: StageStep, target: JobTarget) => ({
  name: 'keep the run folder as an artifact',
  if: expr('always()'),
  uses: 'actions/upload-artifact@v6',
  with: {
    name: target.artifact(step),
    path: RUN_FOLDER,
    'retention-days': expr('inputs.log-retention-days'),
    'if-no-files-found': 'warn',
  },
});

export function stageJob(
  step: StageStep,
  plan: JobPlan,
  isReport: boolean,
  target: JobTarget = PAIR_TARGET,
): Record<string, unknown> {
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

  const stageStep = {
    id: 'stage',
    ...(isReport ? { if: expr('always()') } : {}),
    uses: ACTION_REF,
    with: withInputs,
  };
  if (isReport && !target.recordsPattern)
    throw new Error(`The report job ${step.job} has no records to download.`);
  const download = {
    // With the token and the run's id, the download reads the artifacts of every attempt, not only this one's.
    name: 'download the stage records of every attempt',
    uses: 'actions/download-artifact@v7',
    with: {
      pattern: target.recordsPattern,
      path: RECORDS_FOLDER,
      'github-token': expr('github.token'),
      'run-id': expr('github.run_id'),
    },
  };
  return {
    name: step.title,
    ...(plan.needs.length ? { needs: plan.needs } : {}),
    ...(plan.if ? { if: expr(plan.if) } : {}),
    'runs-on': expr(target.runner(step.role)),
    // The work jobs and the gate check read the hosts environment's secrets and variables; the report needs none.
    ...(isReport || (!step.role && !isGateCheck) ? {} : { environment: target.hostsEnvironment }),
    'timeout-minutes': isReport ? 15 : isGateCheck ? 5 : expr('inputs.job-timeout-minutes'),
    ...(isReport || isGateCheck ? { permissions: { actions: 'read', contents: 'read' } } : {}),
    ...(step.outputs.length
      ? { outputs: Object.fromEntries(step.outputs.map((o) => [o, expr(`steps.stage.outputs.${o}`)])) }
      : {}),
    steps: [...(isReport ? [download] : []), stageStep, uploadStep(step, target)],
  };
}

/** A comment's text in lines of at most 110 characters (each starts with a space after the #). */
export function wrap(text: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= 108) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines.map((l) => ` ${l}`).join('\n');
}

export function secretDescription(secret: string): string {
  const input = Object.entries(SECRET_INPUTS).find(([, s]) => s === secret)?.[0];
  return oneLine(action.inputs[input ?? '']?.description ?? secret);
}

/** Action inputs fed from each secret. */
export const SECRET_INPUTS: Readonly<Record<string, string>> = {
  'scheduler-password': SECRETS.scheduler,
  'server-password': SECRETS.server,
  'sql-password': SECRETS.sql,
};

/** A workflow document as `npm run workflows` writes it: YAML, then prettier. */
export async function render(doc: Document): Promise<string> {
  const text = doc.toString({ lineWidth: 110, minContentWidth: 60 });
  return format(text, { parser: 'yaml', singleQuote: true, printWidth: 110 });
}
