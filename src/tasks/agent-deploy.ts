// The vendor's way to upgrade agents: each agent's deploy job, submitted as the JAMS Client's Deploy does, then watched
// through its entry and the agent's version until the agent is back online on the scheduler's version.
import {
  entryFinished,
  entryWaitsForResources,
  judgeDeploy,
  type AgentInfo,
  type ItemOutcome,
} from '../jams/agent-rules.js';
import { DEPLOY_HELD_GRACE_MS } from '../jams/unverified.js';
import type { StageContext } from '../stage-context.js';
import type { PoolWork } from './bounded-pool.js';

interface DeployHandle {
  entry: number | null;
  /** The entry was seen ended (or is not known): only then can the agent be on the new version, so only then is it read. */
  look: boolean;
  /** When the entry was first seen waiting for resources, if it still is. */
  heldSinceMs: number | null;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** Deploys agents on the JAMS server `server` until each is online on `target`, within agent-timeout-seconds. */
export function deployWork(
  ctx: StageContext,
  server: string,
  target: string,
): PoolWork<AgentInfo, DeployHandle, ItemOutcome> {
  let held: string | null = null;
  const fail = (detail: string, ms: number | null, versionAfter: string | null = null): ItemOutcome => ({
    ok: false,
    versionAfter,
    detail,
    log: null,
    seconds: ms === null ? null : seconds(ms),
    reboot: false,
  });
  return {
    async start(agents) {
      const started = await ctx.host.deployAgents(
        server,
        agents.map((a) => a.name),
      );
      return agents.map((agent) => {
        const s = started.find((x) => x.name === agent.name);
        if (!s || s.error !== null)
          return { item: agent, error: new Error(s?.error ?? 'no answer for this agent') };
        ctx.log.info(
          `${agent.name}: deploy job ${s.deployJob ?? '?'} submitted` +
            (s.entry ? ` (entry ${s.entry.id})` : '; its entry was not found, so the agent alone is watched'),
        );
        return {
          item: agent,
          handle: { entry: s.entry?.id ?? null, look: s.entry === null, heldSinceMs: null },
        };
      });
    },
    async poll(flights, nowMs) {
      const look = await ctx.host.agentProgress(
        server,
        flights.filter((f) => f.handle.look).map((f) => f.item.name),
        flights.flatMap((f) => (f.handle.entry === null ? [] : [f.handle.entry])),
      );
      const entryOf = (f: (typeof flights)[number]) =>
        look.entries.find((e) => e.id === f.handle.entry) ?? null;
      // The agents whose entry has just ended are read at once, not a cycle later.
      const ending = flights.filter(
        (f) => !f.handle.look && (entryOf(f) === null || entryFinished(entryOf(f))),
      );
      if (ending.length > 0) {
        const more = await ctx.host.agentProgress(
          server,
          ending.map((f) => f.item.name),
          [],
        );
        look.agents.push(...more.agents);
      }
      const ended = new Map<AgentInfo, ItemOutcome>();
      for (const f of flights) {
        const seen = look.agents.find((a) => a.name === f.item.name);
        const entry = entryOf(f);
        f.handle.look = entry === null || entryFinished(entry);
        f.handle.heldSinceMs = entryWaitsForResources(entry) ? (f.handle.heldSinceMs ?? nowMs) : null;
        const elapsed = nowMs - f.startedMs;
        const verdict = judgeDeploy(
          { name: f.item.name, agent: seen?.agent ?? null, error: seen?.error ?? null, entry },
          target,
          elapsed,
          ctx.settings.agents.timeoutMs,
          f.handle.heldSinceMs === null ? 0 : nowMs - f.handle.heldSinceMs,
          DEPLOY_HELD_GRACE_MS,
        );
        if (!verdict.done) continue;
        if (verdict.ok) {
          ended.set(f.item, {
            ok: true,
            versionAfter: verdict.version,
            detail: `deploy job${entry ? ` entry ${entry.id} ${entry.severity || entry.state}` : ''}; online on ${verdict.version}`,
            log: null,
            seconds: seconds(elapsed),
            reboot: false,
          });
          continue;
        }
        if (verdict.held) {
          held ??=
            `the deploy job of ${f.item.name} waited for the maintenance window, which would hold every other deploy ` +
            'job too; upgrade the rest with agent-method: msi, or by hand';
        }
        ended.set(f.item, fail(verdict.reason, elapsed, seen?.agent?.version ?? null));
      }
      return ended;
    },
    failed: (_agent, err) => fail(`the deploy could not be submitted: ${err.message}`, 0),
    succeeded: (r) => r.ok,
    halt: () => held,
    notStarted: (_agent, reason) => fail(`not started: ${reason}`, null),
  };
}
