import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { STEPS, artifactName, type StageStep } from '../src/pipeline.js';
import { readRecords } from '../src/report/records.js';

// CI runs the action as an action (uses: ./), as GitHub's actions/typescript-action template does: the report stage
// on stage records of a lab rehearsal committed under __tests__/fixtures/report-records. This keeps that job, its
// fixture and the upgrade pipeline (src/pipeline.ts) in step.

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on'?: unknown;
  steps?: WorkflowStep[];
}

const FIXTURE = '__tests__/fixtures/report-records';
const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { jobs: Record<string, Job> };
const job = ci.jobs['action'];
const steps = job?.steps ?? [];
const actionStep = steps.find((s) => s.uses === './');
/** The upgrade's stages, but the report: each must have left a record in the fixture. */
const upgradeStages = STEPS.filter((s): s is StageStep => s.kind === 'stage' && s.stage !== 'report');

describe('ci.yml: the action job', () => {
  test('runs on ubuntu-latest and checks out without persisting credentials', () => {
    expect(job).toBeDefined();
    expect(job?.['runs-on']).toBe('ubuntu-latest');
    const checkout = steps[0];
    expect(checkout?.uses).toMatch(/^actions\/checkout@v\d+$/);
    expect(checkout?.with?.['persist-credentials']).toBe(false);
  });

  test('uses ./ with stage report, the fixture folder and a run folder, and no token', () => {
    expect(actionStep).toBeDefined();
    expect(actionStep?.id).toBeTruthy();
    expect(actionStep?.with?.['stage']).toBe('report');
    expect(actionStep?.with?.['records-folder']).toBe(FIXTURE);
    expect(actionStep?.with?.['run-folder']).toBe('${{ runner.temp }}/report');
    // action.yml defaults github-token to github.token: only an empty value keeps the report from asking GitHub.
    expect(actionStep?.with?.['github-token']).toBe('');
  });

  test('a later step checks the result and report-path outputs of that step', () => {
    const id = actionStep?.id ?? '';
    const after = steps.slice(steps.indexOf(actionStep as WorkflowStep) + 1);
    const check = after.find((s) => s.run);
    expect(check).toBeDefined();
    const env = Object.values(check?.env ?? {}).join('\n');
    const read = `${env}\n${check?.run ?? ''}`;
    expect(read).toContain(`steps.${id}.outputs.result`);
    expect(read).toContain(`steps.${id}.outputs.report-path`);
    expect(check?.run).toMatch(/succeeded/);
    expect(check?.run).toContain('report.md');
  });
});

describe('the committed report records', () => {
  test('are one folder per artifact, named as the workflow uploads them', () => {
    const folders = readdirSync(FIXTURE);
    const names = upgradeStages.map((s) => artifactName(s, '1'));
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) expect(names).toContain(folder);
  });

  test('hold a succeeded record for every stage and role of the upgrade pipeline', () => {
    const { records, problems } = readRecords(FIXTURE);
    expect(problems).toEqual([]);
    for (const step of upgradeStages) {
      const role = step.role ?? 'none';
      const found = records.filter((r) => r.record.stage === step.stage && r.record.role === role);
      expect({ step: step.title, records: found.length }).toEqual({ step: step.title, records: 1 });
      expect(found[0]?.artifact).toBe(artifactName(step, '1'));
      expect(found[0]?.record.status).toBe('succeeded');
      expect(found[0]?.record.dryRun).toBe(false);
    }
  });

  test('keep only what the report reads: record.json', () => {
    const files = readdirSync(FIXTURE, { recursive: true, encoding: 'utf8' }).filter((f) =>
      statSync(join(FIXTURE, f)).isFile(),
    );
    expect(files.filter((f) => basename(f) !== 'record.json')).toEqual([]);
  });
});
