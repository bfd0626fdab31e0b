import { SERVICE_LABELS, type ServiceKind } from '../jams/services.js';
import { expectedRole } from '../jams/roles.js';
import { parseJamsVersion, pickInstalledVersion } from '../jams/version.js';
import { StageError, type Stage } from '../stage-context.js';
import { removeEarlierStagedCopies } from '../tasks/installer-staging.js';
import { describeRoles, readRoleView } from '../tasks/roles.js';
import { describeStates, hostLabel, readServices, resolveServices } from '../tasks/services.js';
import type { VerifyCheck } from '../stage-data.js';

/**
 * The procedure's last check: the primary is Running (active), the secondary is in Backup Mode (standby),
 * all three services run, and the version is the target. Read-only; every failed check is reported. Once all pass, the
 * installers earlier runs staged on this host are removed.
 */
export const verify: Stage = {
  async run(ctx) {
    const names = await resolveServices(ctx);
    const states = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(states);
    ctx.record.servicesAfter = Object.values(states);
    const checks: VerifyCheck[] = [];

    for (const kind of Object.keys(states) as ServiceKind[]) {
      const status = states[kind].status ?? 'missing';
      checks.push({
        check: `${SERVICE_LABELS[kind]} running`,
        expected: 'Running',
        actual: status,
        ok: status === 'Running',
      });
    }

    const want = expectedRole(ctx.settings.role);
    const roles = await readRoleView(ctx);
    checks.push({
      check: 'failover role',
      expected: want,
      actual: `${roles.self} (${roles.selfLabel})`,
      ok: roles.self === want,
    });
    const activeNodes = [
      ...(roles.self === 'Active' ? ['this node'] : []),
      ...roles.peers.filter((p) => p.role === 'Active').map((p) => p.name),
    ];
    checks.push({
      check: 'exactly one active node',
      expected: '1 node Running',
      actual:
        roles.peers.length || roles.self !== 'Unknown'
          ? `${activeNodes.length} (${activeNodes.join(', ') || 'none'})`
          : 'unknown',
      ok: activeNodes.length === 1,
    });

    const installed = pickInstalledVersion(await ctx.host.installedVersion());
    ctx.record.data.installedVersion = installed;
    if (ctx.settings.targetVersion) {
      const ok =
        installed !== null && installed.version === parseJamsVersion(ctx.settings.targetVersion)?.version;
      // A dry-run of the pipeline installed nothing: the version is shown, not judged.
      const dryRunOnly = !ok && ctx.dryRun;
      checks.push({
        check: 'installed version',
        expected: ctx.settings.targetVersion,
        actual: `${installed?.version ?? 'unreadable'}${dryRunOnly ? ' (dry-run: nothing was installed, so not judged)' : ''}`,
        ok: ok || dryRunOnly,
      });
    }
    ctx.record.data.checks = checks;
    for (const c of checks)
      ctx.log.info(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: expected ${c.expected}, found ${c.actual}`);

    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      const splitBrain = activeNodes.length > 1;
      throw new StageError(
        `Verification failed on ${hostLabel(ctx)}: ${failed.map((c) => `${c.check} is ${c.actual}, expected ${c.expected}`).join('; ')}.`,
        `${describeStates(hostLabel(ctx), states)} Failover: ${describeRoles(roles)}.`,
        splitBrain
          ? 'Both nodes report Running (split brain): stop the JAMS services on the secondary at once, check that the ' +
              'nodes reach each other on the failover port (Failover.config), then run start and verify on the secondary again. ' +
              'Keep the maintenance window closed until verify passes.'
          : 'Keep the maintenance window closed. Look at the JAMS Client (About > JAMS Servers > Status), fix what the ' +
              'failed checks name, then re-run start and verify for this host.',
      );
    }
    await removeEarlierStagedCopies(ctx);
  },
};
