import { pickInstalledVersion } from '../jams/version.js';
import type { ServiceNames } from '../jams/services.js';
import { runInstaller } from '../tasks/installer-run.js';
import { stagedInstaller } from '../tasks/installer-staging.js';
import { readRollbackRecord } from '../state/rollback-record.js';
import { runKey } from '../state/state-file.js';
import { configSaveFor } from '../tasks/uninstall-first.js';
import { readUpgradeRecord, type HostUpgradeRecord } from '../state/upgrade-record.js';
import { hostLabel } from '../tasks/services.js';
import type { Stage, StageContext } from '../stage-context.js';
import {
  checkInstaller,
  failInstall,
  requireElevation,
  requireNoInstallerRunning,
  requirePrimaryUpgraded,
  installTarget,
  targetVersion,
} from './upgrade.js';

/**
 * The rollback's "reinstall the previous version": the upgrade stage run towards target-version (the version before the
 * upgrade being undone), with the downgrade allowed, the same installer checks, exit codes, log and Log On As restore;
 * with uninstall-first the newer version's own uninstaller runs first. A stage of its own, so the records, the report and
 * the workflow name it for what it is. The start stage then puts the saved config files back whole (config-mode replace).
 */
export const reinstall: Stage = {
  async run(ctx) {
    if ((await finishAfterUninstall(ctx)) === 'would') return;
    await installTarget(ctx, { rollback: true });
  },
};

/**
 * A re-run after this rollback's uninstaller removed JAMS and the installer did not finish: the services are gone with
 * it, so the installer runs first (with the same checks); the upgrade flow then finds the version installed and goes on
 * with the services and the accounts.
 */
async function finishAfterUninstall(ctx: StageContext): Promise<'none' | 'ran' | 'would'> {
  const { entry } = await readRollbackRecord(ctx);
  if (!entry.uninstall || pickInstalledVersion(await ctx.host.installedVersion())) return 'none';
  ctx.log.info(
    `this rollback removed ${entry.uninstall.name} ${entry.uninstall.version} from ${hostLabel(ctx)} ` +
      `(${entry.uninstall.phase}) and nothing is installed now: the installer runs first`,
  );
  requireElevation(ctx);
  const installer = await checkInstaller(ctx, await stagedInstaller(ctx));
  const target = targetVersion(ctx, installer.version);
  // The order holds here too: the secondary goes back only after the primary did.
  requirePrimaryUpgraded(ctx, target);
  const names = Object.fromEntries(
    Object.entries(ctx.settings.serviceCandidates).map(([kind, list]) => [kind, list[0] ?? '']),
  ) as ServiceNames;
  const record = (await readUpgradeRecord(ctx)).data;
  await requireNoInstallerRunning(ctx, names, record);
  const base: HostUpgradeRecord = {
    computerName: ctx.record.host?.computerName ?? '',
    runKey: runKey(ctx),
    targetVersion: target,
    versionBefore: entry.uninstall.version,
    versionAfter: null,
    installer: { path: installer.path, sha256: installer.sha256 ?? '', version: installer.version },
    phase: 'completed',
    install: null,
    configSaveKey: configSaveFor(record, target, runKey(ctx)),
    configReappliedAt: null,
    updatedAt: '',
  };
  const outcome = await runInstaller(ctx, names, base);
  ctx.record.data.installAfterUninstall = outcome;
  if (!outcome) return 'would';
  if (outcome.outcome === 'failure') await failInstall(ctx, names, outcome);
  return 'ran';
}
