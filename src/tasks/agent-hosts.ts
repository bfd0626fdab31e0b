// The machines the agents stage reaches (each agent's host, each workstation): listed by preflight for the downtime
// gate, and checked against agent-hosts-allowed (a trust root of the protected environment) there and again by the
// agents stage, before any change.
import { agentHost, globMatch, planAgent, selectAgents, type AgentInfo } from '../jams/agent-rules.js';
import { StageError, type StageContext } from '../stage-context.js';
import type { ReachedHost, AgentHostsData } from '../stage-data.js';

/** Whether agent-hosts-allowed lets the stage reach `host`: a name or a * ? pattern, case-insensitive. */
export function hostAllowed(host: string, allowed: readonly string[] | null): boolean {
  return allowed === null || allowed.some((pattern) => globMatch(pattern, host));
}

/** The hosts of the agents the stage upgrades (not those it skips or leaves to a person), then the workstations. */
export function reachedHosts(
  agents: readonly AgentInfo[],
  method: 'deploy' | 'msi',
  clients: readonly string[],
): ReachedHost[] {
  const how =
    method === 'msi' ? 'WinRM, the agent MSI' : "its deploy job (JAMS, the agent's deploy credential)";
  return [
    ...agents.map((a) => ({ host: agentHost(a), source: `agent ${a.name}`, how })),
    ...clients.map((c) => ({ host: c, source: 'clients input', how: 'WinRM, the JAMS installer' })),
  ];
}

/** Refuses, before any change, when a host the stage would reach is not in agent-hosts-allowed. */
export function refuseUnlisted(ctx: StageContext, hosts: readonly ReachedHost[], rerun: string): void {
  const allowed = ctx.settings.agents.hostsAllowed;
  const refused = hosts.filter((h) => !hostAllowed(h.host, allowed));
  if (refused.length === 0) return;
  throw new StageError(
    `${refused.length} host(s) the agents stage would reach are not in agent-hosts-allowed (${(allowed ?? []).join(', ')}): ` +
      `${refused.map((h) => `${h.host} (${h.source})`).join(', ')}.`,
    'Nothing was changed.',
    "Check that these machines are yours (an agent definition's Address in JAMS decides where the stage connects): " +
      'correct the agent definitions or the agents and clients inputs, or add the hosts to the JAMS_AGENT_HOSTS_ALLOWED ' +
      `variable of the hosts environment; then ${rerun}.`,
  );
}

/**
 * preflight on the primary: the machines the agents stage of this run will reach, from the agent definitions JAMS
 * holds now and the clients input, for the downtime gate's reviewers (the job summary and the agent-hosts output).
 * A host outside agent-hosts-allowed fails preflight, so the gate never opens.
 */
export async function listAgentHosts(ctx: StageContext): Promise<AgentHostsData | null> {
  const settings = ctx.settings.agents;
  if (ctx.settings.role !== 'primary' || ctx.settings.pipeline !== 'upgrade') return null;
  if (settings.patterns.length === 0 && settings.clients.length === 0) {
    const none: AgentHostsData = { hosts: [], allowed: settings.hostsAllowed, notes: [] };
    ctx.record.data.agentHosts = none;
    return none;
  }
  const server = ctx.settings.maintenance.jamsServer;
  const notes: string[] = [];
  let agents: AgentInfo[] = [];
  if (settings.patterns.length > 0) {
    try {
      const { selected, missing } = selectAgents(await ctx.host.agents(server), settings.patterns);
      if (missing.length > 0) {
        notes.push(
          `JAMS on ${server} defines no agent ${missing.join(', ')}: the agents stage will stop on it.`,
        );
      }
      // Before the upgrade every agent is behind the target; without one, every agent a method covers is counted.
      const target = ctx.settings.targetVersion ?? '999999.0.0';
      agents = selected.filter(
        (a) =>
          planAgent(a, settings.method, target, `${ctx.settings.installFolder}\\Agents`).action === 'upgrade',
      );
    } catch (err) {
      notes.push(`The agent definitions could not be read from JAMS on ${server}: ${(err as Error).message}`);
    }
  }
  const data: AgentHostsData = {
    hosts: reachedHosts(agents, settings.method, settings.clients),
    allowed: settings.hostsAllowed,
    notes,
  };
  ctx.record.data.agentHosts = data;
  for (const note of notes) ctx.log.warn(note);
  ctx.log.info(
    `the agents stage will reach ${data.hosts.length} host(s): ${data.hosts.map((h) => h.host).join(', ') || 'none'}`,
  );
  ctx.summarySections.push(agentHostsMarkdown(data));
  refuseUnlisted(ctx, data.hosts, 're-run preflight');
  if (settings.hostsAllowed === null && data.hosts.length > 0) {
    ctx.log.info(
      'agent-hosts-allowed is not set: the agents stage reaches any host JAMS names; set JAMS_AGENT_HOSTS_ALLOWED in ' +
        'the hosts environment to limit it',
    );
  }
  return data;
}

/** A table cell: host data cannot end the cell or the row, nor carry markup. */
const cell = (text: string): string =>
  text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

/** The job summary's section, which the downtime gate's reviewers read. */
export function agentHostsMarkdown(data: AgentHostsData): string {
  return [
    '#### The hosts the agents stage will reach',
    data.hosts.length
      ? [
          '| Host | Named by | How | Allowed |',
          '| --- | --- | --- | --- |',
          ...data.hosts.map(
            (h) =>
              `| ${[h.host, h.source, h.how].map(cell).join(' | ')} | ` +
              `${data.allowed ? (hostAllowed(h.host, data.allowed) ? 'yes' : '**no**') : 'any host (no list)'} |`,
          ),
        ].join('\n')
      : 'None.',
    ...data.notes,
  ].join('\n\n');
}
