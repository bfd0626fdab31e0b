/**
 * @jest-environment node
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE, STEPS } from '../src/pipeline.js';
import { buildAudit } from '../src/report/audit.js';
import { renderAudit, renderBreakdown } from '../src/report/audit-markdown.js';
import { breakDownDowntime, type Breakdown } from '../src/report/breakdown.js';
import { measureDowntime, type Span } from '../src/report/downtime.js';
import {
  breakdownPie,
  ganttLabel,
  mermaidBlock,
  PIE_SLICES,
  pieLabel,
  timelineGantt,
  type GanttInput,
} from '../src/report/mermaid.js';
import { buildTimeline, type TimelineRow } from '../src/report/timeline.js';
import { ganttTasks, mermaidBlocks, parseMermaid } from '../scripts/mermaid-parse.js';
import { at, found, phasedRun, successfulRun } from './helpers/records.js';
import { tempDir } from './helpers/run-stage.js';

// The report's diagrams are judged by mermaid's own parser (scripts/mermaid-parse.ts), the one GitHub renders with.

const NOW = at(900);
const notRead = { read: false as const, reason: 'no token' };

/** A label a stage, a host or a part could carry, with every character Mermaid's grammars treat specially. */
const HOSTILE = [
  'stop: "JAMS#1"; then %%{init: {"theme":"dark"}}%% `x` ```',
  'section hijacked',
  'title: not a title',
  '2026-11-25 looks like a date',
  'line\nbreak\r\nand\ttab',
  "a 'quoted' <b>name</b> & more #35;",
  ':::',
  '',
];

function ganttOf(records = phasedRun()): GanttInput {
  const f = found(records);
  return {
    timeline: buildTimeline(STEPS, f),
    gateWaits: [],
    downtime: measureDowntime(f, NOW),
    now: NOW,
  };
}

function downtimeBreakdown(records = phasedRun()): Breakdown {
  const f = found(records);
  return breakDownDowntime(PIPELINE, f, notRead, measureDowntime(f, NOW), NOW);
}

async function expectParses(diagram: string | null, type: string): Promise<void> {
  expect(diagram).not.toBeNull();
  expect(await parseMermaid(diagram ?? '')).toEqual({ ok: true, type });
}

describe('the parser judges', () => {
  test('a valid diagram parses, and a broken one is rejected with the reason', async () => {
    expect(await parseMermaid('pie showData\n  title t\n  "a" : 1')).toEqual({ ok: true, type: 'pie' });
    // A task without its data (no colon): the gantt grammar expects the data before the line ends.
    const broken = await parseMermaid('gantt\n  dateFormat YYYY\n  section A\n    stop t1, 2026, 2027');
    expect(broken).toEqual({ ok: false, error: expect.stringMatching(/Parse error on line 4[^]*Expecting/) });
    // A double quote inside a pie label ends the label early.
    expect((await parseMermaid('pie\n  "say "hi"" : 1')).ok).toBe(false);
    expect((await parseMermaid('gannt\n  section A')).ok).toBe(false);
  });

  test('the blocks of a markdown file, with the line each starts on', () => {
    const md = 'text\n\n```mermaid\npie\n  "a" : 1\n```\n\n```text\nnot one\n```\n```mermaid\ngantt\n```\n';
    expect(mermaidBlocks(md)).toEqual([
      { line: 4, text: 'pie\n  "a" : 1' },
      { line: 12, text: 'gantt' },
    ]);
  });
});

describe('the timeline as a gantt', () => {
  test('the jobs, in UTC to the second, done or critical, and the downtime span; it parses', async () => {
    const records = phasedRun();
    const stop = records.findIndex((r) => r.stage === 'stop' && r.role === 'primary');
    records[stop] = { ...(records[stop] as (typeof records)[number]), status: 'failed' };
    const gantt = timelineGantt(ganttOf(records));
    await expectParses(gantt, 'gantt');
    expect(gantt).toContain('  dateFormat YYYY-MM-DDTHH:mm:ss');
    expect(gantt).toContain('    preflight (primary) :done, t2, 2026-11-25T02:00:00, 2026-11-25T02:00:05');
    expect(gantt).toContain('    stop (primary) :crit, t7, 2026-11-25T02:01:40, 2026-11-25T02:01:50');
    expect(gantt).toMatch(
      /section Downtime\n {4}downtime - JAMS stopped :crit, t\d+, 2026-11-25T02:01:40, 2026-11-25T02:06:40$/,
    );
  });

  test("the gates' waits for reviewers when GitHub's jobs measured them", async () => {
    const input: GanttInput = {
      ...ganttOf(),
      gateWaits: [
        { job: 'approve-downtime', title: 'approve downtime', from: at(7), to: at(50), ms: 43_000 },
        { job: 'approve-resume', title: 'approve resume', from: null, to: null, ms: null },
      ],
    };
    const gantt = timelineGantt(input);
    await expectParses(gantt, 'gantt');
    expect(gantt).toMatch(
      /section Gates\n {4}approve downtime, waiting for reviewers :active, t\d+, 2026-11-25T02:00:07, 2026-11-25T02:00:50\n/,
    );
    expect(gantt).not.toContain('approve resume');
  });

  test('an open downtime runs to the report; nothing that ran draws no gantt', async () => {
    const gantt = timelineGantt(ganttOf(phasedRun().slice(0, 8)));
    await expectParses(gantt, 'gantt');
    expect(gantt).toContain('downtime - JAMS stopped (still open) :crit');
    expect(gantt).toContain('2026-11-25T02:15:00');
    const nothing: Span = { from: null, to: null, seconds: null, open: false, note: '' };
    expect(timelineGantt({ timeline: [], gateWaits: [], downtime: nothing, now: NOW })).toBeNull();
    expect(timelineGantt({ ...ganttOf([]), downtime: nothing })).toBeNull();
  });

  test('hostile task names are made safe: each stays one task, named as written, at its times', async () => {
    const rows: TimelineRow[] = HOSTILE.map((title, i) => ({
      job: `x${i}`,
      title,
      kind: 'extra',
      stage: title,
      role: 'primary',
      host: null,
      status: 'succeeded',
      startedAt: at(i * 10),
      finishedAt: at(i * 10 + 5),
      seconds: 5,
      attempts: 1,
      dryRun: false,
      recordPath: null,
      jobUrl: null,
    }));
    const gantt = timelineGantt({ ...ganttOf([]), timeline: rows });
    await expectParses(gantt, 'gantt');
    const tasks = await ganttTasks(gantt ?? '');
    expect(tasks.map((t) => [t.name, t.id, t.end.getTime() - t.start.getTime()])).toEqual(
      HOSTILE.map((title, i) => [ganttLabel(title), `t${i + 1}`, 5000]),
    );
    expect(ganttLabel(HOSTILE[0] ?? '')).toBe(`stop - "JAMS1", then %{init - {"theme" -"dark"}}% 'x' '''`);
    expect(ganttLabel('section hijacked')).toBe('- section hijacked');
    expect(ganttLabel('')).toBe('-');
    for (const name of HOSTILE) expect(ganttLabel(name)).not.toMatch(/[:;#\n`]|%%/);
    // Unmade safe, the colon would have moved part of the name into the task's data.
    const raw = await ganttTasks('gantt\n  dateFormat YYYY\n  section A\n    stop: x :t1, 2026, 2027');
    expect(raw.map((t) => [t.name, t.id])).toEqual([['stop', 'x :t1']]);
  });

  test("the gantt's times read back as the records' times, to the second", async () => {
    const tasks = await ganttTasks(timelineGantt(ganttOf()) ?? '');
    // The dateFormat has no zone: mermaid reads the times as the viewer's local time, so the axis shows UTC digits.
    const utc = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString();
    expect(tasks.find((t) => t.name === 'upgrade (primary)')).toMatchObject({ id: 't9' });
    const upgrade = tasks.find((t) => t.name === 'upgrade (primary)');
    expect([utc(upgrade?.start ?? new Date(0)), utc(upgrade?.end ?? new Date(0))]).toEqual([
      at(121),
      at(250),
    ]);
  });
});

describe('the downtime breakdown as a pie', () => {
  test('a slice per part in seconds, longest first, the small ones as one; it parses', async () => {
    const b = downtimeBreakdown();
    const pie = breakdownPie(b, 'Where the downtime went');
    await expectParses(pie, 'pie');
    const lines = (pie ?? '').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'pie showData',
      '  title Where the downtime went (seconds)',
      '  "JAMS-PRI (primary): the installer running" : 110.0',
    ]);
    const slices = lines.slice(2).map((l) => Number(/ : ([\d.]+)$/.exec(l)?.[1]));
    expect(slices).toHaveLength(PIE_SLICES + 1);
    expect(slices.reduce((sum, x) => sum + x, 0)).toBeCloseTo(b.totalMs / 1000, 5);
    expect(lines[lines.length - 1]).toMatch(
      new RegExp(`^  "${b.parts.length - PIE_SLICES} smaller parts \\(the table lists each\\)" : `),
    );
  });

  test('no downtime, no pie', () => {
    const dry = phasedRun().map((r) => ({ ...r, dryRun: true }));
    expect(breakdownPie(downtimeBreakdown(dry), 'Where the downtime went')).toBeNull();
    expect(renderBreakdown('Where the downtime went', downtimeBreakdown(dry)).join('\n')).not.toContain(
      '```mermaid',
    );
  });

  test('hostile labels are made safe, kept apart when they read alike, and still parse', async () => {
    const part = (name: string, where: string | null, ms: number) => ({
      part: name,
      where,
      kind: 'work' as const,
      ms,
    });
    const b: Breakdown = {
      from: at(0),
      to: at(100),
      totalMs: 100_000,
      parts: [
        ...HOSTILE.slice(0, 6).map((name, i) => part(name, i % 2 ? 'HOST "X"' : null, 14_000)),
        part('a"b', null, 6000),
        part("a'b", null, 5000),
        part('too short to show', null, 40),
      ],
      note: '',
    };
    const pie = breakdownPie(b, 'Where "it" went');
    await expectParses(pie, 'pie');
    expect(pie).toContain(`  title Where 'it' went (seconds)`);
    expect(pie).toContain(`  "a'b" : 6.0\n  "a'b (2)" : 5.0`);
    expect(pie).not.toContain('too short');
    expect((pie ?? '').split('\n').slice(2).join('\n')).not.toMatch(/^ {2}".*".*"/m);
    expect(pieLabel('say "hi"\nthere `x` %%{init}%%')).toBe("say 'hi' there 'x' %{init}%");
  });
});

describe('the report', () => {
  test('every mermaid block of report.md parses: the gantt beside the timeline, a pie beside each breakdown', async () => {
    const records = phasedRun();
    const markdown = renderAudit(
      buildAudit({
        records: found(records),
        problems: [],
        facts: { reviews: notRead, jobs: notRead, artifacts: notRead },
        run: null,
        runInfo: {},
        recordsFolder: '/records',
        now: NOW,
      }),
    );
    const blocks = mermaidBlocks(markdown);
    expect(blocks.map((b) => b.text.split('\n')[0])).toEqual(['pie showData', 'pie showData', 'gantt']);
    for (const block of blocks) expect((await parseMermaid(block.text)).ok).toBe(true);
    // The tables stay beside the pictures.
    expect(markdown).toMatch(/### Timeline\n\n\| Step \| Host \|[^]*\n\n```mermaid\ngantt\n/);
    expect(markdown).toMatch(
      /### Where the downtime went\n\n\| Part \|[^]*```text[^]*```mermaid\npie showData/,
    );
  });

  test('a dry run draws the jobs, and no downtime pie', () => {
    const dry = successfulRun().map((r) => ({ ...r, dryRun: true, actions: [] }));
    const markdown = renderAudit(
      buildAudit({
        records: found(dry),
        problems: [],
        facts: { reviews: notRead, jobs: notRead, artifacts: notRead },
        run: null,
        runInfo: {},
        recordsFolder: '/records',
        now: NOW,
      }),
    );
    expect(mermaidBlocks(markdown).map((b) => b.text.split('\n')[0])).toEqual(['gantt']);
    expect(markdown).not.toContain('section Downtime');
  });
});

describe('npm run check:mermaid', () => {
  const script = (...files: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-mermaid.ts', ...files], {
      encoding: 'utf8',
    });

  test('says how many blocks of each file parse, and exits 1 naming the line of one that does not', () => {
    const folder = tempDir('mermaid');
    const good = join(folder, 'good.md');
    const bad = join(folder, 'bad.md');
    writeFileSync(good, `# ok\n\n${mermaidBlock('pie\n  "a" : 1')}\n\n${mermaidBlock('pie\n  "b" : 2')}\n`);
    writeFileSync(bad, `# not ok\n\n${mermaidBlock('gantt\n  section A\n    stop t1, 2026, 2027')}\n`);
    const ok = script(good);
    expect([ok.status, ok.stdout.trim()]).toEqual([0, `mermaid: 2 block(s) in ${good} parse`]);
    const failed = script(good, bad);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`mermaid: ${bad}:4: `);
  });
});
