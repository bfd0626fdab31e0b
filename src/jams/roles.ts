import { FAILOVER_STATUS_LABELS } from './unverified.js';

export type HostRole = 'primary' | 'secondary';
export type NodeRole = 'Active' | 'Standby' | 'Stopped' | 'Unknown';

/** One node's answer to Get-JAMSFailoverStatus -Server <node>, its values trimmed by the host. */
export interface FailoverAnswer {
  server: string;
  /** false when the node did not answer (its JAMS Server stopped, or the host is down): `error` says why. */
  reachable: boolean;
  error?: string;
  status?: string | null;
  role?: string | null;
  primary?: string | null;
  secondary?: string | null;
  members?: string[];
}

/** What Get-JuNodeRole returns: this node's answer and its peer's, each asked directly. */
export interface FailoverStatus {
  source: string;
  /** false when the JAMS module could not be loaded at all. */
  available: boolean;
  reason?: string;
  computerName: string;
  self?: FailoverAnswer;
  /** null when the peer could not be named (no answer from this node and no Failover.config). */
  peer?: FailoverAnswer | null;
  peerSource?: string | null;
}

export interface RoleView {
  self: NodeRole;
  /** In the JAMS Client's words (Running, Backup Mode), what admins see under About > JAMS Servers > Status. */
  selfLabel: string;
  /** This node's place in the pair as JAMS names it, when it answered. */
  configuredRole: HostRole | null;
  /** JAMS names this node Standalone (FailoverRole.Standalone): it is not part of a failover pair. */
  standalone: boolean;
  peers: { name: string; role: NodeRole; label: string }[];
  source: string;
}

/** The role each node must hold once the pair is back: the procedure's "Running" and "Backup Mode". */
export function expectedRole(role: HostRole): NodeRole {
  return role === 'primary' ? 'Active' : 'Standby';
}

/** The JAMS Client's words for a role. */
export const ROLE_LABELS: Readonly<Record<NodeRole, string>> = {
  Active: 'Running',
  Standby: 'Backup Mode',
  Stopped: 'Stopped',
  Unknown: 'Unknown',
};

/** An answer's role: a node that does not answer is stopped; Active and Passive are the cmdlet's words. */
export function answerRole(answer: FailoverAnswer): NodeRole {
  if (!answer.reachable) return 'Stopped';
  return FAILOVER_STATUS_LABELS[(answer.status ?? '').trim().toLowerCase()] ?? 'Unknown';
}

function answerLabel(answer: FailoverAnswer): string {
  const role = answerRole(answer);
  if (!answer.reachable) return `Stopped (not answering: ${answer.error ?? 'no reason given'})`;
  return role === 'Unknown' ? `Unknown (status '${answer.status ?? ''}')` : ROLE_LABELS[role];
}

export function readRoles(status: FailoverStatus): RoleView {
  if (!status.available || !status.self) {
    return {
      self: 'Unknown',
      selfLabel: status.reason ?? 'unavailable',
      configuredRole: null,
      standalone: false,
      peers: [],
      source: status.source,
    };
  }
  const configured = (status.self.role ?? '').trim().toLowerCase();
  const peer = status.peer;
  return {
    self: answerRole(status.self),
    selfLabel: answerLabel(status.self),
    configuredRole: configured === 'primary' || configured === 'secondary' ? configured : null,
    standalone: configured === 'standalone',
    peers: peer ? [{ name: peer.server, role: answerRole(peer), label: answerLabel(peer) }] : [],
    source: status.peerSource ? `${status.source}; peer named by ${status.peerSource}` : status.source,
  };
}
