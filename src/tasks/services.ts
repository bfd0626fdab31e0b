// The three JAMS services: found, read, and stopped in the procedure's order (stop and upgrade).
import {
  SERVICE_LABELS,
  STOP_ORDER,
  describeService,
  type ServiceKind,
  type ServiceNames,
  type ServiceState,
} from '../jams/services.js';
import { StageError, type StageContext } from '../stage-context.js';

const KINDS = Object.keys(SERVICE_LABELS) as ServiceKind[];

/** Finds the three JAMS services on this host, or stops the stage before it changes anything. */
export async function resolveServices(ctx: StageContext): Promise<ServiceNames> {
  const { found, jamsServices } = await ctx.host.findServices(ctx.settings.serviceCandidates);
  const missing = KINDS.filter((kind) => !found[kind]);
  if (missing.length > 0) {
    const list = missing
      .map((k) => `${SERVICE_LABELS[k]} (tried ${ctx.settings.serviceCandidates[k].join(', ')})`)
      .join('; ');
    const seen = jamsServices.map((s) => `${s.name} (${s.displayName})`).join(', ') || 'none';
    throw new StageError(
      `The JAMS services were not all found on this host: ${list}. Services named JAMS * on the host: ${seen}.`,
      'Nothing was changed.',
      `Set the ${missing.map((k) => `'${k}-service'`).join(', ')} input to the short name the host shows ` +
        `("Get-Service 'JAMS *' | Select-Object Name, DisplayName"), then re-run this job.`,
    );
  }
  ctx.record.data.services = found;
  return found as ServiceNames;
}

/** The current state of the three services, keyed by kind. */
export async function readServices(
  ctx: StageContext,
  names: ServiceNames,
): Promise<Record<ServiceKind, ServiceState>> {
  const states = await ctx.host.serviceStates(KINDS.map((k) => names[k]));
  return Object.fromEntries(KINDS.map((k, i) => [k, states[i] as ServiceState])) as Record<
    ServiceKind,
    ServiceState
  >;
}

/** "JAMS Executor Stopped, JAMS Server Running, JAMS Scheduler StopPending" for failure messages. */
export function describeStates(host: string, states: Record<ServiceKind, ServiceState>): string {
  const parts = KINDS.map((k) => `${SERVICE_LABELS[k]} ${states[k].status ?? 'missing'}`);
  return `${host}: ${parts.join(', ')}.`;
}

export function hostLabel(ctx: StageContext): string {
  return `${ctx.record.host?.computerName ?? 'this host'} (${ctx.settings.role})`;
}

/**
 * The procedure's "Stop the JAMS Services": JAMS Executor (which takes JAMS Scheduler with it), then JAMS
 * Server, then JAMS Scheduler, each verified stopped. A service already stopped is recorded, not an error; one
 * still starting (the installer starts them) is let finish first, since a starting service takes no stop.
 * Leaves servicesAfter in the record and fails with the host state when a service does not stop.
 */
export async function stopJamsServices(ctx: StageContext, names: ServiceNames): Promise<void> {
  const stopping = ctx.phase('services-stop');
  const covered = new Set<string>();
  for (const kind of STOP_ORDER) {
    const name = names[kind];
    let [state] = await ctx.host.serviceStates([name]);
    const label = describeService(kind, name);
    // Neither a starting service nor a starting dependent (Windows stops the dependents first) takes a stop control.
    const dependents = (state?.dependentServices ?? []).filter((d) => Object.values(names).includes(d));
    const settling = [name, ...dependents];
    const starting = dependents.length ? await ctx.host.serviceStates(settling) : [state];
    if (starting.some((s) => s?.status === 'StartPending')) {
      state =
        (await ctx.aroundChanges(`wait for ${settling.join(', ')} to settle before the stop`, async () => {
          ctx.log.info(
            `${settling.join(', ')}: waiting for the service that is starting to settle before the stop`,
          );
          const settled = await ctx.waitFor(
            () => ctx.host.serviceStates(settling),
            (s) => s.every((x) => x.status !== 'StartPending'),
            ctx.settings.serviceTimeoutMs,
          );
          return settled.value[0];
        })) ?? state;
    }
    if (state?.status === 'Stopped') {
      ctx.skip('stop', label, 'already stopped');
      continue;
    }
    if (covered.has(name)) {
      ctx.skip('stop', label, 'stopped together with the service it depends on');
      continue;
    }
    dependents.forEach((d) => covered.add(d));
    const target = dependents.length ? `${label}, which also stops ${dependents.join(', ')}` : label;
    const changed = await ctx.change('stop', target, async () => {
      if (state?.status !== 'StopPending') await ctx.host.stopService(name);
    });
    if (!changed) continue;

    const waited = await ctx.waitFor(
      async () => {
        const states = await ctx.host.serviceStates(settling);
        // Windows waits 30 s for the dependents to stop before it stops this service, and gives up on it after that:
        // once they have stopped, ask again.
        const [self, ...rest] = states;
        if (self?.status === 'Running' && rest.every((s) => s.status === 'Stopped'))
          await ctx.host.stopService(name);
        return states;
      },
      (states) => states.every((s) => s.status === 'Stopped'),
      ctx.settings.serviceTimeoutMs,
      (states, ms) =>
        `waiting for ${states.map((s) => `${s.name} ${s.status}`).join(', ')} (${Math.round(ms / 1000)} s)`,
    );
    if (!waited.ok) {
      // Windows stops a service only once the services that depend on it have stopped: the one stuck in StopPending
      // is the cause, a service still Running is waiting for it.
      const stuck = waited.value.filter((s) => s.status !== 'Stopped');
      const pending = stuck.filter((s) => s.status === 'StopPending');
      const cause = pending.length ? pending : stuck;
      const waiting = stuck.filter((s) => !cause.includes(s));
      const now = await readServices(ctx, names);
      ctx.record.servicesAfter = Object.values(now);
      throw new StageError(
        `${cause.map((s) => `${s.name} is still ${s.status}`).join('; ')} on ${hostLabel(ctx)} ` +
          `${Math.round(ctx.settings.serviceTimeoutMs / 1000)} s after the stop request` +
          (waiting.length
            ? `, and ${waiting.map((s) => `${s.name} is still ${s.status}`).join('; ')}: Windows stops a service only ` +
              'after the services that depend on it.'
            : '.'),
        describeStates(hostLabel(ctx), now),
        `Find out why ${cause.map((s) => s.name).join(', ')} does not stop (Event Viewer > System, the JAMS logs). ` +
          `Once it has stopped, or after ending its process (taskkill /F /FI "SERVICES eq ${cause[0]?.name}"), ` +
          `re-run this job: it skips services already stopped. Do not start the upgrade while any JAMS service runs.`,
      );
    }
  }
  stopping.end();

  const after = await readServices(ctx, names);
  ctx.record.servicesAfter = Object.values(after);
  const running = Object.values(after).filter((s) => s.status !== 'Stopped');
  await ctx.aroundChanges('check that every service stayed stopped', async () => {
    if (running.length > 0) {
      throw new StageError(
        `After the stop, ${running.map((s) => `${s.name} is ${s.status}`).join('; ')} on ${hostLabel(ctx)}: ` +
          `something started it again.`,
        describeStates(hostLabel(ctx), after),
        'Check for a recovery action or a monitoring tool that restarts JAMS services, disable it for the ' +
          'upgrade, then re-run this job.',
      );
    }
  });
}
