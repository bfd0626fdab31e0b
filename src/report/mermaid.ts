// The report's pictures: the timeline as a Mermaid gantt and a breakdown as a Mermaid pie, drawn from the same data
// as the tables beside them (the tables stay, for screen readers and plain-text logs). Every label is made safe for
// Mermaid's grammar here; __tests__/mermaid.test.ts parses the result with mermaid's own parser.
import type { Breakdown, BreakdownPart, GateWait } from './breakdown.js';
import type { Span } from './downtime.js';
import type { TimelineRow } from './timeline.js';

/** What the gantt draws: the jobs (stage records), the gates' waits for reviewers, the downtime span. */
export interface GanttInput {
  timeline: readonly TimelineRow[];
  gateWaits: readonly GateWait[];
  downtime: Span;
  /** order resume-after-primary: after the downtime, the pair without failover. */
  withoutFailover?: Span | null;
  /** The report's time: the end of whatever is still open. */
  now: string;
}

/** A fenced ```mermaid block, as GitHub renders it. */
export function mermaidBlock(diagram: string): string {
  return ['```mermaid', diagram, '```'].join('\n');
}

/** Text that would end the code fence, start a Mermaid directive or comment (%%), or break the line. */
function common(text: string): string {
  return text
    .replace(/`/g, "'")
    .replace(/%%+/g, '%')
    .replace(/[\r\n\u2028\u2029\t]+/g, ' ');
}

/**
 * Words the gantt's lexer reads as a statement at the start of a line (`section x`, `title x`, a date): a task named
 * so would not be a task.
 */
const GANTT_STATEMENT =
  /^(dateFormat|inclusiveEndDates|topAxis|axisFormat|tickInterval|includes|excludes|todayMarker|weekday|weekend|title|accTitle|accDescr|section|click|call|href|callback|displayMode|\d{4}-\d{2}-\d{2})/i;

/**
 * A gantt task's name: the grammar ends it at a colon (the task's data follows), reads `#` and `;` as the end of a
 * statement, and starts a comment at `%%`; those become ' -', '' and ','.
 */
export function ganttLabel(text: string): string {
  const label = common(text)
    .replace(/:/g, ' -')
    .replace(/#/g, '')
    .replace(/;/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
  if (!label) return '-';
  return GANTT_STATEMENT.test(label) ? `- ${label}` : label;
}

/** A pie slice's label, written in double quotes: a double quote in it becomes a single one. */
export function pieLabel(text: string): string {
  return common(text).replace(/"/g, "'").replace(/\s+/g, ' ').trim() || '-';
}

/** An ISO time as the gantt's dateFormat reads it, in UTC to the second. */
function ganttTime(iso: string): string | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : null;
}

/** The dateFormat the gantt's times are written in (dayjs tokens; T is a literal). */
export const GANTT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss';

/** One bar of a gantt: its label, Mermaid's tags (done, crit, active), and its span in the gantt's dateFormat. */
export interface GanttTask {
  label: string;
  tags: string[];
  from: string;
  to: string;
}

/** A bar from `from` to `to` (or to `now` while open); none when the start is unknown. */
export function ganttTask(
  label: string,
  tags: string[],
  from: string | null,
  to: string | null,
  now: string,
): GanttTask[] {
  const a = from ? ganttTime(from) : null;
  const b = ganttTime(to ?? now);
  return a && b ? [{ label, tags, from: a, to: b < a ? a : b }] : [];
}
const task = ganttTask;

/** A gantt of sections of bars (sections without bars are left out); null when there is no bar at all. */
export function gantt(
  title: string,
  sections: readonly { name: string; tasks: GanttTask[] }[],
): string | null {
  const shown = sections.filter((s) => s.tasks.length);
  if (!shown.length) return null;
  let id = 0;
  return [
    'gantt',
    `  title ${ganttLabel(title)}`,
    `  dateFormat ${GANTT_DATE_FORMAT}`,
    '  axisFormat %H:%M',
    '  todayMarker off',
    ...shown.flatMap((s) => [
      `  section ${ganttLabel(s.name)}`,
      ...s.tasks.map(
        (t) => `    ${ganttLabel(t.label)} :${[...t.tags, `t${++id}`, t.from, t.to].join(', ')}`,
      ),
    ]),
  ].join('\n');
}

const TAGS: Partial<Record<TimelineRow['status'], string[]>> = {
  succeeded: ['done'],
  passed: ['done'],
  failed: ['crit'],
  interrupted: ['crit'],
  'not approved': ['crit'],
};

/** The timeline as a gantt: one task per job that ran, per gate wait measured, and the downtime; null with none. */
export function timelineGantt(input: GanttInput): string | null {
  const { now } = input;
  const jobs = input.timeline
    .filter((r) => r.kind !== 'gate')
    .flatMap((r) =>
      task(
        `${r.title}${r.dryRun ? ' (dry-run)' : ''}`,
        TAGS[r.status] ?? [],
        r.startedAt,
        r.finishedAt ?? (r.startedAt ? now : null),
        now,
      ),
    );
  const gates = input.timeline
    .filter((r) => r.kind === 'gate')
    .flatMap((r) => {
      const wait = input.gateWaits.find((w) => w.job === r.job && w.from && w.to);
      return wait
        ? task(`${r.title}, waiting for reviewers`, ['active'], wait.from, wait.to, now)
        : task(r.title, TAGS[r.status] ?? [], r.startedAt, r.finishedAt, now);
    });
  const spans = [
    { span: input.downtime, name: 'downtime: JAMS stopped' },
    ...(input.withoutFailover ? [{ span: input.withoutFailover, name: 'the pair without failover' }] : []),
  ].flatMap(({ span, name }) =>
    task(`${name}${span.open ? ' (still open)' : ''}`, ['crit'], span.from, span.to, now),
  );
  return gantt('Timeline (UTC)', [
    { name: 'Jobs', tasks: jobs },
    { name: 'Gates', tasks: gates },
    { name: 'Downtime', tasks: spans },
  ]);
}

/** A breakdown part as the bar chart names it: where, then what. */
export const partLabel = (p: BreakdownPart): string => (p.where ? `${p.where}: ${p.part}` : p.part);

/** A pie shows this many slices at most; the parts past them, and any under 2 % of the span, are one slice. */
export const PIE_SLICES = 8;

/** A breakdown as a pie of seconds, longest first; null when nothing took any time (no downtime). */
export function breakdownPie(b: Breakdown, title: string): string | null {
  const timed = b.parts.filter((p) => Math.round(p.ms / 100) > 0);
  const total = timed.reduce((sum, p) => sum + p.ms, 0);
  const shown = timed.filter((p, i) => i < PIE_SLICES && p.ms >= total * 0.02);
  const rest = timed.slice(shown.length);
  return pie(`${title} (seconds)`, [
    ...shown.map((p) => ({ label: partLabel(p), value: Math.round(p.ms / 100) / 10 })),
    ...(rest.length === 1 && rest[0]
      ? [{ label: partLabel(rest[0]), value: Math.round(rest[0].ms / 100) / 10 }]
      : rest.length
        ? [
            {
              label: `${rest.length} smaller parts (the table lists each)`,
              value: Math.round(rest.reduce((sum, p) => sum + p.ms, 0) / 100) / 10,
            },
          ]
        : []),
  ]);
}

/** A pie of slices; null without any. Two slices that read alike stay apart (Mermaid keeps the first of a label). */
export function pie(title: string, slices: readonly { label: string; value: number }[]): string | null {
  if (!slices.length) return null;
  const seen = new Set<string>();
  const lines = slices.map(({ label: name, value }) => {
    let label = pieLabel(name);
    for (let n = 2; seen.has(label); n++) label = `${pieLabel(name)} (${n})`;
    seen.add(label);
    return `  "${label}" : ${value.toFixed(1)}`;
  });
  return ['pie showData', `  title ${pieLabel(title)}`, ...lines].join('\n');
}
