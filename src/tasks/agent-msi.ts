// Windows agents upgraded without their deploy job: the upgraded scheduler's agent MSI, run over WinRM on each agent's
// machine, then the JAMSAgent service running and JAMS seeing the agent online on the new version.
import { agentHost, versionStanding, type AgentInfo, type ItemOutcome } from '../jams/agents.js';
import { AGENT_MSI_ARGUMENTS, AGENT_MSI_NAME, AGENT_SERVICE_NAME } from '../jams/unverified.js';
import { StageError, type StageContext } from '../stage-context.js';
import type { PoolWork } from './bounded-pool.js';
import { checkInstallerFile } from './installer-check.js';
import { remoteInstallWork, type Verified } from './remote-install.js';

/** The agent MSI the upgraded scheduler ships: signed, and of the scheduler's version. */
export async function checkAgentMsi(
  ctx: StageContext,
  agentsFolder: string,
  target: string,
): Promise<{ path: string; sha256: string }> {
  const path = `${agentsFolder}\\${AGENT_MSI_NAME}`;
  const msi = await checkInstallerFile(ctx, { path, label: 'agent MSI', expect: null });
  if (versionStanding(msi.version, target) !== 'same') {
    throw new StageError(
      `The agent MSI ${path} is version ${msi.version}, and the scheduler runs ${target}.`,
      'Nothing was changed.',
      'The MSI comes with the scheduler: check that install-folder names the upgraded Scheduler folder, then re-run this job.',
    );
  }
  return { path, sha256: msi.sha256 };
}

export function msiWork(
  ctx: StageContext,
  server: string,
  target: string,
  msi: { path: string; sha256: string },
): PoolWork<AgentInfo, unknown, ItemOutcome> {
  return remoteInstallWork<AgentInfo>(ctx, {
    label: 'msiexec',
    computer: agentHost,
    logName: (agent) => `agent-msi-${agent.name}.log`,
    package: msi,
    runner: 'msiexec',
    args: AGENT_MSI_ARGUMENTS,
    async verify(agents, statuses) {
      const look = await ctx.host.agentProgress(
        server,
        agents.map((a) => a.name),
        [],
      );
      const found = new Map<AgentInfo, Verified>();
      for (const agent of agents) {
        const service = statuses.get(agentHost(agent).toLowerCase())?.agentService ?? null;
        const seen = look.agents.find((a) => a.name === agent.name)?.agent ?? null;
        found.set(
          agent,
          service !== 'Running'
            ? {
                waiting: `the ${AGENT_SERVICE_NAME} service on ${agentHost(agent)} is ${service ?? 'not found'}`,
              }
            : !seen?.online
              ? { waiting: `JAMS does not see ${agent.name} online (state ${seen?.state || 'unknown'})` }
              : versionStanding(seen.version, target) !== 'same'
                ? { waiting: `JAMS sees ${agent.name} on ${seen.version ?? 'no version'}, not ${target}` }
                : { version: seen.version ?? target },
        );
      }
      return found;
    },
  });
}
