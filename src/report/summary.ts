import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import type { ServiceState } from '../jams/services.js';
import { AGENT_COLUMNS, agentCells, headlineOf, STEPS_TITLE } from './agents-section.js';
import type { StageRecord } from './record.js';
import type { InstallerKindData, UpgradeData } from '../stage-data.js';

function upgradeRows(u: UpgradeData): string[][] {
  const rows = [
    ['Version', `${u.versionBefore ?? '?'} -> ${u.versionAfter ?? '?'}`],
    ['Installer', `${u.install}${u.installer ? `: ${u.installer.path}` : ''}`],
  ];
  if (u.installer?.sha256) rows.push(['SHA-256', u.installer.sha256]);
  if (u.installer?.signer) rows.push(['Signed by', u.installer.signer]);
  if (u.exitCode !== undefined)
    rows.push(['Exit code', `${u.exitCode ?? 'unknown'}: ${u.exitMeaning ?? ''}`]);
  rows.push(['Reboot required', u.rebootRequired ? 'yes (not rebooted)' : 'no']);
  if (u.log) rows.push(['Installer log', u.log]);
  if (u.errorLine) rows.push(['Error line', `${u.errorLine.line}: ${u.errorLine.text}`]);
  return rows;
}

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
  const upgrade = record.data.upgrade;
  if (upgrade) {
    s.addHeading(record.stage === 'reinstall' ? 'Reinstall' : 'Upgrade', 4).addTable(upgradeRows(upgrade));
    if (upgrade.accounts?.length) {
      s.addTable([
        ['Service', 'Recorded Log On As', 'Before', 'After', 'Outcome'].map((h) => ({
          data: h,
          header: true,
        })),
        ...upgrade.accounts.map((a) => [a.service, a.recorded, a.before, a.after, a.outcome]),
      ]);
    }
  }
  const checks = record.data.checks;
  if (checks?.length) {
    // verify's checks, and the soak's (its rates and stuck entries among them).
    s.addHeading('Checks', 4);
    s.addTable([
      ['Check', 'Expected', 'Found', 'Holds'].map((h) => ({ data: h, header: true })),
      ...checks.map((c) => [
        escape(c.check),
        escape(c.expected),
        escape(c.actual),
        c.ok ? 'yes' : '<b>NO</b>',
      ]),
    ]);
  }
  const config = record.data.configReapply;
  if (config) {
    s.addHeading(`Config customisations (config-mode ${config.mode})`, 4);
    s.addRaw(`<p>Saved copies: <code>${config.savedIn}</code></p>`, true);
    s.addTable([
      ['File', 'Action', 'Reapplied'].map((h) => ({ data: h, header: true })),
      ...config.files.map((f) => [
        f.name,
        f.action,
        f.diff.length ? `<pre>${escape(f.diff.join('\n'))}</pre>` : '',
      ]),
    ]);
  }
  const agents = record.data.agents;
  if (agents) {
    s.addHeading('Agents and desktop clients', 4);
    s.addRaw(`<p>${escape(headlineOf(agents, (t) => t))}</p>`, true);
    if (agents.rows.length) {
      s.addTable([
        AGENT_COLUMNS.map((h) => ({ data: h, header: true })),
        ...agents.rows.map((r) => agentCells(r, (x) => x.toUpperCase()).map(escape)),
      ]);
    }
    const steps = agents.rows.filter((r) => r.manualStep);
    if (steps.length) {
      s.addRaw(`<p>${STEPS_TITLE}:</p>`, true);
      s.addList(steps.map((r) => escape(`${r.name} (${r.detail}): ${r.manualStep}`)));
    }
    if (agents.clientsNote) s.addRaw(`<p>${escape(agents.clientsNote)}</p>`, true);
    if (agents.progress.length) s.addCodeBlock(agents.progress.join('\n'));
  }
  const kinds = [record.data.installerKind, record.data.clientInstallerKind].filter(
    (k): k is InstallerKindData => k !== undefined,
  );
  if (kinds.length) {
    s.addHeading('Installer kind (read from its bytes)', 4);
    s.addTable([
      ['Installer', 'Kind', 'Evidence', 'Arguments', 'They suit it'].map((h) => ({ data: h, header: true })),
      ...kinds.map((k) => [
        escape(k.path),
        k.kind ?? 'not read',
        escape(k.evidence ?? ''),
        escape(`${k.input}: ${k.arguments}`),
        k.suits === null ? 'not judged' : k.suits ? 'yes' : '<b>NO</b>',
      ]),
    ]);
  }
  const contract = record.data.contract;
  if (contract) {
    s.addHeading('What this host shows (the unverified assumptions, docs/unverified.md)', 4);
    s.addTable([
      ['Assumption', 'Holds', 'Seen', 'To settle it'].map((h) => ({ data: h, header: true })),
      ...contract.map((v) => [
        v.id,
        v.holds === null ? 'not judged' : v.holds ? 'yes' : '<b>NO</b>',
        escape(v.seen),
        escape(v.settle),
      ]),
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

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
