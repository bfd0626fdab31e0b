import type { ExecutingEntry } from '../host/host.js';
import { decideClose, describeEntries, type ResourceState } from '../jams/maintenance.js';
import { readWindowRecord, type WindowRecord } from '../state/maintenance-window.js';
import { NEW_MAINTENANCE_QUANTITY } from '../jams/unverified.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import type { MaintenanceData } from '../stage-data.js';
import { readResource, requirePrimary, setupSteps } from '../tasks/maintenance-window.js';
import { windowNeedsNoClosing } from '../tasks/rollback-window.js';
import { hostLabel } from '../tasks/services.js';

/**
 * The procedure's "Create a maintenance window and allow currently running Jobs to complete": records the
 * resource's Quantity Available on the host, sets it to 0 so no new job starts, then waits for the executing
 * entries to finish.
 */
export const maintenanceOn: Stage = {
  async run(ctx) {
    requirePrimary(ctx);
    if (await windowNeedsNoClosing(ctx)) return;
    const { resource: name, jamsServer: server } = ctx.settings.maintenance;
    let state = await ensureResource(ctx, await readResource(ctx));
    const before = state.quantityAvailable ?? 0;
    const stored = await readWindowRecord(ctx);
    const data: MaintenanceData = {
      server,
      resource: name,
      quantityBefore: before,
      recordPath: stored.path,
    };
    ctx.record.data.maintenance = data;
    ctx.log.info(`${name} on ${server}: Quantity Available ${before}, required by the root folder`);

    const decision = decideClose(before, stored.record);
    if (decision.action === 'record-and-close') {
      const record: WindowRecord = {
        server,
        resource: name,
        quantity: decision.quantity,
        recordedAt: new Date().toISOString(),
        computerName: ctx.record.host?.computerName ?? '',
        ...(ctx.record.run['id'] === undefined ? {} : { runId: String(ctx.record.run['id']) }),
      };
      data.recorded = record;
      // The record is durable before the quantity changes: a failure in between leaves the window open.
      await ctx.change(
        'record maintenance quantity',
        `${name} Quantity Available ${before} in ${stored.path}`,
        () => stored.save(record),
      );
      await ctx.change(
        'close maintenance window',
        `${name} Quantity Available ${before} -> 0 on ${server}`,
        async () => {
          state = await ctx.host.setResourceQuantity(server, name, 0);
          if (state.quantityAvailable !== 0) {
            throw new Error(`JAMS reports Quantity Available ${state.quantityAvailable} after setting 0.`);
          }
        },
      );
    } else if (decision.action === 'already-closed') {
      data.recorded = decision.record;
      ctx.skip(
        'close maintenance window',
        `${name} on ${server}`,
        `already 0; the quantity before the window (${decision.record.quantity}, recorded ${decision.record.recordedAt}) is kept`,
      );
    } else {
      ctx.log.warn(
        `${name} is already 0 on ${server} and ${stored.path} has no record of its normal quantity (closed by hand?). ` +
          'maintenance-off will not know what to restore: note the normal Quantity Available (the KB uses 999999).',
      );
      ctx.skip('close maintenance window', `${name} on ${server}`, 'already 0, no record to keep');
    }
    data.quantityAfter = ctx.dryRun ? before : state.quantityAvailable;
    await drain(ctx, data);
  },
};

/** Proves the window exists and the root folder requires it, or creates it when asked to. */
async function ensureResource(ctx: StageContext, found: ResourceState): Promise<ResourceState> {
  const { resource: name, jamsServer: server, create } = ctx.settings.maintenance;
  if (found.exists && found.requiredByRoot) return found;
  const problem = found.exists
    ? `The root folder does not require the resource ${name} on ${server}, so setting it to 0 would not hold any job.`
    : `The JAMS server ${server} has no resource ${name}, the maintenance window this stage closes.`;
  if (!create) throw new StageError(problem, 'Nothing was changed: jobs keep starting.', setupSteps(name));
  let state = found;
  let made: boolean;
  if (!found.exists) {
    made = await ctx.change(
      'create maintenance resource',
      `${name} on ${server}, Quantity Available ${NEW_MAINTENANCE_QUANTITY}, required (1) by the root folder`,
      async () => {
        state = await ctx.host.createResource(server, name, NEW_MAINTENANCE_QUANTITY);
      },
    );
  } else {
    made = await ctx.change(
      'require maintenance resource',
      `root folder requires ${name} (quantity 1) on ${server}`,
      async () => {
        state = await ctx.host.requireAtRoot(server, name);
      },
    );
  }
  // A dry-run made neither change: it goes on with the resource as the change would leave it.
  if (!made) {
    return {
      ...found,
      exists: true,
      requiredByRoot: true,
      quantityAvailable: found.quantityAvailable ?? NEW_MAINTENANCE_QUANTITY,
    };
  }
  if (!state.exists || !state.requiredByRoot) {
    throw new StageError(
      `${name} on ${server} was created or changed, but JAMS still reports exists ${state.exists}, required by the root folder ${state.requiredByRoot}.`,
      'The maintenance window is not in force: jobs keep starting.',
      setupSteps(name),
    );
  }
  return state;
}

/** Waits for the executing entries, printing how many remain and which, whenever that changes. */
async function drain(ctx: StageContext, data: MaintenanceData): Promise<void> {
  const { jamsServer: server, resource: name, drainTimeoutMs, onDrainTimeout } = ctx.settings.maintenance;
  let shown = '';
  const read = async (): Promise<ExecutingEntry[]> => {
    const entries = await ctx.host.executingEntries(server);
    const names = entries.map((e) => e.name);
    if (names.join('\n') !== shown) {
      shown = names.join('\n');
      ctx.log.info(
        entries.length ? `${entries.length} executing: ${describeEntries(names)}` : 'no entries executing',
      );
    }
    return entries;
  };
  const first = await read();
  data.executingAtStart = first;
  await ctx.aroundChanges(
    `wait up to ${drainTimeoutMs / 1000} s for the executing entries to finish`,
    async () => {
      const draining = ctx.phase('drain');
      const waited = await ctx.waitFor(
        read,
        (e) => e.length === 0,
        drainTimeoutMs,
        (e, ms) =>
          `waiting for ${e.length} executing entries (${Math.round(ms / 1000)} s): ${describeEntries(e.map((x) => x.name))}`,
      );
      draining.end();
      data.drained = waited.ok;
      data.stillExecuting = waited.value;
      if (waited.ok) return;
      const names = describeEntries(waited.value.map((e) => e.name));
      const message = `${waited.value.length} entries still execute ${drainTimeoutMs / 1000} s after the window closed: ${names}`;
      if (onDrainTimeout === 'continue') {
        ctx.log.warn(
          `${message}. on-drain-timeout is continue: the upgrade goes on, and they may fail when the services stop.`,
        );
        return;
      }
      throw new StageError(
        `${message}.`,
        `The maintenance window is closed on ${hostLabel(ctx)} (${name} Quantity Available 0; the quantity before it is ` +
          `recorded in ${String(data.recordPath)}): no new job starts. Still executing: ${names}.`,
        'Wait for them or end them in the JAMS Client (Monitor), then re-run this job: it finds the window closed and only ' +
          'waits. To go on while they run, set on-drain-timeout: continue. To give up the upgrade, run maintenance-off.',
      );
    },
  );
}
