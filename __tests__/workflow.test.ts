import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ACTION_REF,
  ARTIFACT_PREFIX,
  ENVIRONMENT_INPUTS,
  GATE_CHECK_JOB,
  PIPELINE,
  RESUME_AFTER_PRIMARY_PIPELINES,
  ROLLBACK_PIPELINE,
  TRUSTED_INPUTS,
  UPGRADE_GRAPHS,
  artifactName,
  variableFor,
  workflowNeeds,
  type Pipeline,
  type Step,
  type StageStep,
} from '../src/pipeline.js';
import { simulate } from './helpers/workflow-run.js';
import { renderWorkflows } from '../scripts/workflows.js';
import { STAGE_NAMES } from '../src/stages/names.js';
import { describeRestore } from '../src/tasks/restore-plan.js';

// The reusable workflows must follow src/pipeline.ts: this is what keeps them from drifting apart.

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
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
  strategy?: { matrix?: Record<string, unknown[]> };
  env?: Record<string, string>;
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
  runs: { using: string };
  branding?: { icon?: string; color?: string };
}

const read = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const action = read<ActionYml>('action.yml');
type WorkflowCall = {
  inputs: Record<string, { required?: boolean }>;
  secrets: Record<string, unknown>;
  outputs: Record<string, { value: string }>;
};

/** Each reusable workflow, its example caller, and the pipelines (graphs) it must follow: the upgrade has one per order. */
const WORKFLOWS: readonly (readonly [string, string, readonly Pipeline[]])[] = [
  [
    '.github/workflows/jams-upgrade.yml',
    '.github/workflows/upgrade-jams.yml',
    UPGRADE_GRAPHS.map((g) => g.pipeline),
  ],
  ['.github/workflows/jams-rollback.yml', '.github/workflows/rollback-jams.yml', [ROLLBACK_PIPELINE]],
];
/** The fleet's reusable workflows (__tests__/fleet-workflow.test.ts), written by the same command. */
const FLEET_WORKFLOWS = ['.github/workflows/jams-fleet.yml', '.github/workflows/jams-status.yml'];
/** A workflow's artifact scope: the upgrade's carries its ring in a fleet run (jams-upgrade-ring-<ring>-...). */
const scopeOf = (file: string) => (file.endsWith('jams-upgrade.yml') ? 'ring-${{ inputs.ring }}-' : '');
/** Every graph of every workflow, named, for the tests that hold for each. */
const GRAPHS: readonly (readonly [string, Pipeline])[] = [
  ...UPGRADE_GRAPHS.map(
    (g) => [`upgrade, order ${g.order}, resume-gate ${g.resumeGate}`, g.pipeline] as const,
  ),
  ['rollback', ROLLBACK_PIPELINE],
];

const PROTECTED = '${{ inputs.environment }}';
/** Every job after the gate check reads its verdict, to warn when it let an unprotected gate through. */
const GATE_VERDICT = { 'gate-protection': { job: GATE_CHECK_JOB, output: 'gate-protection' } };
const HOSTS = "${{ inputs.hosts-environment || format('{0}-hosts', inputs.environment) }}";
const RUN_FOLDER = '${{ runner.temp }}/jams-upgrade';

const jobOf = (jobs: Record<string, Job>, id: string): Job => {
  const job = jobs[id];
  if (!job) throw new Error(`No job '${id}'.`);
  return job;
};
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat()).sort();
const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'object' ? job.environment.name : job.environment;
const actionStep = (job: Job): WorkflowStep | undefined => job.steps?.find((s) => s.uses === ACTION_REF);
/** Every string in a value, however deeply nested. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(strings)
      : [];
const inPipeline =
  (pipeline: readonly (readonly Step[])[]) =>
  (job: string): number =>
    pipeline.findIndex((g) => g.some((s) => s.job === job));
const groupOf = inPipeline(PIPELINE);
/** Each job in a group of its own, in this order (a name missing from the pipeline would be -1). */
const inOwnGroupsInOrder = (group: (job: string) => number, jobs: readonly string[]): boolean => {
  const groups = jobs.map(group);
  return groups.every((g, i) => g >= 0 && (i === 0 || (groups[i - 1] ?? -1) < g));
};

test.each(GRAPHS)('the pipeline (%s) has each job once, and the report last and alone', (_file, pipeline) => {
  const steps = pipeline.flat();
  expect(new Set(steps.map((s) => s.job)).size).toBe(steps.length);
  expect(pipeline[pipeline.length - 1]).toEqual([expect.objectContaining({ job: 'report', role: null })]);
});

describe('the workflows are written from the pipeline model (npm run workflows)', () => {
  test('both reusable workflows are exactly what the model and action.yml write, byte for byte', async () => {
    const written = await renderWorkflows();
    expect(Object.keys(written).sort()).toEqual(
      [...WORKFLOWS.map(([file]) => file), ...FLEET_WORKFLOWS].sort(),
    );
    for (const [file, text] of Object.entries(written))
      expect({ file, text }).toEqual({ file, text: readFileSync(file, 'utf8') });
  });

  test.each(WORKFLOWS.map(([file, , pipelines]) => [file, pipelines] as const))(
    "%s: every action input a stage reads can be set by the caller, with the action's own description and default",
    (file, pipelines) => {
      const inputs = (read<Workflow>(file).on['workflow_call']?.inputs ?? {}) as Record<
        string,
        { description?: string; default?: unknown; required?: boolean }
      >;
      const read_ = new Set(
        pipelines.flatMap((p) => p.flat().flatMap((s) => (s.kind === 'stage' ? s.inputs : []))),
      );
      const setByJob = ['gate-environment'];
      const missing = [...read_].filter((name) => !(name in inputs) && !setByJob.includes(name));
      expect(missing).toEqual([]);
      for (const name of [...read_].filter((n) => n in inputs)) {
        const ours = action.inputs[name] as { description: string; default?: string };
        const theirs = inputs[name];
        expect({
          name,
          description: theirs?.description
            ?.replace(/\s+/g, ' ')
            .trim()
            .startsWith(ours.description.replace(/\s+/g, ' ').trim()),
        }).toEqual({ name, description: true });
        if (theirs?.required || ENVIRONMENT_INPUTS.includes(name)) continue;
        expect({ name, default: String(theirs?.default) }).toEqual({ name, default: ours.default ?? '' });
      }
    },
  );

  test('the inputs the docs name as settable reach the workflows: installer arguments, service names, drain and backup timeouts', async () => {
    const upgrade = read<Workflow>('.github/workflows/jams-upgrade.yml').on['workflow_call']?.inputs ?? {};
    for (const name of [
      'installer-arguments',
      'scheduler-service',
      'server-service',
      'executor-service',
      'on-drain-timeout',
      'backup-timeout-seconds',
    ])
      expect({ name, exposed: name in upgrade }).toEqual({ name, exposed: true });
    // verify, stop and the maintenance jobs know where JAMS is installed; only the primary's backup gets the SQL password.
    const jobs = read<Workflow>('.github/workflows/jams-upgrade.yml').jobs;
    for (const job of ['verify-primary', 'stop-secondary', 'maintenance-on', 'maintenance-off'])
      expect(actionStep(jobOf(jobs, job))?.with?.['install-folder']).toBeDefined();
    expect(actionStep(jobOf(jobs, 'backup-primary'))?.with?.['sql-password']).toBe(
      '${{ secrets.JAMS_SQL_PASSWORD }}',
    );
    expect(actionStep(jobOf(jobs, 'backup-secondary'))?.with?.['sql-password']).toBeUndefined();
  });
});

describe('the pipeline (src/pipeline.ts) keeps the procedure safe', () => {
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

describe("order: resume-after-primary (src/pipeline.ts) gives the primary back before the secondary's install", () => {
  test.each(Object.entries(RESUME_AFTER_PRIMARY_PIPELINES))(
    'resume-gate %s: stop both, upgrade the primary, start and verify it, then the secondary, then the agents',
    (gate, pipeline) => {
      const group = inPipeline(pipeline);
      const order = [
        'stop-primary',
        'stop-secondary',
        'upgrade-primary',
        'start-primary-rap',
        'verify-primary-rap',
        'upgrade-secondary-rap',
        'start-secondary-rap',
        'verify-secondary-rap',
        'agents-rap',
      ];
      expect(inOwnGroupsInOrder(group, order)).toBe(true);
      const [resume, off] =
        gate === 'after-primary'
          ? ['approve-resume-after-primary', 'maintenance-off-after-primary']
          : ['approve-resume-rap', 'maintenance-off-rap'];
      expect(group(resume)).toBeLessThan(group(off));
      if (gate === 'after-primary') {
        expect(group('verify-primary-rap')).toBeLessThan(group(resume));
        expect(group(off)).toBeLessThan(group('upgrade-secondary-rap'));
      } else {
        expect(group('agents-rap')).toBeLessThan(group(resume));
      }
      const secondary = pipeline.flat().find((s) => s.job === 'upgrade-secondary-rap');
      expect(secondary?.kind === 'stage' && secondary.fromJobs).toEqual({
        ...GATE_VERDICT,
        'primary-upgraded-version': { job: 'upgrade-primary', output: 'version-after' },
      });
      expect(workflowNeeds('upgrade-secondary-rap', pipeline)).toContain('upgrade-primary');
    },
  );

  test("both orders share the jobs up to the primary's upgrade, and the vendor's graph is unchanged", () => {
    const prefix = (p: Pipeline) => p.slice(0, inPipeline(p)('upgrade-primary') + 1);
    for (const { pipeline } of UPGRADE_GRAPHS) expect(prefix(pipeline)).toEqual(prefix(PIPELINE));
    expect(groupOf('upgrade-secondary')).toBeLessThan(groupOf('start-primary'));
  });
});

describe('the rollback pipeline (src/pipeline.ts) keeps the way back safe', () => {
  const group = inPipeline(ROLLBACK_PIPELINE);
  const steps = ROLLBACK_PIPELINE.flat();
  const step = (job: string) => steps.find((s): s is StageStep => s.job === job && s.kind === 'stage');

  test('the rollback gate comes before the first change; the restore after both stops and before any reinstall', () => {
    const order = [
      'preflight-primary',
      'approve-rollback',
      'maintenance-on',
      'stop-primary',
      'stop-secondary',
    ];
    expect(inOwnGroupsInOrder(group, order)).toBe(true);
    expect(group('stop-secondary')).toBeLessThan(group('restore-primary'));
    expect(group('restore-primary')).toBeLessThan(group('reinstall-primary'));
    expect(steps.some((s) => s.kind === 'stage' && s.stage === 'restore' && s.role !== 'primary')).toBe(
      false,
    );
  });

  test('the primary goes first for stop, reinstall and start; verify on both together; resume before the window closes', () => {
    for (const stage of ['stop', 'reinstall', 'start']) {
      expect(group(`${stage}-primary`)).toBeLessThan(group(`${stage}-secondary`));
    }
    expect(group('verify-primary')).toBe(group('verify-secondary'));
    expect(group('verify-primary')).toBeLessThan(group('approve-resume'));
    expect(group('approve-resume')).toBeLessThan(group('maintenance-off'));
    expect(step('reinstall-secondary')?.fromJobs).toEqual({
      ...GATE_VERDICT,
      'primary-upgraded-version': { job: 'reinstall-primary', output: 'version-after' },
    });
  });

  test('it reuses the upgrade stages, runs preflight, maintenance-on, stop and the report as the rollback, and puts the config back whole', () => {
    expect([...new Set(steps.flatMap((s) => (s.kind === 'stage' ? [s.stage] : [])))].sort()).toEqual([
      'gates',
      'maintenance-off',
      'maintenance-on',
      'preflight',
      'reinstall',
      'report',
      'restore',
      'start',
      'stop',
      'verify',
    ]);
    for (const job of [
      'preflight-primary',
      'preflight-secondary',
      'maintenance-on',
      'stop-primary',
      'stop-secondary',
      'report',
    ]) {
      expect(step(job)?.fixed).toEqual({ pipeline: 'rollback' });
    }
    expect(step('start-primary')?.fixed).toEqual({ 'config-mode': 'replace' });
    expect(step('start-secondary')?.fixed).toEqual({ 'config-mode': 'replace' });
    expect(step('preflight-primary')?.outputs).toEqual(['restore-plan']);
  });
});

describe('.github/workflows/jams-upgrade.yml, the downtime gate', () => {
  test('shows the order and the hosts the agents stage will reach, from preflight (primary)', () => {
    const upgradeSteps = PIPELINE.flat().filter((s): s is StageStep => s.kind === 'stage');
    expect(upgradeSteps.find((s) => s.job === 'preflight-primary')?.outputs).toEqual([
      'agent-hosts',
      'order-plan',
    ]);
    const gate = read<Workflow>('.github/workflows/jams-upgrade.yml').jobs['approve-downtime'];
    const shown = gate?.steps?.find((s) => s.env?.['AGENT_HOSTS']);
    expect(shown?.env).toEqual({
      ORDER_PLAN: '${{ needs.preflight-primary.outputs.order-plan }}',
      AGENT_HOSTS: '${{ needs.preflight-primary.outputs.agent-hosts }}',
      GATE_PROTECTION: '${{ needs.check-gates.outputs.gate-protection }}',
    });
    expect(shown?.run).toContain('echo "${AGENT_HOSTS:-none}"');
    expect(shown?.run).toContain('echo "$ORDER_PLAN"');
    expect(shown?.run).toContain('tee -a "$GITHUB_STEP_SUMMARY"');
  });
});

describe('.github/workflows/jams-rollback.yml, the rollback gate', () => {
  const gate = read<Workflow>('.github/workflows/jams-rollback.yml').jobs['approve-rollback'];
  const [step] = gate?.steps ?? [];
  const PLAN = 'needs.preflight-primary.outputs.restore-plan';

  test("shows the backup it restores from preflight (primary)'s restore-plan: file, time taken, size, SHA-256, database", () => {
    const shown = describeRestore({
      source: {
        server: 'SQL01',
        database: 'JAMS',
        file: '\\\\FILES\\backup\\JAMS_run-1.bak',
        size: 2048,
        sha256: 'AB'.repeat(32),
        takenAt: '2026-11-25T02:00:00.000Z',
        backupMs: 61_000,
        backupRunKey: 'run-1',
        explicit: false,
      },
      target: { server: 'SQL01', database: 'JAMS', auth: 'windows', timeoutSeconds: 60, source: 'inputs' },
      foundIn: 'the backup record',
      upgrade: null,
    });
    const fields = Object.values(step?.env ?? {})
      .filter((v) => v.includes(PLAN))
      .map((v) => new RegExp(`^\\$\\{\\{ fromJSON\\(${PLAN}\\)\\.(\\w+) \\}\\}$`).exec(v)?.[1]);
    expect(fields).toEqual(['file', 'takenAt', 'backupTook', 'size', 'sha256', 'database']);
    expect(fields.every((f) => f !== undefined && f in shown)).toBe(true);
    expect(shown).toMatchObject({
      backupTook: '61.0 s',
      size: '2048 bytes',
      database: 'JAMS on SQL01',
    });
    const planned = Object.entries(step?.env ?? {}).filter(([, v]) => v.includes(PLAN));
    for (const [name] of planned) expect(step?.run).toContain(`$${name} |`);
    expect(step?.run).toContain('tee -a "$GITHUB_STEP_SUMMARY"');
  });
});

describe.each(WORKFLOWS)('%s follows the pipeline', (file, callerFile, pipelines) => {
  const workflowText = readFileSync(file, 'utf8');
  const workflow = read<Workflow>(file);
  const call = workflow.on['workflow_call'] as WorkflowCall;
  const jobs = workflow.jobs;
  // Every job of every graph, once: a job two graphs share is the same step in both.
  const STEPS = [...new Map(pipelines.flatMap((p) => p.flat()).map((s) => [s.job, s])).values()];
  const stageSteps = STEPS.filter((s): s is StageStep => s.kind === 'stage');
  const gateJobs = STEPS.filter((s) => s.kind === 'gate').map((s) => s.job);
  /** A job's needs: what it needs in each graph that has it. */
  const expectedNeeds = (job: string) =>
    [
      ...new Set(
        pipelines.filter((p) => p.flat().some((s) => s.job === job)).flatMap((p) => workflowNeeds(job, p)),
      ),
    ].sort();
  const jobOf = (step: { job: string }): Job => {
    const job = jobs[step.job];
    if (!job) throw new Error(`${file} has no job '${step.job}'.`);
    return job;
  };

  test('it has exactly the pipeline jobs', () => {
    expect(Object.keys(jobs).sort()).toEqual(STEPS.map((s) => s.job).sort());
  });

  test.each(STEPS.map((s) => [s.job, s] as const))(
    '%s needs its predecessors in every graph that has it, no more, no less',
    (job, step) => {
      expect(needsOf(jobOf(step))).toEqual(expectedNeeds(job));
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
        ...step.fixed,
      };
      for (const input of step.inputs) {
        expected[input] = ENVIRONMENT_INPUTS.includes(input)
          ? `\${{ inputs.${input} || vars.${variableFor(input)} }}`
          : `\${{ inputs.${input} }}`;
      }
      // Trust roots come from the hosts environment's variables alone, never from a workflow input.
      for (const input of step.trusted) expected[input] = `\${{ vars.${variableFor(input)} }}`;
      for (const [input, secret] of Object.entries(step.secrets))
        expected[input] = `\${{ secrets.${secret} }}`;
      for (const [input, from] of Object.entries(step.fromJobs)) {
        expected[input] = `\${{ needs.${from.job}.outputs.${from.output} }}`;
      }
      // The jobs on no JAMS host read GitHub: the gate check its environment, the report the run and its records.
      if (step.role === null) expected['github-token'] = '${{ github.token }}';
      if (step.stage === 'report') expected['records-folder'] = '${{ runner.temp }}/jams-upgrade-records';
      if (step.stage === 'gates') expected['gate-environment'] = '${{ inputs.environment }}';
      expect(actionStep(jobOf(step))?.with).toEqual(expected);
      const outputs = Object.fromEntries(step.outputs.map((o) => [o, `\${{ steps.stage.outputs.${o} }}`]));
      expect(jobOf(step).outputs ?? {}).toEqual(outputs);
    },
  );

  test('the trust roots are no workflow input, and every job reading what one bounds passes it', () => {
    expect(Object.keys(TRUSTED_INPUTS).filter((t) => t in call.inputs)).toEqual([]);
    expect(workflowText).not.toMatch(/inputs\.(file-share-root|agent-hosts-allowed|agent-msi-signer)\b/);
    for (const step of stageSteps) {
      if (
        step.inputs.some((i) =>
          ['installer-path', 'client-installer-path', 'restore-backup-file'].includes(i),
        )
      ) {
        expect({ job: step.job, trusted: step.trusted }).toEqual({
          job: step.job,
          trusted: expect.arrayContaining(['file-share-root']),
        });
      }
    }
  });

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
    for (const pipeline of pipelines)
      expect(pipeline.flat().filter((s) => s.kind === 'gate')).toHaveLength(2);
    // The gate check reads the hosts environment's variable JAMS_ALLOW_UNPROTECTED_GATES; the report needs none.
    for (const step of stageSteps) {
      expect(environmentOf(jobOf(step))).toBe(step.stage === 'report' ? undefined : HOSTS);
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
        name: artifactName(step, '${{ github.run_attempt }}', scopeOf(file)),
        path: actionStep(jobOf(step))?.with?.['run-folder'],
        'retention-days': '${{ inputs.log-retention-days }}',
      });
    },
  );

  test("the report downloads every stage artifact of every attempt (the token and the run's id) into its records folder, and reports whatever the download did", () => {
    const steps = jobs['report']?.steps ?? [];
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toEqual({
      // Its own attempts' and no other ring's: the rings of a fleet run share the run's artifacts.
      pattern: `${ARTIFACT_PREFIX}${scopeOf(file)}*`,
      path: actionStep(jobs['report'] ?? {})?.with?.['records-folder'],
      'github-token': '${{ github.token }}',
      'run-id': '${{ github.run_id }}',
    });
    // A failed download is not hidden (no continue-on-error): the job fails, and the report still runs.
    expect(download?.['continue-on-error']).toBeUndefined();
    expect(actionStep(jobs['report'] ?? {})?.if).toBe('${{ always() }}');
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
      [GATE_CHECK_JOB, expect.objectContaining({ permissions: { actions: 'read', contents: 'read' } })],
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

describe('.github/workflows/jams-upgrade.yml runs the graph its order and resume gate choose', () => {
  const jobs = read<Workflow>('.github/workflows/jams-upgrade.yml').jobs;
  const ran = (results: Record<string, string>) =>
    Object.keys(results)
      .filter((job) => results[job] !== 'skipped')
      .sort();
  const graphs = UPGRADE_GRAPHS.map((g) => [g.order, g.resumeGate, g.pipeline] as const);

  test.each(graphs)(
    'order %s, resume-gate %s: exactly its jobs run, each once the jobs before it in that graph succeeded',
    (order, resumeGate, pipeline) => {
      const results = simulate(jobs, { order, 'resume-gate': resumeGate });
      expect(ran(results)).toEqual(
        pipeline
          .flat()
          .map((s) => s.job)
          .sort(),
      );
      const group = inPipeline(pipeline);
      for (const step of pipeline.flat()) {
        // It waits for its predecessors in this graph; any other need that ran is an earlier job of the graph.
        const ranNeeds = needsOf(jobOf(jobs, step.job)).filter((n) => results[n] === 'success');
        const missing = workflowNeeds(step.job, pipeline).filter((n) => !ranNeeds.includes(n));
        const later = ranNeeds.filter((n) => group(n) >= group(step.job));
        expect({ job: step.job, missing, later }).toEqual({ job: step.job, missing: [], later: [] });
      }
    },
  );

  test.each(graphs)(
    'order %s, resume-gate %s: a failed job lets its own group finish, skips every later job, and the report runs',
    (order, resumeGate, pipeline) => {
      const group = inPipeline(pipeline);
      for (const step of pipeline.flat().filter((s) => s.job !== 'report')) {
        const results = simulate(jobs, { order, 'resume-gate': resumeGate }, new Set([step.job]));
        const expected = pipeline
          .flat()
          .filter((s) => group(s.job) <= group(step.job) || s.job === 'report')
          .map((s) => s.job)
          .sort();
        expect({ failed: step.job, ran: ran(results) }).toEqual({ failed: step.job, ran: expected });
        expect(results['report']).toBe('success');
      }
    },
  );
});

describe.each(WORKFLOWS.map(([file, caller]) => [caller, file] as const))(
  '%s, the example caller',
  (callerFile, file) => {
    const caller = read<Workflow>(callerFile);
    const call = read<Workflow>(file).on['workflow_call'] as WorkflowCall;
    const dispatch = caller.on['workflow_dispatch'] as {
      inputs: Record<string, { type: string; options?: string[] }>;
    };
    const [job] = Object.values(caller.jobs);

    test('is dispatched by hand for one pair, offering only the gate environments (none of the -hosts ones)', () => {
      const environment = dispatch.inputs['environment'];
      expect(environment?.type).toBe('choice');
      expect(environment?.options?.length).toBeGreaterThan(0);
      expect(environment?.options?.filter((o) => o.endsWith('-hosts'))).toEqual([]);
    });

    test('calls the reusable workflow with declared inputs and secrets, and every required input', () => {
      expect(job?.uses).toBe(`jams-upgrade/jams-upgrade/${file}@v1`);
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
  },
);

// The release and CI workflows: what they check before a release, and that the scripts they run do what they say.

const release = read<Workflow>('.github/workflows/release.yml');
const ci = read<Workflow>('.github/workflows/ci.yml');
/** The Node major the action runs on (runs.using: node24 -> 24). */
const actionNode = Number(/^node(\d+)$/.exec(action.runs.using)?.[1]);
const stepById = (job: Job | undefined, id: string): WorkflowStep => {
  const step = job?.steps?.find((s) => s.id === id);
  if (!step?.run) throw new Error(`No step '${id}' with a run script.`);
  return step;
};

// The scripts run in throwaway git repositories: bash and git as on an ubuntu runner (not on the Windows job).
const posixTest = process.platform === 'win32' ? test.skip : test;
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ju-release-'));
  scratch.push(dir);
  return dir;
}
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
/** Runs a step's script the way a runner's default bash shell does; returns its exit code and output. */
function runScript(
  script: string,
  cwd: string,
  env: Record<string, string> = {},
): { code: number; out: string } {
  try {
    const out = execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: { ...gitEnv, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

describe('.github/workflows/release.yml', () => {
  const jobs = release.jobs;

  test('runs on vX.Y.Z tags; only the job that pushes the major tag may write, after the checks', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(jobs).filter(([, job]) => job.permissions);
    expect(writers).toEqual([['major-tag', expect.objectContaining({ permissions: { contents: 'write' } })]]);
    expect(needsOf(jobs['major-tag'] ?? {})).toEqual(['check']);
    expect(stepById(jobs['major-tag'], 'move-major').env).toEqual({ TAG: '${{ github.ref_name }}' });
    expect(Object.values(jobs).every((job) => job['timeout-minutes'] !== undefined)).toBe(true);
  });

  test("the check builds dist/ afresh and fails on a difference, then runs .ci/run, on the action's Node", () => {
    const steps = jobs['check']?.steps ?? [];
    const runs = steps.map((s) => s.run ?? '');
    const install = runs.findIndex((r) => r.startsWith('npm ci'));
    const dist = steps.findIndex((s) => s.id === 'dist-check');
    const ciRun = runs.indexOf('bash .ci/run');
    expect([install, dist, ciRun].every((i) => i >= 0)).toBe(true);
    expect(install).toBeLessThan(dist);
    expect(dist).toBeLessThan(ciRun);
    expect(runs[dist]).toMatch(/^npm run package\n/);
    expect(runs[dist]).toContain('git diff --exit-code');
    const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.['node-version']).toBe(actionNode);
  });

  posixTest('the dist check passes on a fresh dist/ and fails on a changed or an added file', () => {
    const script = stepById(jobs['check'], 'dist-check').run ?? '';
    const check = (build: string) => {
      const repo = scratchDir();
      git(repo, 'init', '-q');
      mkdirSync(join(repo, 'dist'));
      writeFileSync(join(repo, 'dist', 'index.js'), 'built\n');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', 'release');
      // A stand-in npm: `npm run package` is the build, here one shell line.
      const bin = join(repo, '.bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\n[ "$*" = "run package" ] || exit 2\n${build}\n`);
      chmodSync(join(bin, 'npm'), 0o755);
      writeFileSync(join(repo, '.git', 'info', 'exclude'), '.bin/\n');
      return runScript(script, repo, { PATH: `${bin}:${process.env['PATH']}`, GITHUB_REF_NAME: 'v1.2.3' });
    };
    expect(check("printf 'built\\n' > dist/index.js").code).toBe(0);
    const changed = check("printf 'rebuilt\\n' > dist/index.js");
    expect(changed.code).toBe(1);
    expect(changed.out).toContain(
      "::error::dist/ differs from a fresh build of v1.2.3: run 'npm run package'",
    );
    expect(check('echo chunk > dist/extra.js').code).toBe(1);
    expect(check('rm dist/index.js').code).toBe(1);
  });

  posixTest('the major tag comes from the tag, moves forward only, and a pre-release moves nothing', () => {
    const script = stepById(jobs['major-tag'], 'move-major').run ?? '';
    const root = scratchDir();
    const remote = join(root, 'remote.git');
    const repo = join(root, 'work');
    git(root, 'init', '-q', '--bare', remote);
    git(root, 'clone', '-q', remote, repo);
    const release = (tag: string, at?: string) => {
      if (at) git(repo, 'checkout', '-q', at);
      else git(repo, 'commit', '-q', '--allow-empty', '-m', tag);
      git(repo, 'tag', tag);
      git(repo, 'push', '-q', 'origin', `refs/tags/${tag}`);
      return { commit: git(repo, 'rev-parse', 'HEAD'), ...runScript(script, repo, { TAG: tag }) };
    };
    const remoteTag = (tag: string) => {
      const line = git(root, '--git-dir', remote, 'tag', '--list', tag);
      return line ? git(root, '--git-dir', remote, 'rev-parse', `${tag}^{commit}`) : null;
    };

    const first = release('v1.0.0');
    expect(first.code).toBe(0);
    expect(remoteTag('v1')).toBe(first.commit);
    const minor = release('v1.1.0');
    expect(remoteTag('v1')).toBe(minor.commit);
    const patchOfOld = release('v1.0.1', first.commit);
    expect(patchOfOld.out).toContain('::notice::v1 stays on v1.1.0, which is newer than v1.0.1.');
    expect(remoteTag('v1')).toBe(minor.commit);
    git(repo, 'checkout', '-q', minor.commit);
    const candidate = release('v2.0.0-rc.1');
    expect(candidate.code).toBe(0);
    expect(remoteTag('v2')).toBeNull();
    const second = release('v2.0.0');
    expect(remoteTag('v2')).toBe(second.commit);
    expect(remoteTag('v1')).toBe(minor.commit);
  });
});

describe('.github/workflows/ci.yml', () => {
  test("tests on the action's Node (24) and on Node 20, and keeps the Windows PowerShell 5.1 job", () => {
    const linux = ci.jobs['linux'];
    expect(actionNode).toBe(24);
    expect(linux?.strategy?.matrix?.['node']).toEqual([actionNode, 20]);
    const setupNode = linux?.steps?.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.['node-version']).toBe('${{ matrix.node }}');
    expect(linux?.steps?.some((s) => s.run === 'bash .ci/run')).toBe(true);
    const windows = ci.jobs['windows-powershell-51'];
    expect(windows?.['runs-on']).toBe('windows-latest');
    expect(windows?.env).toEqual({ JAMS_UPGRADE_TEST_SHELL: 'powershell' });
    expect(windows?.steps?.some((s) => s.run === 'npm test')).toBe(true);
  });

  test('ci and release use one major each of actions/checkout and actions/setup-node', () => {
    const uses = [ci, release].flatMap((w) =>
      Object.values(w.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : []))),
    );
    for (const name of ['actions/checkout', 'actions/setup-node']) {
      const refs = new Set(uses.filter((u) => u.startsWith(`${name}@`)));
      expect({ name, refs: refs.size }).toEqual({ name, refs: 1 });
    }
  });
});

describe('.github/dependabot.yml', () => {
  test('updates the npm packages and the workflow actions weekly, each in a group', () => {
    const config = read<{
      updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[];
    }>('.github/dependabot.yml');
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly');
      expect(Object.keys(update.groups ?? {})).toHaveLength(1);
    }
  });
});

describe('action.yml on the Marketplace', () => {
  test('has branding: a color the Marketplace offers and a Feather icon name', () => {
    const colors = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
    expect(colors).toContain(action.branding?.color);
    expect(action.branding?.icon).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
