// The rollback's reinstall of the previous version over a newer one: which saved config files belong to the version
// returned to, and, with uninstall-first, the newer version's own uninstaller run before the older installer.
import { join } from 'node:path';
import type { AccountRecord } from '../state/logon-accounts.js';
import { classifyExitCode } from '../jams/installer.js';
import type { ServiceKind, ServiceNames, ServiceState } from '../jams/services.js';
import { parseJamsVersion } from '../jams/version.js';
import { pickUninstallEntry, UNINSTALL_ARGUMENTS } from '../jams/uninstall.js';
import { runKey } from '../state/state-file.js';
import { readErrorLine } from './installer-run.js';
import { checkPasswords, planAccountRestore } from './logon-accounts.js';
import { readRollbackRecord, type UninstallRecord } from '../state/rollback-record.js';
import { StageError, type StageContext } from '../stage-context.js';
import { describeStates, hostLabel, readServices } from './services.js';
import type { HostUpgradeRecord } from '../state/upgrade-record.js';
import type { DowngradePlan } from '../stage-data.js';

/**
 * The save of the config files from before the upgrade that left the version `target`: the upgrade record names it
 * while it records that upgrade, or this run's reinstall towards `target`, which kept it. Null when this host has no
 * such record: its files then stay as the installer writes them.
 */
export function configSaveFor(record: HostUpgradeRecord | null, target: string, run: string): string | null {
  if (!record) return null;
  const same = (v: string | null) => v !== null && parseJamsVersion(v)?.compare(target) === 0;
  const reinstall = same(record.targetVersion) && record.runKey === run;
  const upgradeAway = same(record.versionBefore) && !same(record.targetVersion);
  return reinstall || upgradeAway ? record.configSaveKey : null;
}

/**
 * Proves, before anything changes, what the reinstall of `target` over `installed` needs: the config save to put
 * back, and with uninstall-first the one Windows Installer product to remove and a password for every account the
 * removal resets (a removal takes the services with it, so all three come back as the installer creates them).
 */
export async function planDowngrade(
  ctx: StageContext,
  facts: {
    record: HostUpgradeRecord | null;
    installed: string;
    target: string;
    willInstall: boolean;
    names: ServiceNames;
    accounts: AccountRecord;
    states: Record<ServiceKind, ServiceState>;
  },
): Promise<DowngradePlan> {
  const { record, installed, target, willInstall } = facts;
  const plan: DowngradePlan = { configSaveKey: configSaveFor(record, target, runKey(ctx)), uninstall: null };
  ctx.record.data.downgrade = plan;
  const newer = (parseJamsVersion(installed)?.compare(target) ?? 0) > 0;
  if (willInstall && !plan.configSaveKey) {
    ctx.log.warn(
      `No config files saved before the upgrade away from ${target} are recorded on ${hostLabel(ctx)}: after the ` +
        `reinstall the files stay as the ${target} installer writes them. Copy your customised files back from the ` +
        "upgrade run's artifacts (config/ folder) before the start stage.",
    );
  }
  if (!ctx.settings.upgrade.uninstallFirst) return plan;
  if (!willInstall || !newer) {
    ctx.log.info(
      `uninstall-first: nothing to remove, the installed ${installed} is not newer than ${target}`,
    );
    return plan;
  }
  const choice = pickUninstallEntry(await ctx.host.uninstallEntries(), installed);
  if (!choice.ok) {
    throw new StageError(
      `uninstall-first cannot remove JAMS ${installed} on ${hostLabel(ctx)}: ${choice.problem}.`,
      'Nothing was changed.',
      `Remove JAMS ${installed} by hand (Programs and Features), then re-run this job: it finds nothing installed and ` +
        `installs ${target}. Or set uninstall-first: false if the installer takes the downgrade itself.`,
    );
  }
  plan.uninstall = { productCode: choice.productCode, name: choice.entry.name, version: installed };
  const reset = Object.fromEntries(
    Object.entries(facts.states).map(([kind, s]) => [kind, { ...s, account: 'LocalSystem' }]),
  ) as Record<ServiceKind, ServiceState>;
  await checkPasswords(ctx, planAccountRestore(ctx, facts.names, facts.accounts, reset, false));
  return plan;
}

/**
 * msiexec /x of the newer version, quietly with a verbose log in the run folder, waited for within
 * install-timeout-seconds. Recorded on the host before it starts and when it ends, so a re-run knows.
 */
export async function runUninstallFirst(
  ctx: StageContext,
  names: ServiceNames,
  plan: DowngradePlan,
): Promise<void> {
  const product = plan.uninstall;
  if (!product) return;
  const stored = await readRollbackRecord(ctx);
  const earlier = stored.entry.uninstall;
  if (earlier?.phase === 'uninstalling' && earlier.processId !== null && earlier.startedAt) {
    const status = await ctx.host.installerStatus(earlier.processId, earlier.startedAt);
    if (status.running) {
      throw new StageError(
        `The uninstaller this rollback started at ${earlier.startedAt} (process ${earlier.processId}) is still running on ${hostLabel(ctx)}.`,
        `${describeStates(hostLabel(ctx), await readServices(ctx, names))} The uninstaller is running.`,
        `Watch ${earlier.log}; when it has ended, re-run this job.`,
      );
    }
  }
  const log = join(ctx.folder, `jams-uninstall-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  // The host fills {log} (PlatformCommandLine, the one place placeholders are filled).
  const args = UNINSTALL_ARGUMENTS;
  const record: UninstallRecord = {
    ...product,
    log,
    processId: null,
    startedAt: null,
    commandLine: null,
    exitCode: null,
    finishedAt: null,
    phase: 'uninstalling',
  };
  ctx.record.data.uninstall = ctx.dryRun ? { ...record, phase: 'would' } : record;
  let failure: string | null = null;
  await ctx
    .change(
      "run the installed version's uninstaller",
      `msiexec /x ${product.productCode} ${args.join(' ')}, {log} ${log} (${product.name} ${product.version})`,
      async () => {
        await stored.save({ ...stored.entry, uninstall: record });
        const started = await ctx.host.startUninstaller(product.productCode, args, log);
        Object.assign(record, {
          processId: started.processId,
          startedAt: started.startedAt,
          commandLine: started.commandLine,
        });
        await stored.save({ ...stored.entry, uninstall: record });
        ctx.log.info(`uninstaller process ${started.processId}: ${started.commandLine}`);
        const waited = await ctx.waitFor(
          () => ctx.host.installerStatus(started.processId, started.startedAt),
          (s) => !s.running,
          ctx.settings.upgrade.installTimeoutMs,
          (_s, ms) => `the uninstaller is running (${Math.round(ms / 1000)} s)`,
        );
        if (!waited.ok) {
          failure = `it is still running ${Math.round(ctx.settings.upgrade.installTimeoutMs / 1000)} s after it started (it was not ended)`;
          throw new Error(failure);
        }
        const code = waited.value.exitCode;
        const kind = code === null ? null : classifyExitCode(code);
        Object.assign(record, {
          exitCode: code,
          finishedAt: new Date().toISOString(),
          phase: kind?.outcome === 'success' || kind?.outcome === 'reboot' ? 'uninstalled' : 'failed',
        });
        await stored.save({ ...stored.entry, uninstall: record });
        const detail = `exit code ${code ?? 'unknown'}: ${kind?.meaning ?? 'the exit code could not be read'}`;
        if (record.phase === 'failed') {
          const line = readErrorLine(log);
          failure = `${detail}; log ${log}${line ? `, line ${line.line}: "${line.text}"` : ''}`;
          throw new Error(failure);
        }
        if (kind?.outcome === 'reboot') {
          ctx.log.warn(
            `The uninstaller asks for a reboot (${detail}); jams-upgrade does not reboot: reboot once verify has passed.`,
          );
        }
        return detail;
      },
    )
    .catch(async (err: unknown) => {
      const now = await readServices(ctx, names);
      ctx.record.servicesAfter = Object.values(now);
      throw new StageError(
        `The uninstaller of ${product.name} ${product.version} on ${hostLabel(ctx)} failed: ${failure ?? (err as Error).message}.`,
        `${describeStates(hostLabel(ctx), now)} ${product.name} ${product.version} may be partly removed; the database ` +
          'is the restored one.',
        `Read ${log} and fix the cause, or remove ${product.name} by hand (Programs and Features); then re-run this ` +
          'job: it goes on from what is installed.',
      );
    });
}
