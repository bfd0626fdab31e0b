// preflight's review of the MSMQ permissions the 7.3.338 note asks for.
import { MQ_NOTE_VERSION, mqNoteApplies, sendersOf } from '../jams/mq-permissions.js';
import type { RoleView } from '../jams/roles.js';
import { JAMS_QUEUES } from '../jams/unverified.js';
import type { StageContext } from '../stage-context.js';

/**
 * The procedure's note: "When upgrading from JAMS V7.x to a version after V7.3.338, review your Message Queue
 * permissions". Reports the JAMS queues' permissions where this host can read them, and raises a warning
 * annotation when the upgrade crosses 7.3.338.
 */
export async function reviewQueuePermissions(
  ctx: StageContext,
  installed: string | null,
  roles: RoleView,
): Promise<void> {
  const permissions = await ctx.host.queuePermissions(JAMS_QUEUES);
  ctx.record.data.queuePermissions = permissions;
  const lines: string[] = [];
  if (!permissions.available) {
    ctx.log.info(
      `message queue permissions could not be read on this host: ${permissions.reason ?? 'unknown'}`,
    );
  }
  for (const queue of permissions.available ? permissions.queues : []) {
    const line = queue.exists
      ? `private$\\${queue.name}: Send Message for ${sendersOf(queue.entries).join(', ') || 'nobody'}`
      : `private$\\${queue.name}: no such queue`;
    lines.push(line);
    ctx.log.info(`message queue ${line}`);
  }

  const target = ctx.settings.targetVersion;
  if (!installed || !target) {
    ctx.record.data.mqNote = { applies: null, from: installed, to: target };
    ctx.log.info(
      `The ${MQ_NOTE_VERSION} Message Queue note was not checked: ${installed ? "set the 'target-version' input" : 'the installed version is unknown'}.`,
    );
    return;
  }
  const applies = mqNoteApplies(installed, target);
  ctx.record.data.mqNote = { applies, from: installed, to: target };
  if (!applies) return;
  const peers = roles.peers.map((p) => p.name).join(', ') || 'the other scheduler';
  ctx.log.warn(
    `Upgrading JAMS from ${installed} to ${target} crosses ${MQ_NOTE_VERSION}: review the Message Queue permissions ` +
      `before the upgrade (the procedure's note). Each failover node needs Send Message on its peer's private queue ` +
      `jamsrequests: the peer's machine account (such as ${peers}$) when the JAMS services run as LocalSystem, ` +
      `otherwise their service account. ${lines.length ? `On this host: ${lines.join('; ')}.` : 'The queues could not be read on this host.'}`,
  );
}
