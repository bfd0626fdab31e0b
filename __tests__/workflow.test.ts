import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  ACTION_REF,
  ARTIFACT_PREFIX,
  ENVIRONMENT_INPUTS,
  PIPELINE,
  STEPS,
  artifactName,
  predecessors,
  variableFor,
  type StageStep,
} from '../src/pipeline.js';
import { STAGE_NAMES } from '../src/stages/names.js';

// The reusable workflow must follow src/pipeline.ts: this is what keeps the two from drifting apart.

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  environment?: string | { name: string };
  'timeout-minutes'?: unknown;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: WorkflowStep[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string>;
}
interface Workflow {
  on: Record<
    string,
    { inputs?: Record<string, { type?: string; required?: boolean; default?: unknown }> } & Record<
      string,
      unknown
    >
  >;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface ActionYml {
  inputs: Record<string, { description: string }>;
  outputs: Record<string, { description: string }>;
}

const read = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const workflowText = readFileSync('.github/workflows/jams-upgrade.yml', 'utf8');
const workflow = read<Workflow>('.github/workflows/jams-upgrade.yml');
const caller = read<Workflow>('.github/workflows/upgrade-jams.yml');
const action = read<ActionYml>('action.yml');
const call = workflow.on['workflow_call'] as {
  inputs: Record<string, { required?: boolean }>;
  secrets: Record<string, unknown>;
  outputs: Record<string, { value: string }>;
};
const jobs = workflow.jobs;
const stageSteps = STEPS.filter((s): s is StageStep => s.kind === 'stage');
const gateJobs = STEPS.filter((s) => s.kind === 'gate').map((s) => s.job);

const PROTECTED = '${{ inputs.environment }}';
const HOSTS = "${{ inputs.hosts-environment || format('{0}-hosts', inputs.environment) }}";
const RUN_FOLDER = '${{ runner.temp }}/jams-upgrade';

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat()).sort();
const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'object' ? job.environment.name : job.environment;
const actionStep = (job: Job): WorkflowStep | undefined => job.steps?.find((s) => s.uses === ACTION_REF);
const jobOf = (step: { job: string }): Job => {
  const job = jobs[step.job];
  if (!job) throw new Error(`The workflow has no job '${step.job}'.`);
  return job;
};
/** Every string in a value, however deeply nested. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(strings)
      : [];
const groupOf = (job: string): number => PIPELINE.findIndex((g) => g.some((s) => s.job === job));

describe('the pipeline (src/pipeline.ts) keeps the procedure safe', () => {
  test('each job appears once; the report is last and alone', () => {
    expect(new Set(STEPS.map((s) => s.job)).size).toBe(STEPS.length);
    expect(PIPELINE[PIPELINE.length - 1]).toEqual([expect.objectContaining({ job: 'report', role: null })]);
  });

  test('the primary goes first for stop, upgrade and start; both hosts together for preflight, backup, verify', () => {
    for (const stage of ['stop', 'upgrade', 'start']) {
      expect(groupOf(`${stage}-primary`)).toBeLessThan(groupOf(`${stage}-secondary`));
    }
    for (const stage of ['preflight', 'backup', 'verify']) {
      expect(groupOf(`${stage}-primary`)).toBe(groupOf(`${stage}-secondary`));
    }
  });

  test('the downtime gate comes before the first change, the resume gate before the window closes', () => {
    const order = [
      'preflight-primary',
      'approve-downtime',
      'maintenance-on',
      'backup-primary',
      'stop-primary',
    ];
    expect(order.map(groupOf)).toEqual([...order.map(groupOf)].sort((a, b) => a - b));
    expect(groupOf('verify-primary')).toBeLessThan(groupOf('approve-resume'));
    expect(groupOf('approve-resume')).toBeLessThan(groupOf('maintenance-off'));
  });
});

describe('.github/workflows/jams-upgrade.yml follows the pipeline', () => {
  test('it has exactly the pipeline jobs', () => {
    expect(Object.keys(jobs).sort()).toEqual(STEPS.map((s) => s.job).sort());
  });

  test.each(STEPS.map((s) => [s.job, s] as const))(
    '%s needs its predecessors, no more, no less',
    (job, step) => {
      expect(needsOf(jobOf(step))).toEqual(predecessors(job).sort());
      expect(jobOf(step).name).toBe(step.title);
    },
  );

  test('the report runs whatever happened before it', () => {
    expect(jobs['report']?.if).toBe('${{ always() }}');
  });

  test.each(stageSteps.map((s) => [s.job, s] as const))(
    '%s runs its stage and role on the right runner',
    (_job, step) => {
      const job = jobOf(step);
      const uses = actionStep(job);
      expect(uses?.with?.['stage']).toBe(step.stage);
      expect(uses?.with?.['role']).toBe(step.role ?? undefined);
      expect(job['runs-on']).toBe(`\${{ fromJSON(inputs.${step.role ?? 'control'}-runner) }}`);
    },
  );

  test('every stage the workflow runs is a stage of the action (STAGE_NAMES and action.yml)', () => {
    const used = [...new Set(stageSteps.map((s) => s.stage))];
    const description = action.inputs['stage']?.description ?? '';
    expect(used.filter((s) => !(STAGE_NAMES as readonly string[]).includes(s))).toEqual([]);
    expect(used.filter((s) => !new RegExp(`(^|[\\s,(])${s}([\\s,.)]|$)`).test(description))).toEqual([]);
    const roles = [...new Set(stageSteps.map((s) => s.role).filter((r) => r !== null))];
    expect(roles.filter((r) => !action.inputs['role']?.description.includes(r))).toEqual([]);
  });

  test.each(stageSteps.map((s) => [s.job, s] as const))(
    '%s passes exactly the inputs, secrets and outputs the pipeline names',
    (_job, step) => {
      const expected: Record<string, unknown> = {
        stage: step.stage,
        ...(step.role ? { role: step.role } : {}),
        'dry-run': '${{ inputs.dry-run }}',
        'run-folder': RUN_FOLDER,
      };
      for (const input of step.inputs) {
        expected[input] = ENVIRONMENT_INPUTS.includes(input)
          ? `\${{ inputs.${input} || vars.${variableFor(input)} }}`
          : `\${{ inputs.${input} }}`;
      }
      for (const [input, secret] of Object.entries(step.secrets))
        expected[input] = `\${{ secrets.${secret} }}`;
      for (const [input, from] of Object.entries(step.fromJobs)) {
        expected[input] = `\${{ needs.${from.job}.outputs.${from.output} }}`;
      }
      if (step.role === null) {
        expected['records-folder'] = '${{ runner.temp }}/jams-upgrade-records';
        expected['github-token'] = '${{ github.token }}';
      }
      expect(actionStep(jobOf(step))?.with).toEqual(expected);
      const outputs = Object.fromEntries(step.outputs.map((o) => [o, `\${{ steps.stage.outputs.${o} }}`]));
      expect(jobOf(step).outputs ?? {}).toEqual(
        step.role === null ? { result: '${{ steps.stage.outputs.result }}' } : outputs,
      );
    },
  );

  test('every input the jobs give the action is an input of action.yml', () => {
    const given = new Set(stageSteps.flatMap((s) => Object.keys(actionStep(jobOf(s))?.with ?? {})));
    expect([...given].filter((name) => !(name in action.inputs)).sort()).toEqual([]);
  });

  test('every needs.<job>.outputs.<name> is a direct need of its job and an output that job defines', () => {
    const problems: string[] = [];
    for (const [id, job] of Object.entries(jobs)) {
      for (const text of strings(job)) {
        for (const [, from = '', output = ''] of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (!needsOf(job).includes(from)) problems.push(`${id}: ${from} is not in its needs`);
          const value = jobs[from]?.outputs?.[output];
          if (!value) problems.push(`${id}: ${from} has no output ${output}`);
          const step = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(value ?? '');
          if (!step || !jobs[from]?.steps?.some((s) => s.id === step[1])) {
            problems.push(`${id}: ${from}.outputs.${output} is not a step output of ${from}`);
          } else if (!((step[2] ?? '') in action.outputs)) {
            problems.push(`${id}: ${step[2]} is not an output of action.yml`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(stageSteps.some((s) => Object.keys(s.fromJobs).length > 0)).toBe(true);
  });

  test('the workflow outputs come from job outputs that exist', () => {
    for (const [name, output] of Object.entries(call.outputs)) {
      const m = /^\$\{\{ jobs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(output.value);
      expect({ name, defined: Boolean(m && jobs[m[1] ?? '']?.outputs?.[m[2] ?? '']) }).toEqual({
        name,
        defined: true,
      });
    }
  });

  test('every inputs.* and secrets.* it reads is declared, and every declared input is used', () => {
    const used = (kind: string) =>
      new Set([...workflowText.matchAll(new RegExp(`\\b${kind}\\.([\\w-]+)`, 'g'))].map((m) => m[1] ?? ''));
    const inputs = used('inputs');
    expect([...inputs].filter((i) => !(i in call.inputs))).toEqual([]);
    expect(Object.keys(call.inputs).filter((i) => !inputs.has(i))).toEqual([]);
    expect([...used('secrets')].filter((s) => !(s in call.secrets))).toEqual([]);
  });

  test('only the two gates use the protected environment; the work jobs use the hosts environment', () => {
    const protectedJobs = Object.entries(jobs)
      .filter(([, job]) => environmentOf(job) === PROTECTED)
      .map(([id]) => id);
    expect(protectedJobs.sort()).toEqual([...gateJobs].sort());
    expect(gateJobs).toHaveLength(2);
    for (const step of stageSteps) {
      expect(environmentOf(jobOf(step))).toBe(step.role ? HOSTS : undefined);
    }
    for (const job of gateJobs) expect(jobs[job]?.steps?.every((s) => !s.uses)).toBe(true);
  });

  test.each(stageSteps.map((s) => [s.job, s] as const))(
    '%s uploads its run folder with if: always() and the retention input',
    (_job, step) => {
      const steps = jobOf(step).steps ?? [];
      const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
      expect(upload).toBeGreaterThan(steps.findIndex((s) => s.uses === ACTION_REF));
      expect(steps[upload]?.if).toMatch(/^(\$\{\{ )?always\(\)( \}\})?$/);
      expect(steps[upload]?.with).toMatchObject({
        name: artifactName(step, '${{ github.run_attempt }}'),
        path: actionStep(jobOf(step))?.with?.['run-folder'],
        'retention-days': '${{ inputs.log-retention-days }}',
      });
    },
  );

  test('the report downloads every stage artifact into its records folder', () => {
    const steps = jobs['report']?.steps ?? [];
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toEqual({
      pattern: `${ARTIFACT_PREFIX}*`,
      path: actionStep(jobs['report'] ?? {})?.with?.['records-folder'],
    });
    expect(stageSteps.every((s) => artifactName(s, '1').startsWith(ARTIFACT_PREFIX))).toBe(true);
  });

  test('every job has a timeout', () => {
    expect(Object.entries(jobs).filter(([, job]) => job['timeout-minutes'] === undefined)).toEqual([]);
  });

  test('one upgrade per environment, never cancelled, with read-only permissions', () => {
    expect(workflow.concurrency).toEqual({
      group: 'jams-upgrade-${{ inputs.environment }}',
      'cancel-in-progress': false,
    });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const elevated = Object.entries(jobs).filter(([, job]) => job.permissions);
    expect(elevated).toEqual([
      ['report', expect.objectContaining({ permissions: { actions: 'read', contents: 'read' } })],
    ]);
  });

  test('every action it uses is this action at ACTION_REF or an actions/* action', () => {
    const uses = Object.values(jobs).flatMap((job) =>
      (job.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses.filter((u) => u !== ACTION_REF && !u.startsWith('actions/'))).toEqual([]);
  });
});

describe('.github/workflows/upgrade-jams.yml, the example caller', () => {
  const dispatch = caller.on['workflow_dispatch'] as { inputs: Record<string, { type: string }> };
  const [job] = Object.values(caller.jobs);

  test('is dispatched by hand with an environment input', () => {
    expect(dispatch.inputs['environment']?.type).toBe('environment');
  });

  test('calls the reusable workflow with declared inputs and secrets, and every required input', () => {
    expect(job?.uses).toMatch(/^[\w.-]+\/jams-upgrade\/\.github\/workflows\/jams-upgrade\.yml@\S+$/);
    const given = Object.keys(job?.with ?? {});
    expect(given.filter((i) => !(i in call.inputs))).toEqual([]);
    const required = Object.entries(call.inputs)
      .filter(([, i]) => i.required)
      .map(([name]) => name);
    expect(required.filter((i) => !given.includes(i))).toEqual([]);
    expect(Object.keys(job?.secrets ?? {}).sort()).toEqual(Object.keys(call.secrets).sort());
  });

  test('grants what the report needs to read the approvals', () => {
    expect(caller.permissions).toEqual({ contents: 'read', actions: 'read' });
  });
});
