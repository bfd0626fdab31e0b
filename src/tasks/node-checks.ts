// The checks verify makes on a node, also the soak's: the three services run, the failover role is the node's,
// exactly one node is active, and the installed version is the target. Read-only.
import { SERVICE_LABELS, type ServiceKind, type ServiceState } from '../jams/services.js';
import { expectedRole, type RoleView } from '../jams/roles.js';
import { parseJamsVersion, pickInstalledVersion } from '../jams/version.js';
import type { StageContext } from '../stage-context.js';
import type { VerifyCheck } from '../stage-data.js';
import { readRoleView } from './roles.js';
import { readServices, resolveServices } from './services.js';

export interface NodeChecks {
  checks: VerifyCheck[];
  states: Record<ServiceKind, ServiceState>;
  roles: RoleView;
  /** The nodes that report Running (active): more than one is a split brain. */
  activeNodes: string[];
}

/** Reads the node and judges it; the services go into the record and the checks into data.checks. */
export async function checkNode(ctx: StageContext): Promise<NodeChecks> {
  const names = await resolveServices(ctx);
  const states = await readServices(ctx, names);
  ctx.record.servicesBefore = Object.values(states);
  ctx.record.servicesAfter = Object.values(states);
  const checks: VerifyCheck[] = [];

  for (const kind of Object.keys(states) as ServiceKind[]) {
    const status = states[kind].status ?? 'missing';
    checks.push({
      check: `${SERVICE_LABELS[kind]} running`,
      expected: 'Running',
      actual: status,
      ok: status === 'Running',
    });
  }

  const want = expectedRole(ctx.settings.role);
  const roles = await readRoleView(ctx);
  checks.push({
    check: 'failover role',
    expected: want,
    actual: `${roles.self} (${roles.selfLabel})`,
    ok: roles.self === want,
  });
  const activeNodes = [
    ...(roles.self === 'Active' ? ['this node'] : []),
    ...roles.peers.filter((p) => p.role === 'Active').map((p) => p.name),
  ];
  checks.push({
    check: 'exactly one active node',
    expected: '1 node Running',
    actual:
      roles.peers.length || roles.self !== 'Unknown'
        ? `${activeNodes.length} (${activeNodes.join(', ') || 'none'})`
        : 'unknown',
    ok: activeNodes.length === 1,
  });

  const installed = pickInstalledVersion(await ctx.host.installedVersion());
  ctx.record.data.installedVersion = installed;
  if (ctx.settings.targetVersion) {
    const ok =
      installed !== null && installed.version === parseJamsVersion(ctx.settings.targetVersion)?.version;
    // A dry-run of the pipeline installed nothing: the version is shown, not judged.
    const dryRunOnly = !ok && ctx.dryRun;
    checks.push({
      check: 'installed version',
      expected: ctx.settings.targetVersion,
      actual: `${installed?.version ?? 'unreadable'}${dryRunOnly ? ' (dry-run: nothing was installed, so not judged)' : ''}`,
      ok: ok || dryRunOnly,
    });
  }
  ctx.record.data.checks = checks;
  checks.forEach((c) => logCheck(ctx, c));
  return { checks, states, roles, activeNodes };
}

/** One check in the stage's log: ok or FAIL, what was expected and what was found. */
export function logCheck(ctx: StageContext, c: VerifyCheck): void {
  ctx.log.info(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: expected ${c.expected}, found ${c.actual}`);
}
