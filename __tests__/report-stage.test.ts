import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditReport } from '../src/report/audit.js';
import { at, done, phasedRun, stageRecord, successfulRun, writeArtifacts } from './helpers/records.js';
import { runStage, tempDir } from './helpers/run-stage.js';

// The report stage through the action's own entry point, as the report job runs it: no JAMS host, no PowerShell.

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function report(records: ReturnType<typeof successfulRun>) {
  const folder = tempDir('artifacts');
  writeArtifacts(folder, records);
  const runs = tempDir('report-run');
  // The lab folder is never created: a stage with no host must not start PowerShell or touch the lab.
  return {
    runs,
    result: runStage(join(runs, 'no-lab'), runs, { stage: 'report', 'records-folder': folder }),
  };
}

describe('the report stage', () => {
  test('writes report.json, report.md and the summary without a host', async () => {
    const { runs, result } = report(successfulRun());
    const r = await result;
    expect(r.exitCode).toBe(0);
    expect(r.outputs['result']).toBe('succeeded');
    expect(r.outputs['report-path']).toBe(join(runs, 'report', 'report.json'));
    expect(r.record).toMatchObject({ stage: 'report', role: 'none', status: 'succeeded' });
    expect(r.record.host).toBeUndefined();
    expect(existsSync(join(runs, 'report', 'powershell-transcript.log'))).toBe(false);
    expect(existsSync(join(runs, 'no-lab'))).toBe(false);

    const json = JSON.parse(readFileSync(join(runs, 'report', 'report.json'), 'utf8')) as AuditReport;
    expect(json.downtime).toMatchObject({ from: at(100), to: at(400), seconds: 300 });
    const summary = readFileSync(join(runs, 'report', 'summary.md'), 'utf8');
    expect(summary).toMatch(/^\n## JAMS upgrade report: succeeded \[LAB\]/);
    expect(summary).toContain(readFileSync(join(runs, 'report', 'report.md'), 'utf8').trim());
    expect(r.stdout).toMatch(/Approvals not read: this is a lab rehearsal/);
  });

  test('breaks the downtime down: its parts add up to it, as a table and a bar chart, longest first', async () => {
    const { runs, result } = report(phasedRun());
    expect((await result).exitCode).toBe(0);
    const json = JSON.parse(readFileSync(join(runs, 'report', 'report.json'), 'utf8')) as AuditReport;
    const parts = json.downtimeBreakdown.parts;
    expect(json.downtimeBreakdown.totalMs).toBe((json.downtime.seconds ?? 0) * 1000);
    expect(parts.reduce((sum, p) => sum + p.ms, 0)).toBe(json.downtimeBreakdown.totalMs);
    expect(parts.slice(0, 2).map((p) => [p.where, p.part])).toEqual([
      ['JAMS-PRI (primary)', 'the installer running'],
      ['JAMS-SEC (secondary)', 'the installer running'],
    ]);
    expect(json.windowBreakdown.parts[0]).toMatchObject({ kind: 'downtime', ms: 300_000 });
    const markdown = readFileSync(join(runs, 'report', 'report.md'), 'utf8');
    expect(markdown).toContain('### Where the downtime went\n\n| Part | Where | Kind | Time | Share |');
    expect(markdown).toMatch(/```text\nJAMS-PRI \(primary\): the installer running +█{40} +1 min 50 s\n/);
    expect(markdown).toContain('### Where the maintenance window went');
  });

  test('reports a failed upgrade and still succeeds itself', async () => {
    const records = successfulRun().slice(0, 5);
    records.push(
      stageRecord('stop', 'primary', 100, 300, {
        status: 'failed',
        actions: [done(100, 'stop', 'JAMS Executor')],
        failure: { message: 'stuck', hostState: 'JAMS Scheduler StopPending', nextStep: 'end its process' },
      }),
    );
    const r = await report(records).result;
    expect(r.exitCode).toBe(0);
    expect(r.outputs['result']).toBe('failed');
    expect(r.record.data['report']).toMatchObject({ result: 'failed' });
  });

  test('in a workflow run without a token it warns that the approvals were not read', async () => {
    Object.assign(process.env, { GITHUB_RUN_ID: '900', GITHUB_REPOSITORY: 'corp/jams-ops' });
    const r = await report(successfulRun()).result;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('::warning::Approvals not read: the report stage was given no github-token.');
  });
});
