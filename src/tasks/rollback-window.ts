// maintenance-on in a rollback after a failed upgrade: with JAMS down on both nodes there is no window to read or close.
import { describeRoles, readRoleView } from './roles.js';
import { readServices, resolveServices } from './services.js';
import type { StageContext } from '../stage-context.js';

/**
 * True (and recorded as a skip) when this is a rollback and JAMS runs on neither node: no job can start, the JAMS server
 * cannot be asked for the window, and the database the rollback restores holds the window as the upgrade's backup saw it
 * (closed: the backup is taken inside the window). maintenance-off restores the quantity recorded on this host.
 */
export async function windowNeedsNoClosing(ctx: StageContext): Promise<boolean> {
  if (ctx.settings.pipeline !== 'rollback') return false;
  const states = await readServices(ctx, await resolveServices(ctx));
  const roles = await readRoleView(ctx);
  const peerDown = roles.peers.length > 0 && roles.peers.every((p) => p.role === 'Stopped');
  if (states.server.status === 'Running' || !peerDown) return false;
  ctx.record.servicesBefore = Object.values(states);
  ctx.record.servicesAfter = Object.values(states);
  ctx.skip(
    'close maintenance window',
    `${ctx.settings.maintenance.resource} on ${ctx.settings.maintenance.jamsServer}`,
    `JAMS runs on neither node (${describeRoles(roles)}), so no job can start; the restored database holds the window ` +
      "as the upgrade's backup saw it (closed), and maintenance-off restores the quantity recorded on this host",
  );
  return true;
}
