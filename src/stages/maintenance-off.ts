import { decideOpen } from '../jams/maintenance.js';
import { readWindowRecord } from '../state/maintenance-window.js';
import { StageError, type Stage } from '../stage-context.js';
import type { MaintenanceData } from '../stage-data.js';
import { readResource, requirePrimary } from '../tasks/maintenance-window.js';
import { hostLabel } from '../tasks/services.js';

/**
 * The procedure's last step, "Disable the maintenance window": restores the Quantity Available that
 * maintenance-on recorded on this host. Idempotent: a window already back at that quantity is left alone.
 */
export const maintenanceOff: Stage = {
  async run(ctx) {
    requirePrimary(ctx);
    const { resource: name, jamsServer: server } = ctx.settings.maintenance;
    let state = await readResource(ctx);
    if (!state.exists) {
      throw new StageError(
        `The JAMS server ${server} has no resource ${name}: there is no maintenance window to reopen.`,
        'Nothing was changed.',
        "Check the 'maintenance-resource' and 'jams-server' inputs: they must name the resource maintenance-on closed.",
      );
    }
    const current = state.quantityAvailable ?? 0;
    const stored = await readWindowRecord(ctx);
    const data: MaintenanceData = {
      server,
      resource: name,
      quantityBefore: current,
      recorded: stored.record ?? null,
      recordPath: stored.path,
    };
    ctx.record.data.maintenance = data;
    const decision = decideOpen(current, stored.record);
    const markRestored = () =>
      stored.record && !stored.record.restoredAt
        ? stored.save({ ...stored.record, restoredAt: new Date().toISOString() })
        : Promise.resolve();

    switch (decision.action) {
      case 'no-record':
        if (current > 0) {
          ctx.log.warn(
            `${stored.path} has no record for ${name}; the window is open anyway (Quantity Available ${current}).`,
          );
          ctx.skip(
            'reopen maintenance window',
            `${name} on ${server}`,
            `already open at ${current}, nothing recorded`,
          );
          break;
        }
        throw new StageError(
          `${stored.path} on ${hostLabel(ctx)} has no record of ${name}'s quantity before the window, so jams-upgrade ` +
            'does not know what to restore.',
          `${name} Quantity Available is 0 on ${server}: the window is still closed and no job starts.`,
          `Set Quantity Available by hand in the JAMS Client (Resources > ${name} > Available) to its value before the ` +
            'upgrade (the KB uses 999999). maintenance-on writes the record on the primary; check that both stages use ' +
            "the same 'state-folder', 'jams-server' and 'maintenance-resource'.",
        );
      case 'already-open':
        ctx.skip(
          'reopen maintenance window',
          `${name} on ${server}`,
          `already at the recorded ${decision.quantity}`,
        );
        await ctx.keepRecord(markRestored);
        break;
      case 'changed-by-hand':
        ctx.log.warn(
          `${name} is ${decision.current}, neither 0 nor the recorded ${decision.recorded}: someone reopened the window ` +
            'by hand. It is left as it is.',
        );
        ctx.skip(
          'reopen maintenance window',
          `${name} on ${server}`,
          `changed by hand to ${decision.current}`,
        );
        break;
      case 'restore':
        await ctx.change(
          'reopen maintenance window',
          `${name} Quantity Available 0 -> ${decision.quantity} on ${server}`,
          async () => {
            state = await ctx.host.setResourceQuantity(server, name, decision.quantity);
            if (state.quantityAvailable !== decision.quantity) {
              throw new Error(
                `JAMS reports Quantity Available ${state.quantityAvailable} after setting ${decision.quantity}.`,
              );
            }
            await markRestored();
          },
        );
        break;
    }
    data.quantityAfter = ctx.dryRun ? current : state.quantityAvailable;
  },
};
