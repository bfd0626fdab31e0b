// JAMS agents: which ones a method can upgrade, the manual step for the others, and how a deploy is judged. No I/O.
import { AGENT_MSI_NAME, AGENT_PRODUCT_PREFIX } from './unverified.js';
import { parseJamsVersion } from './version.js';

/** An agent definition as the primary's JAMS shows it (Get-JuAgents). */
export interface AgentInfo {
  name: string;
  /** The definition's type in the JAMS Client's words: Outgoing, Incoming, SSH, SSHAgentX, Local or Passive. */
  type: string;
  /** Windows, Unix, ...; empty when JAMS does not say. */
  platform: string;
  /** Where JAMS reaches the agent; empty means its name. */
  address: string;
  /** The version the agent last reported; null when it never did. */
  version: string | null;
  online: boolean;
  /** AgentState: Idle, Online, Connected, Unreachable, ... */
  state: string;
  deployJob: string | null;
}

export type AgentMethod = 'deploy' | 'msi';

/** What the stage does with one agent, decided before anything changes. */
export type AgentPlan =
  | { action: 'upgrade'; method: AgentMethod }
  | { action: 'skip'; reason: string }
  | { action: 'manual'; reason: string; manualStep: string };

const is = (value: string, word: string) => value.trim().toLowerCase() === word.toLowerCase();

/** The machine an agent runs on: its address, else its name (what Deploy passes as JAMSAgentAddress). */
export function agentHost(agent: Pick<AgentInfo, 'name' | 'address'>): string {
  return agent.address.trim() || agent.name;
}

export function isWindowsAgent(agent: Pick<AgentInfo, 'platform'>): boolean {
  return /windows/i.test(agent.platform);
}

/** How a version stands against the target, by the first three parts; unknown when none was reported. */
export function versionStanding(
  version: string | null,
  target: string,
): 'older' | 'same' | 'newer' | 'unknown' {
  const v = version ? parseJamsVersion(version) : null;
  if (!v) return 'unknown';
  const order = v.compare(parseJamsVersion(target) ?? target);
  return order < 0 ? 'older' : order > 0 ? 'newer' : 'same';
}

/** How to install by hand on the agent's machine, for the manual steps. */
function byHand(agent: AgentInfo, agentsFolder: string): string {
  return isWindowsAgent(agent)
    ? `on ${agentHost(agent)}, as an administrator, run msiexec /i ${AGENT_MSI_NAME} /qn /norestart with the MSI from ${agentsFolder}`
    : `install the agent on ${agentHost(agent)} from the package in ${agentsFolder}`;
}

/**
 * Upgrade, skip or leave to a person, for one agent and method. Local and SSH agents have no JAMS software of their
 * own; incoming agents (JAMS Agent Interactive) are upgraded on their machine; Deploy needs a deploy job; the MSI is for
 * Windows agents only.
 */
export function planAgent(
  agent: AgentInfo,
  method: AgentMethod,
  target: string,
  agentsFolder: string,
): AgentPlan {
  const type = agent.type.trim();
  if (is(type, 'Local')) {
    return { action: 'skip', reason: "the scheduler's own agent: it was upgraded with the scheduler" };
  }
  if (is(type, 'SSH')) {
    return {
      action: 'skip',
      reason: 'an SSH agent runs jobs over SSH with no JAMS software on the machine: nothing to upgrade',
    };
  }
  const standing = versionStanding(agent.version, target);
  if (standing === 'same') return { action: 'skip', reason: `already on ${target}` };
  if (standing === 'newer') {
    return {
      action: 'skip',
      reason: `reports ${agent.version}, newer than the scheduler's ${target}: left as it is`,
    };
  }
  if (is(type, 'Incoming')) {
    return {
      action: 'manual',
      reason: 'an incoming agent (JAMS Agent Interactive) connects on its own and is upgraded on its machine',
      manualStep:
        `On ${agentHost(agent)}, exit the JAMS Agent Interactive, install its new version from ${agentsFolder} and ` +
        'start it again; it reconnects by itself.',
    };
  }
  if (method === 'deploy') {
    if (!is(type, 'Outgoing') && !is(type, 'SSHAgentX')) {
      return {
        action: 'manual',
        reason: `Deploy does not cover ${type || 'untyped'} agents`,
        manualStep: `Upgrade it as its platform's JAMS documentation says (${byHand(agent, agentsFolder)}), then check its version in the JAMS Client.`,
      };
    }
    if (!agent.deployJob) {
      return {
        action: 'manual',
        reason: 'it has no deploy job',
        manualStep:
          `Give ${agent.name} a deploy job and a deploy credential in the JAMS Client (the agent's properties) and ` +
          `re-run this job${isWindowsAgent(agent) ? ', or run it with agent-method: msi' : ''}; or ${byHand(agent, agentsFolder)}.`,
      };
    }
    return { action: 'upgrade', method };
  }
  if (!is(type, 'Outgoing') || !isWindowsAgent(agent)) {
    return {
      action: 'manual',
      reason: `agent-method msi covers Windows agents only, and this is ${[type, agent.platform].filter(Boolean).join(' ') || 'of unknown type'}`,
      manualStep:
        `Run this job with agent-method: deploy and agents: ${agent.name}${agent.deployJob ? '' : ' (after giving it a deploy job)'}; ` +
        `or ${byHand(agent, agentsFolder)}.`,
    };
  }
  return { action: 'upgrade', method };
}

/** What a person does about an agent the stage tried and failed to upgrade. */
export function failedAgentStep(
  agent: AgentInfo,
  method: AgentMethod,
  agentsFolder: string,
  log: string | null,
): string {
  const cause =
    method === 'deploy'
      ? "Read the deploy job's log in the JAMS Client (Monitor, or History for the deploy job), fix the cause (the " +
        'machine reachable, the deploy credential valid)'
      : `Read ${log ?? 'the msiexec log in this job artifact'}, fix the cause (WinRM reachable, the runner an administrator there)`;
  return `${cause} and re-run this job; or ${byHand(agent, agentsFolder)}.`;
}

/**
 * Whether `text` matches a pattern of * (any run) and ? (one character), case-insensitively. Two pointers with one
 * backtrack point, the last *: time proportional to the lengths' product at worst and no regex, so no pattern, however
 * many * it has, makes it backtrack exponentially.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** Which definitions the `agents` input names: `all`, names, or * and ? patterns, all case-insensitive. */
export function selectAgents(
  all: readonly AgentInfo[],
  patterns: readonly string[],
): { selected: AgentInfo[]; missing: string[]; empty: string[] } {
  const sorted = [...all].sort((a, b) => a.name.localeCompare(b.name));
  if (patterns.some((p) => is(p, 'all'))) return { selected: sorted, missing: [], empty: [] };
  const missing: string[] = [];
  const empty: string[] = [];
  const chosen = new Set<AgentInfo>();
  for (const pattern of patterns) {
    const wildcard = /[*?]/.test(pattern);
    const matched = sorted.filter((a) => globMatch(pattern, a.name));
    if (matched.length === 0) (wildcard ? empty : missing).push(pattern);
    matched.forEach((a) => chosen.add(a));
  }
  return { selected: sorted.filter((a) => chosen.has(a)), missing, empty };
}

/** One look at an agent being deployed: the agent as JAMS shows it, and its deploy job's entry when found. */
export interface DeployProgress {
  name: string;
  agent: { version: string | null; online: boolean; state: string } | null;
  /** Why the agent could not be read, when agent is null. */
  error?: string | null;
  entry: { id: number; state: string; severity: string; status: string } | null;
}

export type DeployVerdict =
  | { done: false }
  | { done: true; ok: true; version: string }
  | { done: true; ok: false; reason: string; held: boolean };

/**
 * EntryState names (JAMSShr.dll's MVPSI.JAMS.EntryState): Completed, or CompletedKept for an entry kept in the monitor
 * after it completed; severities are MVPSI.JAMS.Severity's.
 */
const COMPLETED = /^completed(kept)?$/i;
const WAITING_FOR_RESOURCES = /^resourcewait$/i;
const FAILED_SEVERITY = /^(error|fatal|abort)/i;

export function entryFinished(entry: DeployProgress['entry']): boolean {
  return entry !== null && COMPLETED.test(entry.state.trim());
}

export function entryWaitsForResources(entry: DeployProgress['entry']): boolean {
  return entry !== null && WAITING_FOR_RESOURCES.test(entry.state.trim());
}

/**
 * Whether a deploy is over: the agent online on the target version is success; a deploy entry that ended in error,
 * one held for resources past the grace, or the timeout is a failure, worded by what was last seen.
 */
export function judgeDeploy(
  p: DeployProgress,
  target: string,
  elapsedMs: number,
  timeoutMs: number,
  heldForMs: number,
  heldGraceMs: number,
): DeployVerdict {
  if (p.agent?.online && versionStanding(p.agent.version, target) === 'same') {
    return { done: true, ok: true, version: p.agent.version ?? target };
  }
  const entry = p.entry;
  const entryName = entry ? `its deploy job (entry ${entry.id})` : 'its deploy job';
  if (entry && entryFinished(entry) && FAILED_SEVERITY.test(entry.severity.trim())) {
    return {
      done: true,
      ok: false,
      held: false,
      reason: `${entryName} ended with ${entry.severity}${entry.status ? `: ${entry.status}` : ''}`,
    };
  }
  if (entry && entryWaitsForResources(entry) && heldForMs >= Math.min(heldGraceMs, timeoutMs)) {
    return {
      done: true,
      ok: false,
      held: true,
      reason:
        `${entryName} has waited for resources for ${Math.round(heldForMs / 1000)} s: the maintenance window, which ` +
        'the root folder requires, holds the deploy jobs too. The entry stays queued and runs when the window reopens ' +
        'unless you delete it in the Monitor',
    };
  }
  if (elapsedMs < timeoutMs) return { done: false };
  const seconds = Math.round(elapsedMs / 1000);
  const reason =
    entry && !entryFinished(entry)
      ? `${entryName} is still ${entry.state} after ${seconds} s`
      : !p.agent
        ? `the agent could not be read after ${seconds} s${p.error ? `: ${p.error}` : ''}`
        : !p.agent.online
          ? `${entryName} finished, and the agent is not online again after ${seconds} s (state ${p.agent.state || 'unknown'})`
          : `${entryName} finished, and the agent reports ${p.agent.version ?? 'no version'} after ${seconds} s, not ${target}`;
  return { done: true, ok: false, held: false, reason };
}

/** How one agent's or desktop client's upgrade ended. */
export interface ItemOutcome {
  ok: boolean;
  versionAfter: string | null;
  detail: string;
  /** The installer's verbose log, brought back into the run folder (msi and clients). */
  log: string | null;
  seconds: number | null;
  /** The installer asked for a reboot (3010 or 1641); nothing is rebooted. */
  reboot: boolean;
}

/** The desktop client's version on a host: its JAMS product that is not an agent. */
export function clientVersion(products: readonly { name: string; version: string }[]): string | null {
  const product = products.find((p) => !p.name.startsWith(AGENT_PRODUCT_PREFIX));
  return product?.version || null;
}
