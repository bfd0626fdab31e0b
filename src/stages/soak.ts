import { compareFailureRates, stuckEntries, type RateVerdict, type StuckEntry } from '../jams/soak-health.js';
import { readWindowRecord } from '../state/maintenance-window.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import type { SoakData, VerifyCheck } from '../stage-data.js';
import { readResource } from '../tasks/maintenance-window.js';
import { checkNode, logCheck } from '../tasks/node-checks.js';
import { describeRoles } from '../tasks/roles.js';
import { describeStates, hostLabel } from '../tasks/services.js';

const MINUTE_MS = 60_000;
const minutes = (ms: number) => Math.round((ms / MINUTE_MS) * 10) / 10;

/**
 * After a ring's upgrade, and after the soak environment's wait timer (docs/fleet.md): is the pair still healthy? On
 * each node the verify checks; on the primary also the maintenance window back at its recorded quantity, the soak's
 * length proven from the window's reopening, no entry stuck executing, and the failed-entry rate during the soak
 * against as long before the upgrade. Read-only; a failed check stops the promotion with its numbers.
 */
export const soak: Stage = {
  async run(ctx) {
    // The node's checks are the record's data.checks (the summary's table): the primary's health joins them.
    const node = await checkNode(ctx);
    const { checks } = node;
    const data: SoakData = { requiredMinutes: ctx.settings.soak.minutes };
    ctx.record.data.soak = data;
    if (ctx.settings.role === 'primary') {
      const verified = checks.length;
      await primaryHealth(ctx, data, checks);
      checks.slice(verified).forEach((c) => logCheck(ctx, c));
    }
    const failed = checks.filter((c) => !c.ok);
    if (failed.length === 0) {
      const after =
        data.soakedMinutes === undefined ? '' : ` ${data.soakedMinutes} minute(s) after the window reopened`;
      ctx.log.info(`soak: ${hostLabel(ctx)} is healthy${after}`);
      return;
    }
    ctx.refuse(
      new StageError(
        `The soak found ${hostLabel(ctx)} unhealthy: ${failed.map((c) => `${c.check}: ${c.actual} (expected ${c.expected})`).join('; ')}.`,
        `JAMS runs on ${hostLabel(ctx)} as the upgrade left it: nothing was changed. ` +
          `${describeStates(hostLabel(ctx), node.states)} Failover: ${describeRoles(node.roles)}.`,
        'The promotion stops here: no later ring starts. Look into what the failed checks name (the JAMS Monitor and ' +
          'History for the failed entries). Re-run this soak job once fixed (it only reads), or roll this pair back ' +
          'with the rollback workflow (docs/rollback.md).',
      ),
    );
  },
};

/** The primary's part: the window, the soak's length, stuck entries and the failure rate. */
async function primaryHealth(ctx: StageContext, data: SoakData, checks: VerifyCheck[]): Promise<void> {
  const { jamsServer: server, resource } = ctx.settings.maintenance;
  const now = new Date();
  const stored = await readWindowRecord(ctx);
  const window = stored.record;
  const state = await readResource(ctx);
  data.window = {
    resource,
    recordedQuantity: window?.quantity ?? null,
    quantity: state.quantityAvailable,
    closedAt: window?.recordedAt ?? null,
    reopenedAt: window?.restoredAt ?? null,
  };
  checks.push({
    check: 'maintenance window back at its recorded quantity',
    expected: window ? `${resource} at ${window.quantity}` : `a record of ${resource} in ${stored.path}`,
    actual: window
      ? `${state.quantityAvailable ?? 'missing'}`
      : 'no record: this host has not run maintenance-on',
    ok: window !== undefined && state.quantityAvailable === window.quantity,
  });
  if (!window?.restoredAt) {
    checks.push({
      check: 'soaked since the window reopened',
      expected: `${ctx.settings.soak.minutes} minute(s)`,
      actual: 'the window has not been reopened (maintenance-off)',
      ok: false,
    });
    return;
  }

  // The soak is measured from the window's reopening, whatever timer GitHub waited: a short timer is caught here.
  const reopened = Date.parse(window.restoredAt);
  const soakedMs = now.getTime() - reopened;
  data.soakedMinutes = minutes(soakedMs);
  checks.push({
    check: 'soaked since the window reopened',
    expected: `at least ${ctx.settings.soak.minutes} minute(s)`,
    actual: `${data.soakedMinutes} minute(s), since ${window.restoredAt}`,
    ok: soakedMs >= ctx.settings.soak.minutes * MINUTE_MS,
  });

  const stuck: StuckEntry[] = stuckEntries(await ctx.host.executingEntries(server), now);
  data.stuck = stuck;
  checks.push({
    check: 'no entry stuck executing',
    expected: 'none past 3 times its average (and its average plus 10 minutes)',
    actual: stuck.length
      ? stuck
          .map((s) => `${s.entry} ${s.name} running ${s.runningSeconds} s, average ${s.averageSeconds} s`)
          .join(', ')
      : 'none',
    ok: stuck.length === 0,
  });

  // As long before the window closed as the soak has lasted: the same length of time, before any change.
  const closed = Date.parse(window.recordedAt);
  const iso = (ms: number) => new Date(ms).toISOString();
  const before = await ctx.host.entryHistory(server, iso(closed - soakedMs), window.recordedAt);
  const during = await ctx.host.entryHistory(server, window.restoredAt, now.toISOString());
  const rates: RateVerdict = compareFailureRates(before, during, ctx.settings.soak.maxFailureIncrease);
  data.rates = rates;
  checks.push({
    check: 'failed-entry rate',
    expected: `no rise beyond the noise${rates.allowed ? ` plus ${rates.allowed} points` : ''}`,
    actual: rates.reason,
    ok: rates.ok,
  });
}
