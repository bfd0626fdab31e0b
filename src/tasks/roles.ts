// This node's failover role and its peer's, read for the record and described for messages.
import { readRoles, type RoleView } from '../jams/roles.js';
import type { StageContext } from '../stage-context.js';

/** Reads this node's failover role (and its peers') and keeps the latest view in the record. */
export async function readRoleView(ctx: StageContext): Promise<RoleView> {
  const view = readRoles(await ctx.host.failoverStatus());
  ctx.record.data.roles = view;
  return view;
}

export function describeRoles(view: RoleView): string {
  const peers = view.peers.map((p) => `${p.name} ${p.label}`).join(', ');
  return `this node reports ${view.selfLabel}${peers ? `; peers: ${peers}` : ''} (source: ${view.source})`;
}
