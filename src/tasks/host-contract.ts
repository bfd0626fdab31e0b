// What a host shows for each unverified assumption, judged and recorded by preflight.
import { judgeContract, type Verdict } from '../jams/contract.js';
import { JAMS_QUEUES } from '../jams/unverified.js';
import type { StageContext } from '../stage-context.js';

/**
 * Looks at what the host really shows for each assumption in docs/unverified.md, records the verdicts and warns on each
 * that does not hold, before the stage changes anything. A user's first dry-run on a real pair is then the evidence.
 */
export async function checkContract(ctx: StageContext): Promise<Verdict[]> {
  const { maintenance, serviceCandidates } = ctx.settings;
  const observed = await ctx.host.contract(maintenance.jamsServer, maintenance.resource, JAMS_QUEUES);
  const verdicts = judgeContract(observed, {
    serviceCandidates,
    resource: maintenance.resource,
    server: maintenance.jamsServer,
  });
  ctx.record.data.contract = [];
  ctx.record.data.contractObserved = observed;
  for (const v of verdicts) recordVerdict(ctx, v);
  return verdicts;
}

/** Adds one verdict to the record's contract section, and warns when it does not hold. */
export function recordVerdict(ctx: StageContext, v: Verdict): void {
  const recorded = (ctx.record.data.contract ??= []);
  recorded.push(v);
  if (v.holds === false) {
    ctx.log.warn(
      `Assumption '${v.id}' does not hold on this host: ${v.assumption} Seen: ${v.seen}. To settle it: ${v.settle}.`,
    );
  } else {
    ctx.log.info(`assumption ${v.id}: ${v.holds === null ? 'not judged' : 'holds'} (${v.seen})`);
  }
}
