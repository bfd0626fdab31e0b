import { STOP_ORDER, describeService } from '../jams/services.js';
import { requireVerifiedBackup } from './backup-record.js';
import { StageError, type Stage } from './context.js';
import { describeStates, hostLabel, readServices, resolveServices } from './services.js';

/**
 * The procedure's "Stop the JAMS Services": JAMS Executor (which takes JAMS Scheduler with it), then JAMS
 * Server, then JAMS Scheduler, each verified stopped. A service already stopped is recorded, not an error.
 * Refuses to stop anything until this run has a verified backup on this host (require-backup).
 */
export const stop: Stage = {
  async run(ctx) {
    const names = await resolveServices(ctx);
    const before = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(before);
    await requireVerifiedBackup(ctx, before);
    const covered = new Set<string>();

    for (const kind of STOP_ORDER) {
      const name = names[kind];
      const [state] = await ctx.host.serviceStates([name]);
      const label = describeService(kind, name);
      if (state?.status === 'Stopped') {
        ctx.skip('stop', label, 'already stopped');
        continue;
      }
      if (covered.has(name)) {
        ctx.skip('stop', label, 'stopped together with the service it depends on');
        continue;
      }
      const dependents = (state?.dependentServices ?? []).filter((d) => Object.values(names).includes(d));
      dependents.forEach((d) => covered.add(d));
      const target = dependents.length ? `${label}, which also stops ${dependents.join(', ')}` : label;
      const changed = await ctx.change('stop', target, async () => {
        if (state?.status !== 'StopPending') await ctx.host.stopService(name);
      });
      if (!changed) continue;

      const watched = [name, ...dependents];
      const waited = await ctx.waitFor(
        () => ctx.host.serviceStates(watched),
        (states) => states.every((s) => s.status === 'Stopped'),
        ctx.settings.serviceTimeoutMs,
        (states, ms) =>
          `waiting for ${states.map((s) => `${s.name} ${s.status}`).join(', ')} (${Math.round(ms / 1000)} s)`,
      );
      if (!waited.ok) {
        const stuck = waited.value.filter((s) => s.status !== 'Stopped');
        const now = await readServices(ctx, names);
        ctx.record.servicesAfter = Object.values(now);
        throw new StageError(
          `${stuck.map((s) => `${s.name} is still ${s.status}`).join('; ')} on ${hostLabel(ctx)} ` +
            `${Math.round(ctx.settings.serviceTimeoutMs / 1000)} s after the stop request.`,
          describeStates(hostLabel(ctx), now),
          `Find out why ${stuck.map((s) => s.name).join(', ')} does not stop (Event Viewer > System, the JAMS logs). ` +
            `Once it has stopped, or after ending its process (taskkill /F /FI "SERVICES eq ${stuck[0]?.name}"), ` +
            `re-run this job: stop skips services already stopped. Do not start the upgrade while any JAMS service runs.`,
        );
      }
    }

    const after = await readServices(ctx, names);
    ctx.record.servicesAfter = Object.values(after);
    const running = Object.values(after).filter((s) => s.status !== 'Stopped');
    if (!ctx.settings.dryRun && running.length > 0) {
      throw new StageError(
        `After the stop, ${running.map((s) => `${s.name} is ${s.status}`).join('; ')} on ${hostLabel(ctx)}: ` +
          `something started it again.`,
        describeStates(hostLabel(ctx), after),
        'Check for a recovery action or a monitoring tool that restarts JAMS services, disable it for the ' +
          'upgrade, then re-run this job.',
      );
    }
  },
};
