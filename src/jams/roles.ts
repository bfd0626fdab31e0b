import { FAILOVER_STATUS_LABELS } from './unverified.js';

export type HostRole = 'primary' | 'secondary';
export type NodeRole = 'Active' | 'Standby' | 'Stopped' | 'Unknown';

/** What Get-JuNodeRole returns: the failover status of every node the host can see. */
export interface FailoverStatus {
  source: string;
  available: boolean;
  reason?: string;
  self: string;
  nodes: { name: string; status: string; role: string }[];
}

export interface RoleView {
  self: NodeRole;
  selfLabel: string;
  peers: { name: string; role: NodeRole; label: string }[];
  source: string;
}

/** The role each node must hold once the pair is back: the procedure's "Running" and "Backup Mode". */
export function expectedRole(role: HostRole): NodeRole {
  return role === 'primary' ? 'Active' : 'Standby';
}

export function normaliseRole(label: string): NodeRole {
  return FAILOVER_STATUS_LABELS[label.trim().toLowerCase()] ?? 'Unknown';
}

export function readRoles(status: FailoverStatus): RoleView {
  if (!status.available) {
    return { self: 'Unknown', selfLabel: status.reason ?? 'unavailable', peers: [], source: status.source };
  }
  const self = status.nodes.find((n) => n.name.toLowerCase() === status.self.toLowerCase());
  const peers = status.nodes
    .filter((n) => n !== self)
    .map((n) => ({ name: n.name, role: normaliseRole(n.status), label: n.status }));
  return {
    self: self ? normaliseRole(self.status) : 'Unknown',
    selfLabel: self?.status ?? `this host (${status.self}) is not in the failover status`,
    peers,
    source: status.source,
  };
}
