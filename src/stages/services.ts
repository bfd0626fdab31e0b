import { SERVICE_LABELS, type ServiceKind, type ServiceNames, type ServiceState } from '../jams/services.js';
import { StageError, type StageContext } from './context.js';

const KINDS = Object.keys(SERVICE_LABELS) as ServiceKind[];

/** Finds the three JAMS services on this host, or stops the stage before it changes anything. */
export async function resolveServices(ctx: StageContext): Promise<ServiceNames> {
  const found = await ctx.host.findServices(ctx.settings.serviceCandidates);
  const missing = KINDS.filter((kind) => !found[kind]);
  if (missing.length > 0) {
    const list = missing
      .map((k) => `${SERVICE_LABELS[k]} (tried ${ctx.settings.serviceCandidates[k].join(', ')})`)
      .join('; ');
    throw new StageError(
      `The JAMS services were not all found on this host: ${list}.`,
      'Nothing was changed.',
      `Run "Get-Service 'JAMS *' | Select-Object Name, DisplayName" on the host and set the ` +
        `${missing.map((k) => `'${k}-service'`).join(', ')} input to the short name it shows.`,
    );
  }
  ctx.record.data['services'] = found;
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
