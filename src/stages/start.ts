import { START_ORDER, describeService } from '../jams/services.js';
import { expectedRole } from '../jams/roles.js';
import { applyConfigReapply, planConfigReapply } from '../tasks/config-reapply.js';
import { StageError, type Stage } from '../stage-context.js';
import { describeRoles, readRoleView } from '../tasks/roles.js';
import { describeStates, hostLabel, readServices, resolveServices } from '../tasks/services.js';

/**
 * The procedure's restart: the config customisations saved before the upgrade are reapplied, then the primary
 * starts first, so it becomes the active scheduler; then the secondary, which must come up in Backup Mode.
 * Waits until this node reports the role it should have.
 */
export const start: Stage = {
  async run(ctx) {
    const names = await resolveServices(ctx);
    const before = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(before);
    const want = expectedRole(ctx.settings.role);
    const roles = await readRoleView(ctx);
    const activePeer = roles.peers.find((p) => p.role === 'Active');
    const allRunning = Object.values(before).every((s) => s.status === 'Running');
    const reapply = await planConfigReapply(ctx);

    if (allRunning && roles.self === want) {
      if (reapply?.pending) {
        throw new StageError(
          `The JAMS services on ${hostLabel(ctx)} already run, with the installed config files: the customisations ` +
            'saved before the upgrade are not reapplied yet.',
          `${describeStates(hostLabel(ctx), before)} Nothing was changed.`,
          `Run the stop stage for this host (role: ${ctx.settings.role}), then re-run this job: it reapplies the ` +
            'customisations before it starts the services.',
        );
      }
      if (reapply) await applyConfigReapply(ctx, reapply);
      ctx.skip('start', hostLabel(ctx), `already running and ${roles.selfLabel}`);
      ctx.record.servicesAfter = Object.values(before);
      return;
    }
    // Preconditions, proven before anything starts.
    if (ctx.settings.role === 'primary' && activePeer && roles.self !== 'Active') {
      throw new StageError(
        `${activePeer.name} is ${activePeer.label}: if the primary starts now it comes up in Backup Mode.`,
        `${describeStates(hostLabel(ctx), before)} Nothing was started.`,
        `Stop the JAMS services on ${activePeer.name} (the stop stage with role: secondary), then re-run this job.`,
      );
    }
    if (ctx.settings.role === 'secondary' && !activePeer) {
      throw new StageError(
        roles.peers.length
          ? `No peer is active (${describeRoles(roles)}): the secondary would take over instead of standing by.`
          : `The primary could not be named (${describeRoles(roles)}), so it cannot be proven active: the secondary ` +
              'could take over instead of standing by.',
        `${describeStates(hostLabel(ctx), before)} Nothing was started.`,
        'Run the start stage on the primary first and wait until it reports Running, then re-run this job.',
      );
    }

    // The procedure: apply the customised config files, then start the services.
    if (reapply) await applyConfigReapply(ctx, reapply);

    const starting = ctx.phase('services-start');
    for (const kind of START_ORDER) {
      const name = names[kind];
      const label = describeService(kind, name);
      const [state] = await ctx.host.serviceStates([name]);
      if (state?.status === 'Running') {
        ctx.skip('start', label, 'already running');
        continue;
      }
      const changed = await ctx.change('start', label, async () => {
        if (state?.status === 'StopPending') {
          await ctx.waitFor(
            () => ctx.host.serviceStates([name]),
            (s) => s[0]?.status === 'Stopped',
            ctx.settings.serviceTimeoutMs,
          );
        }
        await ctx.host.startService(name);
      });
      if (!changed) continue;
      const waited = await ctx.waitFor(
        () => ctx.host.serviceStates([name]),
        (s) => s[0]?.status === 'Running',
        ctx.settings.serviceTimeoutMs,
        (s, ms) => `waiting for ${name} to run: ${s[0]?.status} (${Math.round(ms / 1000)} s)`,
      );
      if (!waited.ok) {
        const now = await readServices(ctx, names);
        ctx.record.servicesAfter = Object.values(now);
        throw new StageError(
          `${label} on ${hostLabel(ctx)} is ${waited.value[0]?.status} ${Math.round(ctx.settings.serviceTimeoutMs / 1000)} s after the start request.`,
          describeStates(hostLabel(ctx), now),
          `Read the JAMS logs and Event Viewer > System for why ${name} does not start (a wrong Log On As account ` +
            `or password is the usual cause after an upgrade), fix it, then re-run this job.`,
        );
      }
    }

    starting.end();

    // As found, unless a real run reads them again once the role is reached.
    ctx.record.servicesAfter = Object.values(before);
    await ctx.aroundChanges(`wait for ${hostLabel(ctx)} to report ${want}`, async () => {
      ctx.log.info(`waiting for ${hostLabel(ctx)} to report ${want}`);
      const reaching = ctx.phase('role');
      const waited = await ctx.waitFor(
        () => readRoleView(ctx),
        (v) => v.self === want,
        ctx.settings.roleTimeoutMs,
        (v, ms) => `waiting for ${want}: ${describeRoles(v)} (${Math.round(ms / 1000)} s)`,
      );
      if (waited.ok) reaching.end();
      const now = await readServices(ctx, names);
      ctx.record.servicesAfter = Object.values(now);
      if (!waited.ok) {
        throw new StageError(
          `${hostLabel(ctx)} did not become ${want} within ${Math.round(ctx.settings.roleTimeoutMs / 1000)} s: ` +
            `${describeRoles(waited.value)}.`,
          `${describeStates(hostLabel(ctx), now)} The services are running; the failover role is wrong.`,
          ctx.settings.role === 'primary'
            ? 'Check in the JAMS Client (About > JAMS Servers > Status) which node is Running, and that Failover.config ' +
                'names this host as Primary. Stop the JAMS services on the secondary if it took over, then re-run this job.'
            : 'Check in the JAMS Client (About > JAMS Servers > Status) that the primary is Running and that both ' +
                'nodes reach each other on the failover port, then re-run this job.',
        );
      }
      ctx.log.info(`${hostLabel(ctx)} reports ${waited.value.selfLabel}`);
    });
  },
};
