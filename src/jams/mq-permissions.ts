import semver from 'semver';
import { parseJamsVersion } from './version.js';

/** The procedure's note: "When upgrading from JAMS V7.x to a version after V7.3.338, review your Message Queue permissions." */
export const MQ_NOTE_VERSION = '7.3.338';

/**
 * True when an upgrade crosses 7.3.338: from a 7.x version at or before it, to a version after it. An
 * upgrade that starts after 7.3.338 already went through the change, so the note does not apply to it.
 */
export function mqNoteApplies(from: string, to: string): boolean {
  const installed = parseJamsVersion(from);
  const target = parseJamsVersion(to);
  if (!installed || !target) return false;
  return (
    installed.major === 7 && semver.lte(installed, MQ_NOTE_VERSION) && semver.gt(target, MQ_NOTE_VERSION)
  );
}

/** One access entry of a message queue, as Get-JuQueuePermissions reports it. */
export interface QueueAccess {
  account: string;
  type: string;
  rights: string;
}

export interface QueuePermissions {
  available: boolean;
  reason?: string;
  queues: { name: string; exists: boolean; entries: QueueAccess[] }[];
}

/** Accounts that may send to a queue: an Allow entry with Send Message (WriteMessage) or Full Control. */
export function sendersOf(entries: readonly QueueAccess[]): string[] {
  return entries
    .filter(
      (e) => /allow/i.test(e.type) && /(send|write|fullcontrol|genericwrite|genericall)/i.test(e.rights),
    )
    .map((e) => e.account);
}
