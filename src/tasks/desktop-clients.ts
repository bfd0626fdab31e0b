// The desktop clients (the JAMS Client on workstations): part of the main JAMS installer, which runs on each named
// workstation over WinRM like the agent MSI, and is done when the host shows the new version.
import { clientVersion, versionStanding, type ItemOutcome } from '../jams/agent-rules.js';
import type { RemoteStatus } from '../host/host.js';
import type { StageContext } from '../stage-context.js';
import type { PoolWork } from './bounded-pool.js';
import { remoteInstallWork, type Verified } from './remote-install.js';

/** A workstation as the stage found it before any change. */
export interface ClientPlan {
  computer: string;
  versionBefore: string | null;
  action: 'upgrade' | 'skip' | 'manual' | 'failed';
  reason: string;
}

/** What to do on each workstation, from one look at all of them. */
export function planClients(statuses: readonly RemoteStatus[], target: string): ClientPlan[] {
  return statuses.map((s) => {
    const version = clientVersion(s.products);
    const plan = (action: ClientPlan['action'], reason: string): ClientPlan => ({
      computer: s.computerName,
      versionBefore: version,
      action,
      reason,
    });
    if (!s.reachable) return plan('failed', `not reachable over WinRM: ${s.error ?? 'no answer'}`);
    const standing = versionStanding(version, target);
    if (standing === 'unknown') {
      return plan('manual', 'no JAMS product is installed there, so there is nothing to upgrade');
    }
    if (standing === 'same') return plan('skip', `already on ${target}`);
    if (standing === 'newer')
      return plan('skip', `has ${version}, newer than the scheduler's ${target}: left as it is`);
    return plan('upgrade', `${version} -> ${target}`);
  });
}

/** The installer as the clients get it: through msiexec for an .msi, else the program itself. */
export function clientWork(
  ctx: StageContext,
  installer: { path: string; sha256: string },
  target: string,
): PoolWork<string, unknown, ItemOutcome> {
  const msi = installer.path.toLowerCase().endsWith('.msi');
  const args = ctx.settings.agents.clientInstaller.arguments;
  return remoteInstallWork<string>(ctx, {
    label: 'the JAMS installer',
    computer: (host) => host,
    logName: (host) => `client-${host}.log`,
    package: installer,
    runner: msi ? 'msiexec' : 'package',
    args: msi ? ['/i', '{package}', ...args] : args,
    verify: (hosts, statuses) =>
      Promise.resolve(
        new Map<string, Verified>(
          hosts.map((host) => {
            const version = clientVersion(statuses.get(host.toLowerCase())?.products ?? []);
            return [
              host,
              versionStanding(version, target) === 'same'
                ? { version: version ?? target }
                : { waiting: `the JAMS product on ${host} is ${version ?? 'not found'}` },
            ];
          }),
        ),
      ),
  });
}
