// The fleet view (jams-status.yml): every listed environment's nodes from their status records
// (jams-status-<environment>-<role>-...), as one table with each node's drift from the newest version in the fleet,
// and one picture (the nodes by installed version).
import { statusOfArtifact } from '../fleet.js';
import { parseJamsVersion } from '../jams/version.js';
import type { StatusData } from '../stage-data.js';
import { formatTime, table } from './markdown.js';
import { mermaidBlock, pie } from './mermaid.js';
import { byTime, type FoundRecord } from './records.js';

export interface NodeStatus {
  environment: string;
  role: 'primary' | 'secondary';
  host: string | null;
  /** read: the status stage read the node; failed: it could not; missing: no record (the job did not run). */
  read: 'read' | 'failed' | 'missing';
  status: StatusData | null;
  /** newest, behind <newest>, or unknown. */
  drift: string;
  failure: string | null;
}

export interface FleetStatus {
  kind: 'fleet-status';
  generatedAt: string;
  /** The newest version any node of the fleet runs; null when none was read. */
  newest: string | null;
  nodes: NodeStatus[];
}

export function buildStatus(
  records: readonly FoundRecord[],
  environments: readonly string[],
  now: string,
): FleetStatus {
  const latest = new Map<string, FoundRecord>();
  for (const r of [...records].sort(byTime)) {
    const of = r.record.stage === 'status' && r.artifact ? statusOfArtifact(r.artifact) : null;
    if (of && of.role === r.record.role) latest.set(`${of.environment}\n${of.role}`, r);
  }
  const nodes = environments.flatMap((environment) =>
    (['primary', 'secondary'] as const).map((role) => {
      const found = latest.get(`${environment}\n${role}`)?.record;
      return {
        environment,
        role,
        host: found?.host?.computerName ?? null,
        read: !found
          ? ('missing' as const)
          : found.status === 'succeeded'
            ? ('read' as const)
            : ('failed' as const),
        status: found?.data.status ?? null,
        drift: 'unknown',
        failure: found?.failure?.message ?? null,
      };
    }),
  );
  const versions = nodes.flatMap((n) => (n.status?.version ? [n.status.version] : []));
  const newest =
    versions.sort((a, b) => parseJamsVersion(b)?.compare(parseJamsVersion(a) ?? '0.0.0') ?? 0)[0] ?? null;
  for (const n of nodes) {
    const v = n.status?.version;
    if (!v || !newest) continue;
    n.drift =
      parseJamsVersion(v)?.compare(parseJamsVersion(newest) ?? v) === 0 ? 'newest' : `behind ${newest}`;
  }
  return { kind: 'fleet-status', generatedAt: now, newest, nodes };
}

/** The agents' versions in a cell: how many run each version. */
function agentsCell(status: StatusData | null): string {
  if (!status?.agents) return '';
  if (!status.agents.length) return 'none';
  const counts = new Map<string, number>();
  for (const a of status.agents)
    counts.set(a.version ?? 'unknown', (counts.get(a.version ?? 'unknown') ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} x${n}`).join(', ');
}

export function renderStatus(s: FleetStatus): string {
  const rows = s.nodes.map((n) => [
    n.environment,
    n.role,
    n.host ?? '',
    n.status?.version ?? (n.read === 'missing' ? 'no record' : `not read: ${n.failure ?? 'failed'}`),
    n.status?.roleLabel ?? '',
    n.drift === 'newest' || n.drift === 'unknown' ? n.drift : `**${n.drift}**`,
    agentsCell(n.status),
    n.status?.lastUpgrade
      ? `${n.status.lastUpgrade.phase} to ${n.status.lastUpgrade.targetVersion} at ${formatTime(n.status.lastUpgrade.at)}`
      : n.status
        ? 'none recorded'
        : '',
  ]);
  const byVersion = new Map<string, number>();
  for (const n of s.nodes) {
    const key = n.status?.version ?? 'not read';
    byVersion.set(key, (byVersion.get(key) ?? 0) + 1);
  }
  const picture = pie(
    'JAMS nodes by installed version',
    [...byVersion].map(([label, value]) => ({ label, value })),
  );
  const behind = s.nodes.filter((n) => n.drift.startsWith('behind')).length;
  return [
    '## JAMS fleet status',
    '',
    `Newest version in the fleet: **${s.newest ?? 'none read'}**. ${behind} of ${s.nodes.length} node(s) behind it; ` +
      `${s.nodes.filter((n) => n.read !== 'read').length} not read.`,
    '',
    table(['Environment', 'Node', 'Host', 'Version', 'Role', 'Drift', 'Agents', 'Last upgrade'], rows),
    '',
    ...(picture ? [mermaidBlock(picture), ''] : []),
  ].join('\n');
}
