import { describe, expect, test } from '@jest/globals';
import { PIPELINE } from '../src/pipeline.js';
import { barChart, renderBreakdown } from '../src/report/audit-markdown.js';
import { breakDownDowntime, breakDownWindow, gateWaits, type Breakdown } from '../src/report/breakdown.js';
import { measureDowntime, measureMaintenanceWindow } from '../src/report/downtime.js';
import type { Fetched, RunJob } from '../src/report/github-run.js';
import type { StageRecord } from '../src/report/record.js';
import { at, found, phase, phasedRun, stageRecord } from './helpers/records.js';

// The downtime and the maintenance window, second by second, from stage records a test builds.

const NOW = at(900);
const notRead: Fetched<RunJob> = { read: false, reason: 'no token' };

function downtimeOf(records: StageRecord[], jobs: Fetched<RunJob> = notRead): Breakdown {
  return breakDownDowntime(PIPELINE, found(records), jobs, measureDowntime(found(records), NOW), NOW);
}

const seconds = (b: Breakdown, part: string, where: string | null = null) =>
  b.parts
    .filter((p) => p.part === part && (where === null || p.where === where))
    .reduce((sum, p) => sum + p.ms, 0) / 1000;

const sum = (b: Breakdown) => b.parts.reduce((total, p) => total + p.ms, 0);

describe('the downtime breakdown', () => {
  const b = downtimeOf(phasedRun());

  test('its parts add up to the downtime exactly, longest first', () => {
    expect(b).toMatchObject({ from: at(100), to: at(400), totalMs: 300_000 });
    expect(sum(b)).toBe(300_000);
    expect(b.parts.map((p) => p.ms)).toEqual([...b.parts.map((p) => p.ms)].sort((x, y) => y - x));
    expect(b.parts[0]).toMatchObject({ part: 'the installer running', kind: 'work', ms: 110_000 });
  });

  test('each phase on each host, the rest of each stage, and the gaps between the stage processes', () => {
    expect(seconds(b, 'the installer running', 'JAMS-PRI (primary)')).toBe(110);
    expect(seconds(b, 'the installer running', 'JAMS-SEC (secondary)')).toBe(110);
    expect(seconds(b, 'stopping the JAMS services', 'JAMS-PRI (primary)')).toBe(8);
    expect(seconds(b, 'stopping the JAMS services', 'JAMS-SEC (secondary)')).toBe(6);
    expect(seconds(b, 'stopping the services the installer started')).toBe(16);
    expect(seconds(b, 'checking the installer (SHA-256, signature)')).toBe(6);
    expect(seconds(b, 'restoring the Log On As accounts')).toBe(4);
    expect(seconds(b, 'reapplying the config customisations')).toBe(1);
    expect(seconds(b, 'starting the JAMS services')).toBe(7);
    expect(b.parts.find((p) => p.part.startsWith('waiting for the failover role'))).toMatchObject({
      kind: 'waiting',
      ms: 8_000,
    });
    // 121-122, 125-126 and 246-250 are upgrade's own checks and records around its phases.
    expect(seconds(b, 'other work in the stage', 'upgrade (primary)')).toBe(6);
    // The stop on the primary began with the downtime; only its last 2 s are in it.
    expect(seconds(b, 'other work in the stage', 'stop (primary)')).toBe(2);
    // 110-112, 120-121, 250-251 and 380-381: one stage process ended, the next had not begun.
    expect(b.parts.find((p) => p.part === 'between the stage processes')).toMatchObject({
      where: null,
      kind: 'between jobs',
      ms: 5_000,
    });
  });

  test('a phase cut short by a failure ends with its stage, and an open downtime runs to the report', () => {
    const records = phasedRun().slice(0, 9);
    const upgrade = records[8] as StageRecord;
    records[8] = {
      ...upgrade,
      status: 'failed',
      finishedAt: at(200),
      phases: [phase('installer-check', 122, 125), phase('installer', 126)],
    };
    const open = downtimeOf(records);
    expect(open).toMatchObject({ from: at(100), to: null, totalMs: 800_000 });
    expect(sum(open)).toBe(800_000);
    expect(seconds(open, 'the installer running')).toBe(74);
    expect(seconds(open, 'between the stage processes')).toBe(700 + 3);
  });

  test('dry-run records measure nothing', () => {
    const dry = phasedRun().map((r) => ({
      ...r,
      dryRun: true,
      actions: r.actions.map((a) => ({ ...a, outcome: 'would' as const })),
    }));
    expect(downtimeOf(dry)).toMatchObject({ totalMs: 0, parts: [] });
  });

  test("in a workflow run the gaps come from GitHub's jobs: the job around each stage, then the runner", () => {
    const jobs: Fetched<RunJob> = {
      read: true,
      items: [
        {
          name: 'upgrade / stop (primary)',
          conclusion: 'success',
          startedAt: at(98),
          completedAt: at(111),
          url: 's',
        },
        {
          name: 'upgrade / stop (secondary)',
          conclusion: 'success',
          startedAt: at(112),
          completedAt: at(120),
          url: 't',
        },
      ],
    };
    const withJobs = downtimeOf(phasedRun(), jobs);
    expect(sum(withJobs)).toBe(300_000);
    expect(seconds(withJobs, 'the job around its stage (set-up, artifact upload)', 'stop (primary)')).toBe(1);
    // 111-112 no job ran: a runner picking up the next job; so were 120-121, 250-251 and 380-381 (no jobs given).
    expect(seconds(withJobs, 'waiting for a runner to pick up the next job')).toBe(4);
    expect(seconds(withJobs, 'between the stage processes')).toBe(0);
  });
});

describe('the maintenance window breakdown', () => {
  const jobs: Fetched<RunJob> = {
    read: true,
    items: [
      ['preflight (primary)', 0, 6],
      ['preflight (secondary)', 0, 7],
      ['approve downtime', 50, 52],
      ['verify (primary)', 420, 426],
      ['verify (secondary)', 420, 427],
      ['agents (primary)', 428, 471],
      ['approve resume', 490, 492],
      ['maintenance-off (primary)', 495, 506],
    ].map(([name, from, to]) => ({
      name: `upgrade / ${name as string}`,
      conclusion: 'success',
      startedAt: at(from as number),
      completedAt: at(to as number),
      url: null,
    })),
  };

  function windowOf(records: StageRecord[], j: Fetched<RunJob> = jobs): Breakdown {
    const f = found(records);
    return breakDownWindow(PIPELINE, f, j, measureMaintenanceWindow(f, NOW), measureDowntime(f, NOW), NOW);
  }

  test('the downtime is one part, the waits for reviewers are a person waiting, and they all add up', () => {
    const w = windowOf(phasedRun());
    expect(w).toMatchObject({ from: at(61), to: at(501), totalMs: 440_000 });
    expect(sum(w)).toBe(440_000);
    expect(w.parts[0]).toMatchObject({ kind: 'downtime', ms: 300_000 });
    expect(w.parts.find((p) => p.kind === 'waiting for a human')).toEqual({
      part: 'waiting for reviewers',
      where: 'approve resume',
      kind: 'waiting for a human',
      ms: 19_000,
    });
    expect(seconds(w, 'waiting for executing jobs to finish')).toBe(12);
  });

  test('any stage the records hold is a part of it, not only the pipeline it was built for', () => {
    // A stage no pipeline step names, run inside the window.
    const records = [...phasedRun(), stageRecord('hotfix', 'secondary', 475, 485)];
    const w = windowOf(records, notRead);
    expect(sum(w)).toBe(440_000);
    expect(seconds(w, 'other work in the stage', 'hotfix (secondary)')).toBe(10);
  });

  test('each gate waited from the end of the jobs it needs to the start of its own job', () => {
    expect(gateWaits(PIPELINE, jobs).map((g) => [g.job, g.from, g.to, g.ms])).toEqual([
      ['approve-downtime', at(7), at(50), 43_000],
      ['approve-resume', at(471), at(490), 19_000],
    ]);
    expect(gateWaits(PIPELINE, notRead).map((g) => g.ms)).toEqual([null, null]);
  });

  test('the report shows a table and a bar chart, longest first, a wait for a person drawn apart', () => {
    const w = windowOf(phasedRun());
    const [heading, table, chart] = renderBreakdown('Where the maintenance window went', w);
    expect(heading).toBe('### Where the maintenance window went');
    expect(table).toContain(
      '| waiting for reviewers | approve resume | waiting for a human | 19.0 s | 4 % |',
    );
    expect(table).toMatch(/\| \*\*total\*\* \| +\| +\| \*\*7 min 20 s\*\* \| 100 % \|$/);
    const bars = (chart ?? '').split('\n').slice(1, -2);
    expect(bars[0]).toMatch(/^JAMS stopped: the downtime, broken down above +█{40} +5 min 00 s$/);
    expect(bars.find((l) => l.startsWith('approve resume: waiting for reviewers'))).toMatch(/ ░{3} /);
    expect(barChart(w)).toContain('░ waiting for a person (the reviewers of a gate), not for JAMS');
  });
});
