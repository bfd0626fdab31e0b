// The agents stage's record of each agent and desktop client, and how it is shown: the same columns in the stage's job
// summary (summary.ts) and in the audit report's "Agents and clients" section.
import { formatSeconds, table } from './markdown.js';
import type { RowResult, AgentRow, AgentsData } from '../stage-data.js';

const RESULT_WORDS: Record<RowResult, string> = {
  upgraded: 'upgraded',
  skipped: 'skipped',
  failed: 'failed',
  manual: 'need a manual step',
  would: 'would be upgraded',
};

export const AGENT_COLUMNS = [
  'Name',
  'Type or host',
  'Before',
  'After',
  'Method',
  'Duration',
  'Result',
  'Detail',
  'Log',
];
export const STEPS_TITLE = 'Left to a person, before the window reopens';

/** The first line: the target, the method and the counts, `strong` setting off the counts. */
export function headlineOf(data: AgentsData, strong: (text: string) => string): string {
  if (data.rows.length === 0) return 'Nothing to upgrade: no agent and no desktop client was named.';
  const counts = (Object.keys(RESULT_WORDS) as RowResult[])
    .filter((r) => data.counts[r] > 0)
    .map((r) => `${data.counts[r]} ${RESULT_WORDS[r]}`);
  return `Target ${data.targetVersion ?? 'unknown'}, agent-method ${data.method}, ${data.parallel} at a time: ${strong(counts.join(', '))}.`;
}

/** One row's cells; `mark` sets off a result a person must act on (failed, manual). */
export function agentCells(r: AgentRow, mark: (result: string) => string): string[] {
  return [
    r.name,
    r.kind === 'agent' ? `${r.type} on ${r.host}` : r.type,
    r.versionBefore ?? '',
    r.versionAfter ?? '',
    r.method ?? '',
    formatSeconds(r.seconds),
    r.result === 'failed' || r.result === 'manual' ? mark(r.result) : r.result,
    r.detail,
    r.log ?? '',
  ];
}

/** The audit report's "Agents and clients": the table, then the steps left to a person. */
export function agentsMarkdown(data: AgentsData): string {
  const out = [headlineOf(data, (text) => `**${text}**`)];
  if (data.rows.length)
    out.push(
      table(
        AGENT_COLUMNS,
        data.rows.map((r) => agentCells(r, (x) => `**${x}**`)),
      ),
    );
  const steps = data.rows.filter((r) => r.manualStep);
  if (steps.length) {
    out.push(
      [`${STEPS_TITLE}:`, ...steps.map((r) => `- **${r.name}** (${r.detail}): ${r.manualStep}`)].join('\n'),
    );
  }
  if (data.clientsNote) out.push(data.clientsNote);
  return out.join('\n\n');
}

/** The report's next step for the agents and clients a person still has to upgrade. */
export function agentNextSteps(data: AgentsData | null): string[] {
  const open = data?.rows.filter((r) => r.result === 'failed' || r.result === 'manual') ?? [];
  if (open.length === 0) return [];
  return [
    `Upgrade by hand what the agents job did not: ${open.map((r) => r.name).join(', ')}. "Agents and clients" gives ` +
      'the step for each; a re-run of the agents job skips what is already on the new version.',
  ];
}
