/** The three JAMS services of a scheduler node and the order the procedure handles them in. */
export type ServiceKind = 'executor' | 'server' | 'scheduler';

export const SERVICE_LABELS: Readonly<Record<ServiceKind, string>> = {
  executor: 'JAMS Executor',
  server: 'JAMS Server',
  scheduler: 'JAMS Scheduler',
};

/** The procedure: stop JAMS Executor (it takes JAMS Scheduler with it), then JAMS Server, then JAMS Scheduler. */
export const STOP_ORDER: readonly ServiceKind[] = ['executor', 'server', 'scheduler'];

/** Dependencies first: JAMS Scheduler depends on JAMS Executor. */
export const START_ORDER: readonly ServiceKind[] = ['executor', 'server', 'scheduler'];

export type ServiceNames = Record<ServiceKind, string>;

export interface ServiceState {
  name: string;
  exists: boolean;
  displayName?: string;
  status?: string;
  startType?: string;
  account?: string;
  dependentServices?: string[];
}

export function describeService(kind: ServiceKind, name: string): string {
  return `${SERVICE_LABELS[kind]} (${name})`;
}
