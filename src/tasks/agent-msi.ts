// Windows agents upgraded without their deploy job: the upgraded scheduler's agent MSI, run over WinRM on each agent's
// machine, then the JAMSAgent service running and JAMS seeing the agent online on the new version.
import { agentHost, versionStanding, type AgentInfo, type ItemOutcome } from '../jams/agent-rules.js';
import { AGENT_MSI_ARGUMENTS, AGENT_MSI_NAME, AGENT_SERVICE_NAME } from '../jams/unverified.js';
import { StageError, type StageContext } from '../stage-context.js';
import type { PoolWork } from './bounded-pool.js';
import { checkInstallerFile } from './installer-check.js';
import { remoteInstallWork, type Verified } from './remote-install.js';
import { readUpgradeRecord } from '../state/upgrade-record.js';

/** The agent MSI the upgraded scheduler ships: signed, and of the scheduler's version. */
export async function checkAgentMsi(
  ctx: StageContext,
  agentsFolder: string,
  target: string,
): Promise<{ path: string; sha256: string }> {
  const path = `${agentsFolder}\\${AGENT_MSI_NAME}`;
  const msi = await checkInstallerFile(ctx, { path, label: 'agent MSI', expect: null });
  await checkMsiSigner(ctx, path, msi);
  if (versionStanding(msi.version, target) !== 'same') {
    throw new StageError(
      `The agent MSI ${path} is version ${msi.version}, and the scheduler runs ${target}.`,
      'Nothing was changed.',
      'The MSI comes with the scheduler: check that install-folder names the upgraded Scheduler folder, then re-run this job.',
    );
  }
  return { path, sha256: msi.sha256 };
}

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** Whether a file's signer is the one expected: a thumbprint by the certificate's, a subject by the subject. */
export function signerMatches(
  expected: string,
  info: { signer: string | null; signerThumbprint?: string | null },
): boolean {
  if (THUMBPRINT.test(expected))
    return (info.signerThumbprint ?? '').toUpperCase() === expected.toUpperCase();
  const norm = (s: string) =>
    s
      .trim()
      .replace(/\s*,\s*/g, ', ')
      .toLowerCase();
  return info.signer !== null && norm(info.signer) === norm(expected);
}

/**
 * Any valid signature is not enough for a package run as administrator on every agent machine: its signer must be
 * agent-msi-signer (a trust root of the protected environment), else the signer of the scheduler installer the upgrade
 * ran on this host (its SHA-256 given, its signature checked; the host's upgrade record keeps the signer).
 */
async function checkMsiSigner(
  ctx: StageContext,
  path: string,
  msi: { signer: string | null; signerThumbprint?: string | null },
): Promise<void> {
  const pinned = ctx.settings.agents.msiSigner;
  let expected: string | null = pinned;
  let source = 'agent-msi-signer';
  if (!expected) {
    const record = await readUpgradeRecord(ctx);
    const installer = record.data?.installer;
    expected = installer?.signer ?? null;
    source = `the signer of the scheduler installer the upgrade ran (${installer?.path ?? ''}, recorded in ${record.path})`;
  }
  const shown = `${msi.signer ?? 'no signer'}${msi.signerThumbprint ? `, thumbprint ${msi.signerThumbprint}` : ''}`;
  if (!expected) {
    const error = new StageError(
      `The agent MSI ${path} is signed by ${shown}, and no signer to hold it to is known: agent-msi-signer is empty ` +
        "and this host has no upgrade record naming the scheduler installer's signer.",
      'Nothing was changed.',
      "Set agent-msi-signer (the JAMS_AGENT_MSI_SIGNER variable of the hosts environment) to the vendor's certificate " +
        'thumbprint or subject, or run the upgrade stage on this host first; then re-run this job.',
    );
    ctx.refuse(error);
    return;
  }
  if (!signerMatches(expected, msi)) {
    throw new StageError(
      `The agent MSI ${path} is signed by ${shown}, and ${source} is ${expected}.`,
      'Nothing was changed.',
      'Do not run this package: check the Scheduler folder (install-folder) on this host and where its Agents folder ' +
        "came from. If the vendor's signer changed, set agent-msi-signer to the new one; then re-run this job.",
    );
  }
  ctx.log.info(
    `agent MSI signer ${shown} is ${source === 'agent-msi-signer' ? 'agent-msi-signer' : "the installer's"}`,
  );
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
