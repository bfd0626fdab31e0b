import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MAX_RINGS } from '../src/fleet.js';
import { ACTION_REF, ENVIRONMENT_INPUTS, FLEET, TRUSTED_INPUTS } from '../src/pipeline.js';
import { UPGRADE_WORKFLOW_REF } from '../scripts/fleet-workflows.js';
import { workflowParserErrors } from '../scripts/workflow-parser.js';

// The fleet's workflows (docs/fleet.md), as npm run workflows writes them from src/pipeline.ts FLEET.

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string[];
  if?: string;
  'runs-on'?: string;
  environment?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  steps?: Step[];
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
  'timeout-minutes'?: unknown;
}
interface Workflow {
  on: Record<
    string,
    { inputs: Record<string, { required?: boolean; type?: string }>; secrets?: Record<string, unknown> }
  >;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(`.github/workflows/${file}`, 'utf8');
const read = (file: string) => parse(text(file)) as Workflow;
const fleet = read('jams-fleet.yml');
const upgrade = read('jams-upgrade.yml');
const status = read('jams-status.yml');
const slots = Array.from({ length: MAX_RINGS }, (_, i) => i + 1);
const ring = (n: number) => `needs.plan.outputs.ring-${n}`;
const stageOf = (job: Job | undefined) => job?.steps?.find((s) => s.uses === ACTION_REF);

describe('.github/workflows/jams-fleet.yml promotes ring after ring', () => {
  test('one call of the upgrade workflow, one soak wait and a soak on each node per ring slot, then the report', () => {
    expect(Object.keys(fleet.jobs)).toEqual([
      'plan',
      ...slots.flatMap((n) => [`ring-${n}`, `soak-wait-${n}`, `soak-${n}-primary`, `soak-${n}-secondary`]),
      'report',
    ]);
  });

  test.each(slots.filter((n) => n > 1).map((n) => `ring-${n}`))(
    '%s needs the soak of the ring before it, on both nodes',
    (id) => {
      const n = Number(id.slice('ring-'.length));
      const job = fleet.jobs[`ring-${n}`];
      expect(job?.needs).toEqual(['plan', `soak-${n - 1}-primary`, `soak-${n - 1}-secondary`]);
      // No status function: GitHub's default success() holds, so a failed, rejected or skipped soak skips it.
      expect(job?.if).toBe(`\${{ ${ring(n)} != '' }}`);
    },
  );

  test.each(slots)("ring %i's soak follows its upgrade and its wait, never a failed or rejected one", (n) => {
    const wait = fleet.jobs[`soak-wait-${n}`];
    expect(wait?.needs).toEqual(['plan', `ring-${n}`]);
    expect(wait?.environment).toBe(`\${{ format('{0}-soak', ${ring(n)}) }}`);
    expect(wait?.['runs-on']).toBe('${{ fromJSON(inputs.control-runner) }}');
    expect(wait?.if).toBe(`\${{ ${ring(n)} != '' && !inputs.dry-run }}`);
    // The wait job runs no stage and reads no input into a script: only environment variables.
    expect(wait?.steps?.every((s) => !s.uses && !/\$\{\{/.test(s.run ?? ''))).toBe(true);
    for (const step of FLEET.soak) {
      const job = fleet.jobs[`soak-${n}-${step.role}`];
      expect(job?.needs).toEqual(['plan', `ring-${n}`, `soak-wait-${n}`]);
      expect(job?.if).toBe(`\${{ !cancelled() && !failure() && ${ring(n)} != '' }}`);
      expect(job?.['runs-on']).toBe(`\${{ fromJSON(format(inputs.${step.role}-runner, ${ring(n)})) }}`);
      expect(job?.environment).toBe(`\${{ format('{0}-hosts', ${ring(n)}) }}`);
      expect(stageOf(job)?.with).toMatchObject({
        stage: 'soak',
        role: step.role,
        'soak-minutes': '${{ inputs.soak-minutes }}',
      });
      const upload = job?.steps?.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.with?.['name']).toBe(
        `jams-upgrade-ring-${n}-soak-${step.role}-attempt-\${{ github.run_attempt }}`,
      );
    }
  });

  test.each(slots)(
    'ring %i calls the upgrade workflow for its environment, with its runners and its ring number',
    (n) => {
      const job = fleet.jobs[`ring-${n}`];
      expect(job?.uses).toBe(UPGRADE_WORKFLOW_REF);
      expect(job?.with).toMatchObject({
        environment: `\${{ ${ring(n)} }}`,
        'primary-runner': `\${{ format(inputs.primary-runner, ${ring(n)}) }}`,
        'secondary-runner': `\${{ format(inputs.secondary-runner, ${ring(n)}) }}`,
        ring: n,
      });
      expect(Object.keys(job?.secrets ?? {}).sort()).toEqual([
        'JAMS_SCHEDULER_PASSWORD',
        'JAMS_SERVER_PASSWORD',
        'JAMS_SQL_PASSWORD',
      ]);
    },
  );

  test("every input a ring passes is the upgrade workflow's, and every required one of it is passed", () => {
    const upgradeInputs = upgrade.on['workflow_call']?.inputs ?? {};
    const passed = Object.keys(fleet.jobs['ring-1']?.with ?? {});
    expect(passed.filter((name) => !(name in upgradeInputs))).toEqual([]);
    const required = Object.entries(upgradeInputs)
      .filter(([, i]) => i.required)
      .map(([name]) => name);
    expect(required.filter((name) => !passed.includes(name))).toEqual([]);
  });

  test('the plan sets one output per ring slot; the report reads every ring, always', () => {
    expect(Object.keys(fleet.jobs['plan']?.outputs ?? {})).toEqual([
      'environments',
      ...slots.map((n) => `ring-${n}`),
    ]);
    // It reads each ring's soak environment (its wait timer) with the run's token before ring 1 starts.
    expect(stageOf(fleet.jobs['plan'])?.with).toMatchObject({
      'soak-minutes': '${{ inputs.soak-minutes }}',
      'github-token': '${{ github.token }}',
    });
    expect(fleet.jobs['plan']?.permissions).toEqual({ actions: 'read', contents: 'read' });
    const report = fleet.jobs['report'];
    expect(report?.needs).toEqual(Object.keys(fleet.jobs).filter((j) => j !== 'report'));
    expect(report?.if).toBe('${{ always() }}');
    const download = report?.steps?.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with?.['pattern']).toBe('jams-upgrade-ring-*');
    expect(stageOf(report)?.with).toMatchObject({ stage: 'fleet-report', rings: '${{ inputs.rings }}' });
  });

  test('every input it reads is declared and every declared one used; trust roots come only from variables', () => {
    const fleetText = text('jams-fleet.yml');
    const used = new Set([...fleetText.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1] ?? ''));
    const declared = Object.keys(fleet.on['workflow_call']?.inputs ?? {});
    expect([...used].filter((i) => !declared.includes(i))).toEqual([]);
    expect(declared.filter((i) => !used.has(i))).toEqual([]);
    for (const trusted of Object.keys(TRUSTED_INPUTS)) expect(declared).not.toContain(trusted);
    // The soak's per-pair values fall back to the ring's hosts environment, as in the upgrade workflow.
    const soakWith = stageOf(fleet.jobs['soak-1-primary'])?.with ?? {};
    for (const name of ENVIRONMENT_INPUTS.filter((n) => n in soakWith))
      expect(String(soakWith[name])).toMatch(new RegExp(`^\\$\\{\\{ inputs\\.${name} \\|\\| vars\\.JAMS_`));
  });
});

describe('.github/workflows/jams-status.yml reads every pair and changes nothing', () => {
  test('both nodes of every listed environment, in its hosts environment; no gate, no dry-run input, no change', () => {
    for (const step of FLEET.status) {
      const job = status.jobs[step.job];
      expect(job?.needs).toEqual(['plan']);
      expect(job?.strategy).toEqual({
        'fail-fast': false,
        matrix: { environment: '${{ fromJSON(needs.plan.outputs.environments) }}' },
      });
      expect(job?.environment).toBe("${{ format('{0}-hosts', matrix.environment) }}");
      expect(stageOf(job)?.with).toMatchObject({ stage: 'status', role: step.role, 'dry-run': 'false' });
      const upload = job?.steps?.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.with?.['name']).toBe(
        `jams-status-\${{ matrix.environment }}-${step.role}-attempt-\${{ github.run_attempt }}`,
      );
    }
    const environments = Object.values(status.jobs).flatMap((j) => (j.environment ? [j.environment] : []));
    expect(environments.every((e) => e.endsWith("-hosts', matrix.environment) }}"))).toBe(true);
    expect(Object.keys(status.on['workflow_call']?.inputs ?? {})).not.toContain('dry-run');
    expect(stageOf(status.jobs['report'])?.with).toMatchObject({
      stage: 'fleet-report',
      rings: '${{ inputs.environments }}',
    });
  });
});

describe('the example callers', () => {
  test.each([
    ['upgrade-fleet.yml', 'jams-fleet.yml'],
    ['status-jams.yml', 'jams-status.yml'],
  ])("%s calls %s and GitHub's parser reads it with no error", async (caller, called) => {
    const jobs = Object.values(read(caller).jobs);
    expect(jobs.map((j) => j.uses)).toEqual([`jams-upgrade/jams-upgrade/.github/workflows/${called}@v1`]);
    expect(await workflowParserErrors(caller, text(caller))).toEqual([]);
    expect(await workflowParserErrors(called, text(called))).toEqual([]);
  });

  test('the parser refuses a ring call the upgrade workflow does not take', async () => {
    const broken = text('jams-fleet.yml').replace('      ring: 1\n', '      ring: 1\n      rings: x\n');
    expect(broken).not.toBe(text('jams-fleet.yml'));
    expect((await workflowParserErrors('jams-fleet.yml', broken)).join('\n')).toMatch(
      /rings is not defined in the referenced workflow/,
    );
  });

  test('the fleet caller offers only the promotion paths it lists (no free text that could name a -hosts environment)', () => {
    const rings = read('upgrade-fleet.yml').on['workflow_dispatch']?.inputs['rings'] as {
      type?: string;
      options?: string[];
    };
    expect(rings.type).toBe('choice');
    expect(rings.options?.every((o) => !/-hosts|-soak/.test(o))).toBe(true);
  });
});
