import {
  agentHost,
  failedAgentStep,
  planAgent,
  selectAgents,
  versionStanding,
  type AgentInfo,
  type AgentPlan,
  type ItemOutcome,
} from '../jams/agent-rules.js';
import { AGENT_SERVICE_NAME } from '../jams/unverified.js';
import { parseJamsVersion, pickInstalledVersion } from '../jams/version.js';
import { countRows } from '../stage-data.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { deployWork } from '../tasks/agent-deploy.js';
import { reachedHosts, refuseUnlisted } from '../tasks/agent-hosts.js';
import { checkAgentMsi, msiWork } from '../tasks/agent-msi.js';
import { recordedWork, runPool, type PoolWork } from '../tasks/bounded-pool.js';
import { clientWork, planClients, type ClientPlan } from '../tasks/desktop-clients.js';
import { checkInstallerFile } from '../tasks/installer-check.js';
import { checkInstallerKind } from '../tasks/installer-kind.js';
import { hostLabel } from '../tasks/services.js';
import type { AgentRow, AgentsData } from '../stage-data.js';

/**
 * The procedure's "Run the installer on any remote Agents or Desktop Client", on the primary after verify and before
 * the resume gate: the agents named are upgraded to the scheduler's new version (their deploy jobs, or the agent MSI
 * over WinRM), and the desktop clients named with the JAMS installer over WinRM. Everything is proven before the first
 * change; an agent already on the version is skipped, so a re-run picks up the rest.
 */
export const agents: Stage = {
  async run(ctx) {
    const settings = ctx.settings.agents;
    const data: AgentsData = {
      server: ctx.settings.maintenance.jamsServer,
      method: settings.method,
      parallel: settings.parallel,
      targetVersion: null,
      rows: [],
      counts: countRows([]),
      clientsNote: null,
      progress: [],
    };
    ctx.record.data.agents = data;
    const remote = new Set<string>();
    try {
      if (settings.patterns.length === 0 && settings.clients.length === 0) {
        ctx.log.info(
          'nothing to upgrade: no agent and no desktop client was named (inputs agents and clients)',
        );
      } else {
        await upgradeAll(ctx, data, remote);
      }
    } finally {
      if (remote.size > 0) await closeSessions(ctx, [...remote]);
      data.counts = countRows(data.rows);
      if (settings.clients.length === 0) data.clientsNote = clientsNote(ctx, data.targetVersion);
    }
    reportOutcome(ctx, data);
  },
};

/** Where the upgraded scheduler keeps the agent packages. */
const agentsFolderOf = (ctx: StageContext) => `${ctx.settings.installFolder}\\Agents`;

async function upgradeAll(ctx: StageContext, data: AgentsData, remote: Set<string>): Promise<void> {
  const settings = ctx.settings.agents;
  requirePrimary(ctx);
  const target = await schedulerVersion(ctx);
  data.targetVersion = target;
  const agentsFolder = agentsFolderOf(ctx);

  // Proven before the first change: the agents named exist, the packages are sound, the workstations answer.
  const plans = settings.patterns.length > 0 ? await planAgents(ctx, data.server, target, agentsFolder) : [];
  const upgrades = plans.filter((p) => p.plan.action === 'upgrade').map((p) => p.agent);
  // The hosts come from JAMS (an agent's Address) and the clients input: only those agent-hosts-allowed lists.
  refuseUnlisted(ctx, reachedHosts(upgrades, settings.method, settings.clients), 're-run this job');
  const msi =
    settings.method === 'msi' && upgrades.length > 0 ? await checkAgentMsi(ctx, agentsFolder, target) : null;
  const installer = settings.clients.length > 0 ? await checkClientInstaller(ctx, target) : null;
  settings.clients.forEach((c) => remote.add(c));
  const clients = installer
    ? planClients(await ctx.host.remoteStatus(settings.clients, AGENT_SERVICE_NAME), target)
    : [];

  const rows = new Map<AgentInfo | string, AgentRow>();
  for (const { agent, plan } of plans) rows.set(agent, agentRow(ctx, agent, plan));
  for (const plan of clients) rows.set(plan.computer, clientRow(ctx, plan, target));
  data.rows = [...rows.values()];
  warnManual(ctx, data.rows);

  if (upgrades.length > 0) {
    const deploy = settings.method === 'deploy';
    if (!deploy) upgrades.forEach((a) => remote.add(agentHost(a)));
    const work = msi ? msiWork(ctx, data.server, target, msi) : deployWork(ctx, data.server, target);
    await upgrade(ctx, data, upgrades, rows, work, deploy ? 'deploy agent' : 'install agent MSI');
  }
  const toInstall = clients.filter((c) => c.action === 'upgrade').map((c) => c.computer);
  if (installer && toInstall.length > 0) {
    await upgrade(ctx, data, toInstall, rows, clientWork(ctx, installer, target), 'upgrade desktop client');
  }
}

/** The agents stage works on the JAMS server of the primary, which is the active scheduler after verify. */
function requirePrimary(ctx: StageContext): void {
  if (ctx.settings.role !== 'primary') {
    throw new StageError(
      'agents runs on the primary: the agent definitions are read and deployed through its JAMS server, and the agent ' +
        'MSI is taken from its Scheduler folder.',
      'Nothing was changed.',
      "Run agents with role: primary on the primary scheduler's runner.",
    );
  }
}

/**
 * The version the agents and clients go to: the scheduler's on this host. It must be target-version when that is given;
 * a dry-run before the upgrade compares with target-version instead.
 */
async function schedulerVersion(ctx: StageContext): Promise<string> {
  const installed = pickInstalledVersion(await ctx.host.installedVersion());
  const wanted = ctx.settings.targetVersion
    ? (parseJamsVersion(ctx.settings.targetVersion)?.version ?? null)
    : null;
  ctx.record.data.installedVersion = installed;
  if (wanted && installed?.version !== wanted) {
    const error = new StageError(
      `The scheduler on ${hostLabel(ctx)} runs ${installed?.version ?? 'an unreadable version'}, and target-version is ` +
        `${wanted}: the agents follow the scheduler, so the scheduler is upgraded first.`,
      'Nothing was changed.',
      'Run upgrade, start and verify for both hosts first (verify checks the version), then re-run this job.',
    );
    ctx.refuse(error);
    return wanted;
  }
  if (!installed) {
    throw new StageError(
      `The installed JAMS version on ${hostLabel(ctx)} could not be read, so the agents' version is not known.`,
      'Nothing was changed.',
      'Check that JAMS is installed in the install folder and listed under Programs and Features, or give ' +
        'target-version; then re-run this job.',
    );
  }
  return installed.version;
}

/** The agents the input names, each with its plan; a name JAMS does not define stops the stage before any change. */
async function planAgents(
  ctx: StageContext,
  server: string,
  target: string,
  agentsFolder: string,
): Promise<{ agent: AgentInfo; plan: AgentPlan }[]> {
  const defined = await ctx.host.agents(server);
  const { selected, missing, empty } = selectAgents(defined, ctx.settings.agents.patterns);
  if (missing.length > 0) {
    const names = defined.map((a) => a.name);
    throw new StageError(
      `The agents input names ${missing.map((m) => `'${m}'`).join(', ')}, which JAMS on ${server} does not define ` +
        `(it defines ${names.slice(0, 20).join(', ') || 'no agent'}${names.length > 20 ? ', ...' : ''}).`,
      'Nothing was changed.',
      "Correct the 'agents' input to names as the JAMS Client's Agents view shows them (or patterns with * and ?), " +
        'then re-run this job.',
    );
  }
  for (const pattern of empty)
    ctx.log.warn(`The agents pattern '${pattern}' matches no agent defined on ${server}.`);
  ctx.log.info(
    `${selected.length} of ${defined.length} agent definition(s) on ${server} selected; target ${target}`,
  );
  return selected.map((agent) => ({
    agent,
    plan: planAgent(agent, ctx.settings.agents.method, target, agentsFolder),
  }));
}

function agentRow(ctx: StageContext, agent: AgentInfo, plan: AgentPlan): AgentRow {
  const row: AgentRow = {
    kind: 'agent',
    name: agent.name,
    type: [agent.type, agent.platform].filter(Boolean).join(' ') || 'unknown type',
    host: agentHost(agent),
    versionBefore: agent.version,
    versionAfter: agent.version,
    method: plan.action === 'upgrade' ? plan.method : null,
    seconds: null,
    result: plan.action === 'upgrade' ? 'would' : plan.action === 'skip' ? 'skipped' : 'manual',
    detail: plan.action === 'upgrade' ? `${agent.version ?? 'no version'} -> upgrade` : plan.reason,
    manualStep: plan.action === 'manual' ? plan.manualStep : null,
    log: null,
  };
  if (plan.action !== 'upgrade') {
    ctx.skip(
      'upgrade agent',
      agent.name,
      plan.action === 'manual' ? `needs a manual step: ${plan.reason}` : plan.reason,
    );
  }
  return row;
}

function clientRow(ctx: StageContext, plan: ClientPlan, target: string): AgentRow {
  const upgrade = plan.action === 'upgrade';
  if (plan.action === 'skip' || plan.action === 'manual')
    ctx.skip('upgrade desktop client', plan.computer, plan.reason);
  return {
    kind: 'client',
    name: plan.computer,
    type: 'desktop client',
    host: plan.computer,
    versionBefore: plan.versionBefore,
    versionAfter: plan.versionBefore,
    method: upgrade ? 'installer' : null,
    seconds: null,
    result: plan.action === 'upgrade' ? 'would' : plan.action === 'skip' ? 'skipped' : plan.action,
    detail: plan.reason,
    manualStep:
      upgrade || plan.action === 'skip'
        ? null
        : `On ${plan.computer}, run the JAMS installer of ${target} (the scheduler's) as an administrator, clearing no component.`,
    log: null,
  };
}

/** The desktop clients' installer: the one the scheduler was upgraded with, checked as the upgrade checks its own. */
async function checkClientInstaller(
  ctx: StageContext,
  target: string,
): Promise<{ path: string; sha256: string }> {
  const { path, sha256 } = ctx.settings.agents.clientInstaller;
  if (!path || !sha256) {
    throw new StageError(
      'The desktop clients named in clients need client-installer-path and client-installer-sha256.',
      'Nothing was changed.',
      'Set both inputs (the JAMS installer the scheduler was upgraded with), or leave clients empty; then re-run this job.',
    );
  }
  const info = await checkInstallerFile(ctx, {
    path,
    label: 'JAMS installer for the desktop clients',
    expect: { sha256, input: 'client-installer-sha256' },
  });
  // The same kinds of setup as the scheduler's installer: arguments its kind ignores would hang on each workstation.
  await checkInstallerKind(ctx, {
    path,
    args: ctx.settings.agents.clientInstaller.arguments,
    inputs: { path: 'client-installer-path', args: 'client-installer-arguments' },
    label: 'JAMS installer for the desktop clients',
    dataKey: 'clientInstallerKind',
    rerun: 're-run this job',
  });
  if (versionStanding(info.version, target) !== 'same') {
    throw new StageError(
      `The installer ${path} is version ${info.version}, and the scheduler runs ${target}.`,
      'Nothing was changed.',
      'Give the installer the scheduler was upgraded with (client-installer-path and its hash), then re-run this job.',
    );
  }
  return { path, sha256: info.sha256 };
}

/**
 * Upgrades the items through `work`, agents-parallel at a time; a dry-run records each as "would". Each item's row
 * takes its outcome.
 */
async function upgrade<I extends AgentInfo | string>(
  ctx: StageContext,
  data: AgentsData,
  items: I[],
  rows: Map<AgentInfo | string, AgentRow>,
  work: PoolWork<I, unknown, ItemOutcome>,
  what: string,
): Promise<void> {
  const rowOf = (item: I) => rows.get(item) as AgentRow;
  const target = (item: I) =>
    `${rowOf(item).name} (${rowOf(item).versionBefore ?? 'no version'} -> ${data.targetVersion})`;
  if (items.length === 0) return;
  await ctx.changeTogether(what, items.map(target), () =>
    runUpgrades(ctx, data, items, rowOf, work, what, target),
  );
}

/** The pool that upgrades the items (each recorded through ctx.change as it goes), and each row's outcome. */
async function runUpgrades<I extends AgentInfo | string>(
  ctx: StageContext,
  data: AgentsData,
  items: I[],
  rowOf: (item: I) => AgentRow,
  work: PoolWork<I, unknown, ItemOutcome>,
  what: string,
  target: (item: I) => string,
): Promise<void> {
  const recorded = recordedWork(ctx, what, target, (r: ItemOutcome) => r, work);
  const phase = ctx.phase(typeof items[0] === 'string' ? 'clients' : 'agents');
  const results = await runPool(items, recorded.work, {
    limit: ctx.settings.agents.parallel,
    pollIntervalMs: ctx.settings.pollIntervalMs,
    label: what,
    progress: (line) => {
      ctx.log.info(line);
      data.progress.push(line);
    },
  });
  await recorded.settled();
  phase.end();
  for (const [item, outcome] of results) {
    const row = rowOf(item);
    Object.assign(row, {
      result: outcome.ok ? 'upgraded' : 'failed',
      versionAfter: outcome.versionAfter ?? row.versionBefore,
      seconds: outcome.seconds,
      detail: outcome.detail,
      log: outcome.log,
    });
    if (!outcome.ok) {
      row.manualStep =
        typeof item === 'string'
          ? `Read ${outcome.log ?? 'the installer log'}, fix the cause and re-run this job, or run the JAMS installer ` +
            `of ${data.targetVersion} on ${item} by hand, clearing no component.`
          : failedAgentStep(item as AgentInfo, data.method, agentsFolderOf(ctx), outcome.log);
    }
    if (outcome.reboot) {
      ctx.log.warn(
        `${row.host} asks for a reboot after its upgrade (${row.name}); jams-upgrade reboots nothing.`,
      );
    }
  }
}

function warnManual(ctx: StageContext, rows: readonly AgentRow[]): void {
  const manual = rows.filter((r) => r.result === 'manual');
  if (manual.length === 0) return;
  ctx.log.warn(
    `${manual.length} of the agents and clients named need a manual step before the window reopens: ` +
      `${manual.map((r) => `${r.name} (${r.detail})`).join('; ')}. The job summary says what to do for each.`,
  );
}

/** What the summary says when no desktop client was named: they still need the new version. */
function clientsNote(ctx: StageContext, target: string | null): string {
  return (
    `Desktop clients: none named, so none was upgraded here. The JAMS Client on each workstation must be upgraded to ` +
    `${target ?? 'the new version'} too: run the JAMS installer the scheduler was upgraded with there, as an ` +
    'administrator, clearing no component; or name the workstations in clients (with client-installer-path and ' +
    'client-installer-sha256), and this stage does it over WinRM.'
  );
}

async function closeSessions(ctx: StageContext, computers: string[]): Promise<void> {
  try {
    for (const closed of await ctx.host.closeRemote(computers)) {
      if (closed.error)
        ctx.log.info(`${closed.computerName}: the copied package was not removed: ${closed.error}`);
    }
  } catch (err) {
    ctx.log.info(`the remoting sessions could not all be closed: ${(err as Error).message}`);
  }
}

/** One warning per failed agent or client; with on-agent-failure fail, the stage then fails and the window stays closed. */
function reportOutcome(ctx: StageContext, data: AgentsData): void {
  const failed = data.rows.filter((r) => r.result === 'failed');
  for (const row of failed) {
    ctx.log.warn(
      `${row.kind === 'agent' ? 'Agent' : 'Desktop client'} ${row.name} on ${row.host} was not upgraded: ${row.detail.replace(/\.$/, '')}. ` +
        `${row.manualStep ?? ''}`.trim(),
    );
  }
  const c = data.counts;
  ctx.log.info(
    `agents and clients: ${c.upgraded} upgraded, ${c.skipped} skipped, ${c.failed} failed, ${c.manual} need a manual step` +
      `${ctx.dryRun ? `, ${c.would} would be upgraded` : ''}`,
  );
  if (failed.length > 0 && ctx.settings.agents.onFailure === 'fail') {
    throw new StageError(
      `${failed.length} of the agents and clients named were not upgraded: ${failed.map((r) => r.name).join(', ')}.`,
      `${c.upgraded} upgraded, ${c.skipped} skipped, ${c.failed} failed, ${c.manual} need a manual step. The maintenance ` +
        'window is still closed (on-agent-failure: fail).',
      'Fix what each warning names and re-run this job: it skips what is already on the new version. To reopen the ' +
        'window and finish them by hand instead, re-run it with on-agent-failure: warn.',
    );
  }
}
