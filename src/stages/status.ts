import { pickInstalledVersion } from '../jams/version.js';
import { readUpgradeRecord } from '../state/upgrade-record.js';
import type { Stage } from '../stage-context.js';
import type { StatusData } from '../stage-data.js';
import { readRoleView } from '../tasks/roles.js';
import { readServices, resolveServices } from '../tasks/services.js';

/**
 * One node's place in the fleet view (jams-status.yml): its installed version, its failover role, the services, the
 * last upgrade record on the host, and on the primary the agents' versions. It only reads: no gate, no change.
 */
export const status: Stage = {
  async run(ctx) {
    const installed = pickInstalledVersion(await ctx.host.installedVersion());
    ctx.record.data.installedVersion = installed;
    const roles = await readRoleView(ctx);
    const states = await readServices(ctx, await resolveServices(ctx));
    ctx.record.servicesAfter = Object.values(states);
    const upgrade = (await readUpgradeRecord(ctx)).data;
    const data: StatusData = {
      version: installed?.version ?? null,
      role: roles.self,
      roleLabel: roles.selfLabel,
      services: Object.fromEntries(Object.entries(states).map(([kind, s]) => [kind, s.status ?? 'missing'])),
      lastUpgrade: upgrade
        ? {
            targetVersion: upgrade.targetVersion,
            versionBefore: upgrade.versionBefore,
            phase: upgrade.phase,
            at: upgrade.updatedAt,
            runKey: upgrade.runKey,
          }
        : null,
      agents: null,
    };
    // The agents are the JAMS server's: the primary lists them, once for the pair.
    if (ctx.settings.role === 'primary') {
      const agents = await ctx.host.agents(ctx.settings.maintenance.jamsServer);
      data.agents = agents.map((a) => ({ name: a.name, version: a.version, online: a.online }));
    }
    ctx.record.data.status = data;
    ctx.log.info(
      `${ctx.settings.role}: JAMS ${data.version ?? 'not found'}, ${data.roleLabel}; last upgrade: ` +
        `${data.lastUpgrade ? `${data.lastUpgrade.phase} towards ${data.lastUpgrade.targetVersion} at ${data.lastUpgrade.at}` : 'none recorded'}` +
        `${data.agents ? `; ${data.agents.length} agent(s)` : ''}`,
    );
  },
};
