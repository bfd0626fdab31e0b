// The fleet report of a promotion (jams-fleet.yml): each ring's upgrade report and soak records, read from the
// downloaded artifacts (jams-upgrade-ring-<n>-...), as one table, one gantt of the whole promotion, and the ring that
// stopped it with why.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { ringOfArtifact } from '../fleet.js';
import type { SoakData, VerifyCheck } from '../stage-data.js';
import type { AuditReport } from './audit.js';
import { formatSeconds, table } from './markdown.js';
import { gantt, ganttTask, mermaidBlock, type GanttTask } from './mermaid.js';
import { byTime, type FoundRecord } from './records.js';

export type RingResult = 'succeeded' | 'upgrade failed' | 'soak failed' | 'incomplete' | 'not started';

export interface RingSoak {
  role: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  data: SoakData | null;
  checks: VerifyCheck[];
  failure: string | null;
}

export interface RingRow {
  ring: number;
  environment: string;
  result: RingResult;
  /** Why it did not succeed, in one sentence; null when it did. */
  why: string | null;
  upgrade: {
    result: AuditReport['result'];
    dryRun: boolean;
    from: string | null;
    to: string | null;
    downtimeSeconds: number | null;
    windowSeconds: number | null;
    gates: string[];
    versions: string[];
  } | null;
  soak: RingSoak[];
}

export interface FleetPromotion {
  kind: 'fleet-promotion';
  generatedAt: string;
  result: 'succeeded' | 'stopped' | 'incomplete';
  /** The ring that stopped the promotion, and why; null when it did not stop. */
  stoppedAt: { ring: number; environment: string; why: string } | null;
  rings: RingRow[];
}

/** The latest audit report (report.json) under each ring's artifacts, by ring. */
function ringReports(folder: string): Map<number, AuditReport> {
  const found = new Map<number, AuditReport>();
  let files: string[];
  try {
    files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter(
      (f) => basename(f) === 'report.json',
    );
  } catch {
    return found;
  }
  for (const file of files) {
    const ring = ringOfArtifact(file.split(sep)[0] ?? '');
    if (ring === null) continue;
    try {
      const audit = JSON.parse(readFileSync(join(folder, file), 'utf8')) as AuditReport;
      if (audit.kind !== 'audit-report') continue;
      const known = found.get(ring);
      if (!known || known.generatedAt < audit.generatedAt) found.set(ring, audit);
    } catch {
      // An unreadable report leaves the ring without one; its records still show.
    }
  }
  return found;
}

/** The latest soak record of each role in the ring. */
function ringSoaks(records: readonly FoundRecord[]): RingSoak[] {
  const latest = new Map<string, FoundRecord>();
  for (const r of [...records].sort(byTime)) if (r.record.stage === 'soak') latest.set(r.record.role, r);
  return [...latest.values()].map(({ record }) => ({
    role: record.role,
    status: record.status,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt ?? null,
    data: record.data.soak ?? null,
    checks: record.data.checks ?? [],
    failure: record.failure?.message ?? null,
  }));
}

function ringRow(
  ring: number,
  environment: string,
  audit: AuditReport | undefined,
  soaks: RingSoak[],
): RingRow {
  const upgrade = audit
    ? {
        result: audit.result,
        dryRun: audit.dryRun,
        from: audit.timeline.find((t) => t.startedAt)?.startedAt ?? null,
        to: audit.generatedAt,
        downtimeSeconds: audit.downtime.seconds,
        windowSeconds: audit.maintenanceWindow.seconds,
        gates: audit.approvals.gates.map((g) => `${g.title}: ${g.state}${g.by ? ` by ${g.by}` : ''}`),
        versions: audit.versions.map((v) => `${v.role} ${v.before ?? '?'} -> ${v.after ?? '?'}`),
      }
    : null;
  const base = { ring, environment, upgrade, soak: soaks };
  if (!audit && !soaks.length) return { ...base, result: 'not started', why: null };
  if (audit && audit.result !== 'succeeded') {
    const failure = audit.failures[0];
    return {
      ...base,
      result: audit.result === 'failed' ? 'upgrade failed' : 'incomplete',
      why: failure ? `${failure.title}: ${failure.message}` : `the upgrade's report says ${audit.result}`,
    };
  }
  const failed = soaks.find((s) => s.status !== 'succeeded');
  if (failed) {
    return {
      ...base,
      result: 'soak failed',
      why: `soak (${failed.role}): ${failed.failure ?? failed.status}`,
    };
  }
  if (!audit) return { ...base, result: 'incomplete', why: 'no report of the upgrade was found' };
  if (soaks.length < 2) return { ...base, result: 'incomplete', why: 'the soak has not judged both nodes' };
  return { ...base, result: 'succeeded', why: null };
}

/** Builds the promotion's report from the records folder (records: every stage record found under it). */
export function buildPromotion(
  folder: string,
  records: readonly FoundRecord[],
  rings: readonly string[],
  now: string,
): FleetPromotion {
  const reports = ringReports(folder);
  const rows = rings.map((environment, i) => {
    const ring = i + 1;
    const own = records.filter((r) => r.artifact !== null && ringOfArtifact(r.artifact) === ring);
    return ringRow(ring, environment, reports.get(ring), ringSoaks(own));
  });
  // The report runs once every ring job has ended: a ring that did not succeed (an incomplete one too: a rejected
  // gate, a cancelled run, a soak that never ran) is where the promotion stopped.
  const stop = rows.find((r) => r.result !== 'succeeded');
  const stoppedAt =
    stop && stop.result !== 'not started'
      ? { ring: stop.ring, environment: stop.environment, why: stop.why ?? stop.result }
      : null;
  return {
    kind: 'fleet-promotion',
    generatedAt: now,
    result: stoppedAt ? 'stopped' : stop ? 'incomplete' : 'succeeded',
    stoppedAt,
    rings: rows,
  };
}

/** The soak in a cell: how long, the rates and what failed. */
function soakCell(soaks: readonly RingSoak[]): string {
  if (!soaks.length) return 'not run';
  const primary = soaks.find((s) => s.role === 'primary')?.data;
  const rates = primary?.rates;
  const failed = soaks.flatMap((s) => s.checks.filter((c) => !c.ok).map((c) => `${s.role}: ${c.check}`));
  return [
    primary?.soakedMinutes !== undefined ? `${primary.soakedMinutes} min` : null,
    rates
      ? `failed entries ${rates.before.percent ?? '-'} % before, ${rates.during.percent ?? '-'} % during ` +
        `(${rates.during.failed} of ${rates.during.completed}; noise ${rates.noise} points)`
      : null,
    failed.length
      ? `**failed**: ${failed.join('; ')}`
      : soaks.every((s) => s.status === 'succeeded')
        ? 'healthy'
        : null,
  ]
    .filter(Boolean)
    .join('; ');
}

/** The gantt of the promotion: per ring its upgrade, downtime, the soak's wait and the soak's checks. */
function promotionGantt(p: FleetPromotion): string | null {
  const sections = p.rings.map((r) => {
    const tasks: GanttTask[] = [];
    const tag = r.result === 'succeeded' ? ['done'] : r.result === 'not started' ? [] : ['crit'];
    if (r.upgrade)
      tasks.push(
        ...ganttTask(
          'upgrade',
          r.upgrade.result === 'succeeded' ? ['done'] : ['crit'],
          r.upgrade.from,
          r.upgrade.to,
          p.generatedAt,
        ),
      );
    const first = [...r.soak].sort((a, b) => a.startedAt.localeCompare(b.startedAt))[0];
    if (r.upgrade?.to && first)
      tasks.push(...ganttTask('soak wait', ['active'], r.upgrade.to, first.startedAt, p.generatedAt));
    for (const s of r.soak)
      tasks.push(...ganttTask(`soak check (${s.role})`, tag, s.startedAt, s.finishedAt, p.generatedAt));
    return { name: `ring ${r.ring} ${r.environment}`, tasks };
  });
  return gantt('Promotion (UTC)', sections);
}

export function renderPromotion(p: FleetPromotion): string {
  const headline =
    p.result === 'succeeded'
      ? `Every ring upgraded and soaked healthy (${p.rings.length}).`
      : p.stoppedAt
        ? `The promotion stopped at ring ${p.stoppedAt.ring} (${p.stoppedAt.environment}): ${p.stoppedAt.why.replace(/\.$/, '')}. ` +
          'No later ring was started.'
        : 'The promotion is incomplete: no ring left a record to read (see the table).';
  const rows = p.rings.map((r) => [
    r.ring,
    r.environment,
    r.result === 'succeeded' ? r.result : `**${r.result}**`,
    r.upgrade ? `${r.upgrade.versions.join(', ') || '-'}${r.upgrade.dryRun ? ' (dry-run)' : ''}` : '-',
    r.upgrade ? formatSeconds(r.upgrade.downtimeSeconds) : '-',
    r.upgrade ? formatSeconds(r.upgrade.windowSeconds) : '-',
    r.upgrade ? r.upgrade.gates.join('; ') || '-' : '-',
    soakCell(r.soak),
  ]);
  const picture = promotionGantt(p);
  return [
    '## JAMS fleet promotion',
    '',
    `**Result: ${p.result}.** ${headline}`,
    '',
    table(['Ring', 'Environment', 'Result', 'Versions', 'Downtime', 'Window', 'Gates', 'Soak'], rows),
    '',
    ...(picture ? [mermaidBlock(picture), ''] : []),
    ...p.rings.filter((r) => r.why).map((r) => `- Ring ${r.ring} (${r.environment}): ${r.why}`),
    '',
  ].join('\n');
}
