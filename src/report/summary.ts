import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import type { ServiceState } from '../jams/services.js';
import type { StageRecord } from './record.js';

function serviceRows(before: ServiceState[] = [], after: ServiceState[] = []): string[][] {
  const names = [...new Set([...before, ...after].map((s) => s.name))];
  return names.map((name) => {
    const b = before.find((s) => s.name === name);
    const a = after.find((s) => s.name === name);
    return [
      name,
      b?.status ?? '',
      a?.status ?? '',
      a?.account ?? b?.account ?? '',
      a?.startType ?? b?.startType ?? '',
    ];
  });
}

/** One-line outcome used in the summary heading and the log. */
export function headline(record: StageRecord): string {
  const where =
    record.role === 'none'
      ? record.stage
      : `${record.stage} on ${record.host?.computerName ?? '?'} (${record.role})`;
  const mode = record.dryRun ? ' [dry-run]' : '';
  return record.status === 'succeeded' ? `${where}: succeeded${mode}` : `${where}: FAILED${mode}`;
}

/**
 * The job summary: outcome, services before and after, what was done, on failure what to do next, then any
 * sections the stage added. Kept as summary.md in the stage folder too, so the artifact and the rehearsal show it.
 * A stage with no host that succeeded and wrote its own sections (the report) gets those alone.
 */
export async function writeSummary(
  record: StageRecord,
  recordPath: string,
  markdownPath: string,
  sections: readonly string[] = [],
): Promise<void> {
  const s = core.summary.emptyBuffer();
  if (record.role !== 'none' || record.status !== 'succeeded' || sections.length === 0) {
    s.addHeading(`jams-upgrade: ${headline(record)}`, 3);
    if (record.lab)
      s.addRaw('<p><b>LAB</b>: ran against the simulated JAMS pair, not a real host.</p>', true);
  }
  if (record.failure) {
    s.addTable([
      [{ data: 'Failure', header: true }, { data: record.failure.message }],
      [{ data: 'Left in', header: true }, { data: record.failure.hostState }],
      [{ data: 'Next step', header: true }, { data: record.failure.nextStep }],
    ]);
  }
  if (record.servicesBefore || record.servicesAfter) {
    s.addTable([
      ['Service', 'Before', 'After', 'Log On As', 'Start type'].map((h) => ({ data: h, header: true })),
      ...serviceRows(record.servicesBefore, record.servicesAfter),
    ]);
  }
  if (record.actions.length) {
    s.addTable([
      ['Action', 'Target', 'Outcome', 'Detail'].map((h) => ({ data: h, header: true })),
      ...record.actions.map((a) => [a.what, a.target, a.outcome, a.detail ?? '']),
    ]);
  }
  if (record.warnings.length) s.addList(record.warnings);
  // A blank line ends the HTML block before it, so GitHub renders the section as Markdown.
  for (const section of sections) s.addRaw(`\n${section}`, true);
  s.addRaw(`<p>Record: <code>${recordPath}</code></p>`, true);
  writeFileSync(markdownPath, s.stringify());
  if (process.env['GITHUB_STEP_SUMMARY']) await s.write();
  else s.emptyBuffer();
}
