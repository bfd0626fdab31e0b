import { describe, expect, test } from '@jest/globals';
import { RESUME_AFTER_PRIMARY_PIPELINES } from '../src/pipeline.js';
import { buildAudit } from '../src/report/audit.js';
import { renderAudit } from '../src/report/audit-markdown.js';
import { WITHOUT_FAILOVER_PART, type Breakdown } from '../src/report/breakdown.js';
import { findJob, type RunFacts, type RunJob } from '../src/report/github-run.js';
import type { StageRecord } from '../src/report/record.js';
import { at, found, phasedRun } from './helpers/records.js';

// order: resume-after-primary in the report: the downtime ends with the primary's start, and the secondary's upgrade
// after it is measured as the pair without failover.

const notRead: RunFacts = {
  reviews: { read: false, reason: 'no token' },
  jobs: { read: false, reason: 'no token' },
  artifacts: { read: false, reason: 'no token' },
};

/** phasedRun() moved into the order resume-after-primary: the primary's start and verify before the secondary's upgrade. */
function afterPrimaryRun(): StageRecord[] {
  const moved: Record<string, number> = {
    // start (primary) 381-400 -> 251-270, verify (primary) -> 271-275; the secondary's upgrade 251-380 -> 280-409.
    'start/primary': -130,
    'verify/primary': -150,
    'upgrade/secondary': 29,
    'start/secondary': 9,
    'verify/secondary': 10,
  };
  const shift = (iso: string | undefined, by: number) =>
    iso === undefined ? undefined : new Date(Date.parse(iso) + by * 1000).toISOString();
  return phasedRun().map((r) => {
    const by = moved[`${r.stage}/${r.role}`] ?? 0;
    return {
      ...r,
      startedAt: shift(r.startedAt, by) ?? r.startedAt,
      finishedAt: shift(r.finishedAt, by),
      actions: r.actions.map((a) => ({ ...a, at: shift(a.at, by) ?? a.at })),
      phases: (r.phases ?? []).map((p) => ({
        ...p,
        startedAt: shift(p.startedAt, by) ?? p.startedAt,
        endedAt: shift(p.endedAt, by),
      })),
    };
  });
}

const audit = (records: StageRecord[], order: 'vendor' | 'resume-after-primary') =>
  buildAudit({
    records: found(records),
    problems: [],
    facts: notRead,
    run: null,
    runInfo: {},
    recordsFolder: '/records',
    now: at(900),
    order,
    resumeGate: 'after-agents',
  });

const seconds = (b: Breakdown | null, part: string, where?: string) =>
  (b?.parts ?? [])
    .filter((p) => p.part === part && (where === undefined || p.where === where))
    .reduce((sum, p) => sum + p.ms, 0) / 1000;

describe('the report of order resume-after-primary', () => {
  const vendor = audit(phasedRun(), 'vendor');
  const a = audit(afterPrimaryRun(), 'resume-after-primary');

  test('the downtime ends when the primary is Running again, before the secondary is upgraded', () => {
    expect(vendor.downtime).toMatchObject({ from: at(100), to: at(400), seconds: 300 });
    expect(a.downtime).toMatchObject({ from: at(100), to: at(270), seconds: 170, open: false });
    expect(seconds(a.downtimeBreakdown, 'the installer running', 'JAMS-SEC (secondary)')).toBe(0);
    expect(seconds(a.downtimeBreakdown, 'the installer running', 'JAMS-PRI (primary)')).toBe(110);
    expect(a.downtimeBreakdown.parts.reduce((t, p) => t + p.ms, 0)).toBe(170_000);
  });

  test("after the downtime, the pair without failover: to the secondary in Backup Mode, the secondary's install in it", () => {
    expect(a.withoutFailover).toMatchObject({ from: at(270), to: at(429), seconds: 159, open: false });
    const b = a.withoutFailoverBreakdown;
    expect(b?.totalMs).toBe(159_000);
    expect(b?.parts.reduce((t, p) => t + p.ms, 0)).toBe(159_000);
    expect(seconds(b, 'the installer running', 'JAMS-SEC (secondary)')).toBe(110);
    expect(seconds(b, 'other work in the stage', 'verify (primary)')).toBe(4);
  });

  test("the window shows the downtime and the pair without failover as one part each; the vendor's has neither", () => {
    expect(seconds(a.windowBreakdown, 'JAMS stopped: the downtime, broken down above')).toBe(170);
    expect(seconds(a.windowBreakdown, WITHOUT_FAILOVER_PART)).toBe(159);
    expect(a.windowBreakdown.parts.reduce((t, p) => t + p.ms, 0)).toBe(a.windowBreakdown.totalMs);
    expect(vendor.withoutFailover).toBeNull();
    expect(vendor.withoutFailoverBreakdown).toBeNull();
    expect(seconds(vendor.windowBreakdown, WITHOUT_FAILOVER_PART)).toBe(0);
    expect(renderAudit(a)).toContain('### After the downtime, the pair without failover');
    expect(renderAudit(vendor)).not.toContain('without failover');
  });

  test('the timeline follows the order: the primary is started and verified before the secondary is upgraded', () => {
    const jobs = a.timeline.map((r) => r.job);
    const expected = RESUME_AFTER_PRIMARY_PIPELINES['after-agents']
      .flat()
      .map((s) => s.job)
      .filter((job) => job !== 'report');
    expect(jobs).toEqual(expected);
    expect(jobs.indexOf('verify-primary-rap')).toBeLessThan(jobs.indexOf('upgrade-secondary-rap'));
    expect(a.order).toBe('resume-after-primary');
  });

  test('a failed secondary leaves the downtime closed, the pair without failover open, and says the primary runs alone', () => {
    // The run ends at the secondary's upgrade: no start or verify of the secondary, no agents, the window open.
    const ended = ['start/secondary', 'verify/secondary', 'agents/primary', 'maintenance-off/primary'];
    const failedSecondary = afterPrimaryRun()
      .filter((r) => !ended.includes(`${r.stage}/${r.role}`))
      .map((r) =>
        r.stage === 'upgrade' && r.role === 'secondary' ? { ...r, status: 'failed' as const } : r,
      );
    const f = audit(failedSecondary, 'resume-after-primary');
    expect(f.downtime).toMatchObject({ to: at(270), open: false });
    expect(f.withoutFailover).toMatchObject({ from: at(270), to: null, open: true, seconds: 630 });
    expect(f.nextSteps.join('\n')).toContain('The primary has run alone since');
    expect(f.nextSteps.join('\n')).toContain('once verify passes on the primary');
  });

  test("GitHub's job of a step is the one that ran, not the other order's skipped job of the same name", () => {
    const job = (conclusion: string, startedAt: string | null): RunJob => ({
      name: 'jams / start (primary)',
      conclusion,
      startedAt,
      completedAt: startedAt,
      url: null,
    });
    const items = [job('skipped', null), job('success', at(251))];
    expect(findJob({ read: true, items }, 'start (primary)')?.startedAt).toBe(at(251));
    expect(findJob({ read: true, items: [items[0] as RunJob] }, 'start (primary)')?.conclusion).toBe(
      'skipped',
    );
  });
});
