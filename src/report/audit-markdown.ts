import { agentsMarkdown } from './agents-section.js';
import { describeBuild } from './action-identity.js';
import type { AuditReport } from './audit.js';
import type { Breakdown, GateWait } from './breakdown.js';
import type { Span } from './downtime.js';
import { gateCheckLine } from './gate-check.js';
import { breakdownPie, mermaidBlock, partLabel, timelineGantt } from './mermaid.js';
import { describeRecordsRead } from './records.js';
import type { RollbackSummary } from './rollback.js';
import { formatSeconds, formatTime, table } from './markdown.js';

function describeSpan(span: Span): string {
  if (!span.from) return span.note;
  const to = span.to ? formatTime(span.to) : 'still open';
  const length = span.open ? `${formatSeconds(span.seconds)} so far` : formatSeconds(span.seconds);
  return `**${length}** (${formatTime(span.from)} to ${to}). ${span.note}`;
}

const RESULT_MARK = { succeeded: 'succeeded', failed: 'FAILED', incomplete: 'incomplete' } as const;

/** The job summary: GitHub Flavored Markdown, readable as plain text in a terminal too. */
export function renderAudit(a: AuditReport): string {
  const out: string[] = [];
  const flags = [a.lab ? 'LAB' : '', a.dryRun ? 'dry-run' : ''].filter(Boolean);
  out.push(
    `## JAMS ${a.pipeline} report: ${RESULT_MARK[a.result]}${flags.length ? ` [${flags.join(', ')}]` : ''}`,
  );
  const run = a.run.url
    ? `[run ${a.run.id}, attempt ${a.run.attempt}](${a.run.url})`
    : 'not a GitHub Actions run';
  out.push(
    `${run}. Triggered by **${a.run.triggeredBy ?? 'unknown'}**` +
      `${a.run.workflow ? ` (workflow ${a.run.workflow})` : ''}. Report written ${formatTime(a.generatedAt)}.`,
  );
  out.push(describeRecordsRead(a.recordsRead));
  if (a.action.warning) out.push(`**WARNING**: ${a.action.warning}`);
  out.push(
    table(
      ['Measure', 'Value'],
      [
        ...(a.order ? [['Order', `${a.order}, resume gate ${a.resumeGate ?? 'after-agents'}`]] : []),
        ['Downtime', describeSpan(a.downtime)],
        ...(a.withoutFailover
          ? [['After the downtime, the pair without failover', describeSpan(a.withoutFailover)]]
          : []),
        ['Maintenance window', describeSpan(a.maintenanceWindow)],
      ],
    ),
  );
  out.push(...renderBreakdown('Where the downtime went', a.downtimeBreakdown));
  if (a.withoutFailoverBreakdown) {
    out.push(...renderBreakdown('After the downtime, the pair without failover', a.withoutFailoverBreakdown));
  }
  out.push(...renderBreakdown('Where the maintenance window went', a.windowBreakdown));
  const waits = renderGateWaits(a.gateWaits);
  if (waits) out.push(waits);

  out.push('### Timeline');
  out.push(
    table(
      ['Step', 'Host', 'Result', 'Start', 'End', 'Duration', 'Attempts'],
      a.timeline.map((r) => [
        r.title,
        r.host,
        `${r.status}${r.dryRun ? ' (dry-run)' : ''}`,
        formatTime(r.startedAt),
        formatTime(r.finishedAt),
        formatSeconds(r.seconds),
        r.attempts || '',
      ]),
    ),
  );
  const gantt = timelineGantt({
    timeline: a.timeline,
    gateWaits: a.gateWaits,
    downtime: a.downtime,
    withoutFailover: a.withoutFailover,
    now: a.generatedAt,
  });
  if (gantt) out.push(mermaidBlock(gantt));

  out.push('### Versions');
  out.push(
    table(
      ['Role', 'Host', 'Before', 'After', 'Reboot required', 'Read by'],
      a.versions.map((v) => [v.role, v.host, v.before, v.after, v.rebootRequired ? 'yes' : 'no', v.source]),
    ),
  );

  out.push('### Action version');
  const one = a.action.builds.length === 1;
  out.push(
    table(
      ['Version', 'Source digest', 'Ref', 'Ran'],
      a.action.builds.map((b) => {
        // One build ran them all: the stages need no naming; several: which ran which.
        const ran = one ? `all ${b.stages.length} stage record(s)` : b.stages.join(', ');
        return b.recorded ? [b.version, b.source, b.ref ?? 'not set', ran] : [describeBuild(b), '', '', ran];
      }),
    ),
  );

  // A rollback has no agents stage: the section would only say so.
  if (a.pipeline === 'upgrade' || a.agents) {
    out.push('### Agents and clients');
    out.push(
      a.agents
        ? agentsMarkdown(a.agents)
        : 'The agents stage left no record: this run upgraded no agent and no desktop client.',
    );
  }
  if (a.rollback) out.push(...renderRollback(a.rollback));

  out.push('### Approvals');
  out.push(gateCheckLine(a.gateCheck));
  out.push(
    table(
      ['Gate', 'Approves', 'Decision', 'By', 'When', 'Comment'],
      a.approvals.gates.map((g) => [
        g.jobUrl ? `[${g.title}](${g.jobUrl})` : g.title,
        g.approves,
        g.state,
        g.by,
        formatTime(g.at),
        g.comment,
      ]),
    ),
  );
  if (a.approvals.unpaired.length) {
    out.push(
      table(
        ['Reviewer', 'Decision', 'Environments', 'Comment'],
        a.approvals.unpaired.map((r) => [r.user, r.state, r.environments.join(', '), r.comment]),
      ),
    );
  }
  if (a.approvals.note) out.push(a.approvals.note);

  for (const f of a.failures) {
    out.push(`### Failed: ${f.title}${f.host ? ` on ${f.host}` : ''}`);
    out.push(
      [`- **Failure**: ${f.message}`, `- **Left in**: ${f.hostState}`, `- **Next step**: ${f.nextStep}`].join(
        '\n',
      ),
    );
  }
  if (a.failures.length || a.result !== 'succeeded') {
    out.push('### Hosts as last seen');
    out.push(
      table(
        ['Role', 'Host', 'Seen by', 'At', 'Services', 'Failover role'],
        a.hosts.map((h) => [
          h.role,
          h.host,
          h.seenBy,
          formatTime(h.seenAt),
          h.services.map((s) => `${s.name} ${s.status ?? 'missing'}`).join(', '),
          h.failoverRole,
        ]),
      ),
    );
  }
  if (a.nextSteps.length) {
    out.push('### Next steps');
    out.push(a.nextSteps.map((s, i) => `${i + 1}. ${s}`).join('\n'));
  }

  out.push('### Artifacts');
  out.push(
    a.artifacts.items.map((i) => (i.url ? `- [${i.name}](${i.url})` : `- ${i.name}`)).join('\n') || '- none',
  );
  if (a.artifacts.note) out.push(a.artifacts.note);
  if (a.problems.length) {
    out.push('### Problems reading the records');
    out.push(a.problems.map((p) => `- ${p}`).join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}

/** The rollback section: the backup restored and what it cost, and each host's reinstall. */
function renderRollback(r: RollbackSummary): string[] {
  const b = r.backup;
  const restore = table(
    ['Restore', 'Value'],
    [
      ['Result', r.restore.status],
      ['Backup', b ? `${b.file}${b.named ? ' (named by restore-backup-file)' : ''}` : 'none named'],
      ['Database', b?.database],
      ['Taken at', formatTime(b?.takenAt ?? null)],
      ['SHA-256', b?.sha256],
      ['Backup of run', b?.run],
      ['Restored at', formatTime(r.restore.finishedAt)],
      ['Restore took', formatSeconds(r.restore.seconds)],
      ["SQL Server's messages", r.restore.messages.join('\n')],
    ],
  );
  const reinstall = table(
    ['Role', 'Host', 'From', 'To', 'Installer', 'Removed first (uninstall-first)'],
    r.reinstall.map((h) => [h.role, h.host, h.from, h.to, h.install, h.uninstalled ?? 'no']),
  );
  return ['### Rollback', restore, `**Cost**: ${r.lost}`, reinstall];
}

/** "8.2 s" under a minute, as formatSeconds above it. */
export function formatMs(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatSeconds(Math.round(ms / 1000));
}

const BAR_WIDTH = 40;

/** One bar per part, longest first; time waiting for a person is drawn apart (░), so it cannot pass for work. */
export function barChart(b: Breakdown): string {
  const longest = Math.max(0, ...b.parts.map((p) => p.ms));
  const width = Math.max(5, ...b.parts.map((p) => partLabel(p).length));
  const line = (name: string, bar: string, ms: number) =>
    `${name.padEnd(width)}  ${bar.padEnd(BAR_WIDTH)}  ${formatMs(ms).padStart(12)}`;
  const bars = b.parts.map((p) => {
    const length = longest ? Math.max(p.ms > 0 ? 1 : 0, Math.round((p.ms / longest) * BAR_WIDTH)) : 0;
    return line(partLabel(p), (p.kind === 'waiting for a human' ? '░' : '█').repeat(length), p.ms);
  });
  const human = b.parts.some((p) => p.kind === 'waiting for a human');
  return [
    '```text',
    ...bars,
    line('total', '', b.totalMs),
    ...(human ? ['░ waiting for a person (the reviewers of a gate), not for JAMS'] : []),
    '```',
  ].join('\n');
}

/** A breakdown: the table (part, where, kind, time, share, then the total), the bar chart and its note. */
export function renderBreakdown(heading: string, b: Breakdown): string[] {
  if (!b.parts.length) return [`### ${heading}`, b.note];
  const pie = breakdownPie(b, heading);
  const percent = (ms: number) => `${b.totalMs ? Math.round((ms / b.totalMs) * 100) : 0} %`;
  return [
    `### ${heading}`,
    table(
      ['Part', 'Where', 'Kind', 'Time', 'Share'],
      [
        ...b.parts.map((p) => [p.part, p.where, p.kind, formatMs(p.ms), percent(p.ms)]),
        ['**total**', '', '', `**${formatMs(b.totalMs)}**`, '100 %'],
      ],
    ),
    barChart(b),
    ...(pie ? [mermaidBlock(pie)] : []),
    b.note,
  ];
}

/** One line on how long each gate waited for its reviewers, in the window or before it. */
export function renderGateWaits(waits: readonly GateWait[]): string | null {
  const measured = waits.filter((w) => w.ms !== null);
  if (!measured.length) return null;
  return `Waiting for reviewers (a person, not JAMS): ${measured.map((w) => `${w.title} ${formatMs(w.ms ?? 0)}`).join(', ')}.`;
}
