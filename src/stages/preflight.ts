import { shouldKeepStoredRecord } from '../jams/accounts.js';
import {
  ACCOUNT_RECORD_FILE,
  readLogOnAsRecord,
  saveLogOnAsRecord,
  type AccountRecord,
} from '../state/logon-accounts.js';
import { SERVICE_LABELS, type ServiceKind } from '../jams/services.js';
import { SUPPORTED_MAJOR, pickInstalledVersion, parseJamsVersion } from '../jams/version.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { describeTarget, resolveDatabase } from '../tasks/database-backup.js';
import { checkFreeSpace } from '../tasks/disk-space.js';
import { JAMS6_FOLDER, type Verdict } from '../jams/contract.js';
import { listAgentHosts } from '../tasks/agent-hosts.js';
import { checkContract } from '../tasks/host-contract.js';
import { checkStagedKind } from '../tasks/installer-kind.js';
import { planStaging, stageInstaller } from '../tasks/installer-staging.js';
import { reviewQueuePermissions } from '../tasks/queue-permissions.js';
import { showRestorePlan } from '../tasks/restore-plan.js';
import { describeRoles, readRoleView } from '../tasks/roles.js';
import { hostLabel, readServices, resolveServices } from '../tasks/services.js';
import { stateOrder } from '../tasks/upgrade-order.js';

/**
 * Read-only look at the node before any downtime: services, Log On As accounts (recorded durably for the
 * restore), installed version, failover roles, the config files, the Message Queue note and the free space
 * for the backup and the installer. Fails when the pair is not in a state an upgrade can safely start from.
 */
export const preflight: Stage = {
  async run(ctx) {
    if (ctx.settings.pipeline === 'upgrade') stateOrder(ctx);
    const platform = ctx.record.host;
    if (platform?.platform === 'windows' && !platform.isAdmin) {
      ctx.log.warn(
        `The runner on ${hostLabel(ctx)} is not elevated: stop, upgrade and start need administrator rights.`,
      );
    }
    // First, and even if a later check fails: what the host shows for each unverified assumption.
    const contract = await checkContract(ctx);
    const names = await resolveServices(ctx);
    const states = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(states);
    ctx.record.servicesAfter = Object.values(states);
    for (const kind of Object.keys(states) as ServiceKind[]) {
      const s = states[kind];
      ctx.log.info(
        `${SERVICE_LABELS[kind]} (${s.name}): ${s.status}, start ${s.startType}, Log On As ${s.account}`,
      );
    }

    // The pair must be one a safe upgrade can start from.
    const roles = await readRoleView(ctx);
    ctx.log.info(`failover: ${describeRoles(roles)}`);
    const active = [roles.self, ...roles.peers.map((p) => p.role)].filter((r) => r === 'Active').length;
    if (active > 1) {
      throw new StageError(
        `More than one node reports Running (active): ${describeRoles(roles)}.`,
        'Nothing was changed.',
        'Resolve the split brain before upgrading: stop the JAMS services on the node that should be standby, check ' +
          'the failover port and Failover.config on both nodes, then re-run preflight.',
      );
    }
    if (roles.standalone) {
      throw new StageError(
        `JAMS names ${hostLabel(ctx)} Standalone: it is not part of a failover pair.`,
        'Nothing was changed.',
        'jams-upgrade upgrades a primary/failover pair. Configure failover (Failover.config on both nodes, then restart ' +
          'the JAMS Server services) and re-run preflight, or upgrade a single server by hand.',
      );
    }
    if (roles.configuredRole && roles.configuredRole !== ctx.settings.role) {
      throw new StageError(
        `JAMS says ${hostLabel(ctx)} is the ${roles.configuredRole} of the pair, but this job runs it as role: ` +
          `${ctx.settings.role}.`,
        'Nothing was changed.',
        "Check the runner labels: each job's runs-on must reach the host its role names (the primary's runner for role: " +
          'primary). Fix the labels or the caller, then re-run preflight.',
      );
    }
    if (roles.self === 'Unknown') ctx.log.warn(`The failover role could not be read: ${roles.selfLabel}.`);

    const installed = pickInstalledVersion(await ctx.host.installedVersion());
    ctx.record.data.installedVersion = installed;
    if (installed) ctx.log.info(`installed JAMS version ${installed.version} (${installed.source})`);
    else
      ctx.log.warn(
        'The installed JAMS version could not be read from the Uninstall key or JAMSScheduler.exe.',
      );
    refuseUnsupportedJams(ctx, installed, contract);
    const target = ctx.settings.targetVersion ? parseJamsVersion(ctx.settings.targetVersion) : null;
    if (installed && target && target.compare(installed.version) < 0) {
      if (ctx.settings.pipeline === 'rollback') {
        ctx.log.info(`rollback: from the installed ${installed.version} back to ${target.version}`);
      } else {
        ctx.log.warn(
          `The target version ${target.version} is older than the installed ${installed.version}.`,
        );
      }
    }

    await reviewQueuePermissions(ctx, installed?.version ?? null, roles);

    const config = await ctx.host.files(ctx.settings.installFolder, ctx.settings.configPatterns);
    ctx.record.data.configFiles = config;
    if (!config.exists) {
      throw new StageError(
        `The JAMS Scheduler folder ${ctx.settings.installFolder} does not exist on ${hostLabel(ctx)}.`,
        'Nothing was changed.',
        "Set the 'install-folder' input to the folder that holds JAMSScheduler.exe and the *.config files.",
      );
    }
    ctx.log.info(`config files: ${config.files.map((f) => f.name).join(', ') || 'none matched'}`);

    // The primary's backup reads the JAMS database from common.config unless the inputs name it: prove it now,
    // before the downtime, rather than after maintenance-on has closed the window.
    if (ctx.settings.role === 'primary') {
      const target = await resolveDatabase(ctx, 'Nothing was changed.');
      const { server, database, auth, source, form } = target;
      ctx.record.data.database = { server, database, auth, source, form };
      ctx.log.info(`JAMS database: ${describeTarget(target)}`);
    }

    // The machines the agents stage will reach, for the downtime gate; a host outside agent-hosts-allowed stops here.
    await listAgentHosts(ctx);

    const staging = await planStaging(ctx);
    // The kind of setup it stages, from its bytes: arguments that kind ignores would hang the install in the downtime.
    await checkStagedKind(ctx, staging);
    await checkFreeSpace(ctx, [
      { path: ctx.settings.installFolder, purpose: 'the installer' },
      ...(ctx.settings.backupPath ? [{ path: ctx.settings.backupPath, purpose: 'the backup' }] : []),
      ...(staging && !staging.reuse
        ? [{ path: ctx.settings.stateFolder, purpose: 'the staged installer', extraBytes: staging.size }]
        : []),
    ]);

    if (ctx.settings.pipeline === 'rollback' && ctx.settings.role === 'primary') await showRestorePlan(ctx);

    // Preflight's durable writes, once every check above has passed: the accounts, then the staged installer.
    await recordAccounts(ctx, states);
    await stageInstaller(ctx, staging);
  },
};

/**
 * JAMS 6.x keeps a folder's resource requirements and an agent's platform in other shapes than JAMS 7 (JAMSShr.dll 6.5
 * against 7.3 and 7.5), so the window and the agents could not be handled: refuse before anything changes.
 */
function refuseUnsupportedJams(
  ctx: StageContext,
  installed: { version: string } | null,
  contract: Verdict[],
): void {
  const major = installed ? parseJamsVersion(installed.version)?.major : undefined;
  const sixShape = contract.some((v) => v.id === 'root-requirement' && v.seen.startsWith(JAMS6_FOLDER));
  if ((major !== undefined && major < SUPPORTED_MAJOR) || (major === undefined && sixShape)) {
    throw new StageError(
      `${hostLabel(ctx)} runs JAMS ${installed?.version ?? '6.x (its root folder keeps Requirements, not Elements)'}: ` +
        `jams-upgrade supports JAMS ${SUPPORTED_MAJOR} and later.`,
      'Nothing was changed.',
      `Upgrade this pair to JAMS ${SUPPORTED_MAJOR} by hand, following the vendor's upgrade article, then use ` +
        'jams-upgrade for later upgrades.',
    );
  }
}

/** Saves the Log On As accounts on the host, unless they look already reset by an upgrade. */
async function recordAccounts(
  ctx: StageContext,
  states: Awaited<ReturnType<typeof readServices>>,
): Promise<void> {
  const accounts = Object.fromEntries(Object.values(states).map((s) => [s.name, s.account ?? '']));
  ctx.record.data.logOnAs = accounts;
  const stored = await readLogOnAsRecord(ctx);
  if (shouldKeepStoredRecord(stored.data, accounts)) {
    ctx.log.warn(
      `Services run as LocalSystem where ${stored.path} (recorded ${stored.data?.recordedAt}) has real accounts: ` +
        'this looks like a node an upgrade already reset. The stored record is kept for the restore.',
    );
    ctx.skip('record Log On As accounts', stored.path, 'kept the earlier record');
    ctx.record.data.logOnAsRecord = stored.data;
    return;
  }
  const record: AccountRecord = {
    recordedAt: new Date().toISOString(),
    runId: ctx.record.run['id'] === undefined ? undefined : String(ctx.record.run['id']),
    computerName: ctx.record.host?.computerName ?? '',
    accounts,
  };
  ctx.record.data.logOnAsRecord = record;
  await ctx.change(
    'record Log On As accounts',
    `${ctx.settings.stateFolder}\\${ACCOUNT_RECORD_FILE}`,
    async () => {
      return `saved to ${await saveLogOnAsRecord(ctx, record)}`;
    },
  );
}
