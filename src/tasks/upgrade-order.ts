// The order the pair is upgraded in, on the host: preflight states it, and with resume-after-primary the secondary
// proves the primary is back before its install and says, when it fails, that the primary keeps running.
import { describeOrder } from '../jams/upgrade-order.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { describeRoles, readRoleView } from './roles.js';
import { hostLabel } from './services.js';

/** The secondary's stages of the upgrade that run while the primary is back: resume-after-primary only. */
export function afterThePrimary(ctx: StageContext): boolean {
  const s = ctx.settings;
  return s.order === 'resume-after-primary' && s.pipeline === 'upgrade' && s.role === 'secondary';
}

/** Preflight: the order and what it assumes, in the log, the summary and the order-plan output the downtime gate shows. */
export function stateOrder(ctx: StageContext): void {
  const plan = describeOrder(ctx.settings.order, ctx.settings.resumeGate);
  ctx.record.data.orderPlan = plan;
  ctx.log.info(plan);
  ctx.summarySections.push(`#### The upgrade's order\n\n${plan}`);
}

/**
 * resume-after-primary: the secondary installs only next to a primary that is back, Running on the target version
 * (its upgrade job's version-after, checked before this, says which version; the primary is asked for its role).
 */
export async function requirePrimaryRunning(ctx: StageContext): Promise<void> {
  if (!afterThePrimary(ctx)) return;
  const roles = await readRoleView(ctx);
  if (roles.peers.some((p) => p.role === 'Active')) return;
  ctx.refuse(
    new StageError(
      `order: resume-after-primary upgrades the secondary once the primary is Running again, and it is not: ` +
        `${describeRoles(roles)}.`,
      'Nothing was changed.',
      'Run start and verify on the primary (their jobs come before this one in this order) until the primary reports ' +
        'Running, then re-run this job.',
    ),
  );
}

/**
 * resume-after-primary: a failure of the secondary's upgrade, start or verify leaves the primary running alone; the
 * failure says so, with what the primary reports now, so nobody stops it by mistake.
 */
export function keepingThePrimary(stage: Stage): Stage {
  return {
    ...stage,
    async run(ctx) {
      try {
        await stage.run(ctx);
      } catch (err) {
        if (!(err instanceof StageError) || !afterThePrimary(ctx)) throw err;
        throw new StageError(
          err.message,
          `${err.hostState} ${await describePrimary(ctx)}`,
          `${err.nextStep}${ctx.settings.stage === 'upgrade' ? ` ${NO_OLD_START}` : ''} The primary needs nothing: ` +
            'leave it running. To give up on the new version instead, run the rollback (docs/rollback.md): after its ' +
            'gate it stops the running primary first.',
        );
      }
    },
  };
}

/** The upgraded primary already runs: the secondary may not come back on the version it had. */
const NO_OLD_START =
  'Do not start this node on its old version: it would join the primary, which runs the new one (order: ' +
  'resume-after-primary).';

async function describePrimary(ctx: StageContext): Promise<string> {
  const roles = await readRoleView(ctx).catch(() => null);
  const primary = roles?.peers[0];
  if (primary && primary.role !== 'Active') {
    return `The primary ${primary.name} reports ${primary.label}: JAMS does not run on either node.`;
  }
  const state = primary
    ? `The primary ${primary.name} reports ${primary.label}`
    : 'The primary was upgraded and verified Running before this job';
  return (
    `${state}: JAMS runs on the primary alone, without failover, until ${hostLabel(ctx)} is upgraded and in Backup ` +
    'Mode (order: resume-after-primary).'
  );
}
