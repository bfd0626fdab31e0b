import type { InstallerInfo } from '../host/host.js';
import { parseJamsVersion, pickInstalledVersion } from '../jams/version.js';
import type { ServiceKind, ServiceNames, ServiceState } from '../jams/services.js';
import { saveConfigFiles } from '../tasks/config-files.js';
import { runKey } from '../state/state-file.js';
import { StageError, type Stage, type StageContext } from '../stage-context.js';
import { checkInstallerFile } from '../tasks/installer-check.js';
import { runInstaller } from '../tasks/installer-run.js';
import { stagedInstaller } from '../tasks/installer-staging.js';
import {
  checkPasswords,
  planAccountRestore,
  readAccountRecord,
  restoreAccounts,
} from '../tasks/logon-accounts.js';
import {
  describeStates,
  hostLabel,
  readServices,
  resolveServices,
  stopJamsServices,
} from '../tasks/services.js';
import {
  UPGRADE_RECORD_FILE,
  readUpgradeRecord,
  saveUpgradeRecord,
  type HostUpgradeRecord,
} from '../state/upgrade-record.js';
import { planDowngrade, runUninstallFirst } from '../tasks/uninstall-first.js';
import { requirePrimaryRunning } from '../tasks/upgrade-order.js';
import type { InstallOutcome, UpgradeData } from '../stage-data.js';

/**
 * The procedure's "Upgrade the Primary/Secondary Scheduler": the installer run unattended, the services the
 * installer restarted stopped again, the Log On As accounts restored. Every precondition is proven before the
 * first change; a re-run goes on from whatever point the last run reached.
 */
export const upgrade: Stage = {
  run: (ctx) => installTarget(ctx, { rollback: false }),
};

/** How the install is run: what the upgrade stage and the rollback's reinstall stage do differently. */
export interface InstallOptions {
  /**
   * The rollback's reinstall: the config save of the upgrade being undone is the one start puts back, the newer
   * version is removed first when uninstall-first asks, and a downgrade is the rollback's, not allow-downgrade's.
   */
  rollback: boolean;
}

/**
 * The upgrade flow, shared by the upgrade stage and the rollback's reinstall stage: the installer run unattended towards
 * the target, the services stopped again, the Log On As accounts restored, the host's upgrade record kept.
 */
export async function installTarget(ctx: StageContext, options: InstallOptions): Promise<void> {
  const data: UpgradeData = {
    targetVersion: null,
    versionBefore: null,
    installedAtStart: null,
    versionAfter: null,
    install: 'not started',
    rebootRequired: false,
  };
  ctx.record.data.upgrade = data;
  const names = await resolveServices(ctx);
  const before = await readServices(ctx, names);
  ctx.record.servicesBefore = Object.values(before);
  ctx.record.servicesAfter = Object.values(before);

  // Preconditions: nothing below changes anything until the installer decision is made.
  requireElevation(ctx);
  const accounts = await readAccountRecord(ctx, before);
  const checking = ctx.phase('installer-check');
  const installer = await checkInstaller(ctx, await stagedInstaller(ctx));
  checking.end();
  const installerVersion = installer.version;
  data.installer = {
    path: installer.path,
    size: installer.size,
    sha256: installer.sha256,
    version: installerVersion,
    versionSource: installer.versionSource,
    signature: installer.signature,
    signer: installer.signer,
    signatureMessage: installer.signatureMessage,
  };
  const target = targetVersion(ctx, installerVersion);
  data.targetVersion = target;
  const installed = pickInstalledVersion(await ctx.host.installedVersion());
  if (!installed) {
    throw new StageError(
      `The installed JAMS version on ${hostLabel(ctx)} could not be read, so an upgrade cannot be told from a downgrade.`,
      'Nothing was changed.',
      'Check that JAMS is installed in the install folder (JAMSScheduler.exe) and listed under Programs and Features, then re-run this job.',
    );
  }
  data.installedAtStart = installed.version;
  const hostRecord = (await readUpgradeRecord(ctx)).data;
  const sameTarget = hostRecord?.targetVersion === target ? hostRecord : null;
  data.versionBefore = sameTarget?.versionBefore ?? installed.version;
  requirePrimaryUpgraded(ctx, target);
  await requirePrimaryRunning(ctx);
  await requireNoInstallerRunning(ctx, names, hostRecord);
  const willInstall = decideInstall(ctx, installed.version, target, sameTarget, options);
  if (willInstall) requireStopped(ctx, before);
  const plan = planAccountRestore(ctx, names, accounts, before, willInstall);
  await checkPasswords(ctx, plan);
  // The rollback's reinstall: the config save to put back, and the newer version removed first (uninstall-first).
  const downgrade = options.rollback
    ? await planDowngrade(ctx, {
        record: hostRecord,
        installed: installed.version,
        target,
        willInstall,
        names,
        accounts,
        states: before,
      })
    : null;

  const installerRecord = {
    path: installer.path,
    sha256: installer.sha256 ?? '',
    version: installerVersion,
    signer: installer.signer,
    signerThumbprint: installer.signerThumbprint ?? null,
  };
  let base: HostUpgradeRecord = sameTarget ?? {
    computerName: ctx.record.host?.computerName ?? '',
    runKey: runKey(ctx),
    targetVersion: target,
    versionBefore: installed.version,
    versionAfter: null,
    installer: installerRecord,
    phase: 'completed',
    install: null,
    configSaveKey: downgrade?.configSaveKey ?? null,
    configReappliedAt: null,
    updatedAt: '',
  };

  if (willInstall) {
    const save = await saveConfigFiles(ctx);
    base = {
      ...base,
      runKey: runKey(ctx),
      versionBefore: data.versionBefore,
      installer: installerRecord,
      configSaveKey: downgrade ? downgrade.configSaveKey : (save?.runKey ?? null),
      configReappliedAt: null,
    };
    if (downgrade) await runUninstallFirst(ctx, names, downgrade);
    const outcome = await runInstaller(ctx, names, base);
    data.install = outcome ? 'ran' : 'would';
    if (outcome) {
      Object.assign(data, {
        exitCode: outcome.exitCode,
        exitMeaning: outcome.meaning,
        log: outcome.log,
        errorLine: outcome.errorLine,
        commandLine: outcome.commandLine,
        rebootRequired: outcome.outcome === 'reboot',
      });
      if (outcome.outcome === 'failure') {
        data.install = 'failed';
        await failInstall(ctx, names, outcome);
      }
      if (outcome.outcome === 'reboot') {
        ctx.log.warn(
          `The installer on ${hostLabel(ctx)} asks for a reboot (exit code ${outcome.exitCode}: ${outcome.meaning}). ` +
            'jams-upgrade does not reboot: reboot the host yourself once verify has passed. The JAMS services start ' +
            "at boot, so a reboot before the start stage would run them with the installer's config files.",
        );
      }
    }
  } else {
    ctx.skip(
      'run the JAMS installer',
      installer.path,
      skipReason(ctx, installed.version, target, sameTarget),
    );
    data.install = 'skipped';
  }

  // After the install (or when it was done already): the services stopped, the accounts back.
  await stopJamsServices(ctx, names);
  const restored = await restoreAccounts(ctx, names, accounts);
  data.accounts = restored;

  const after = pickInstalledVersion(await ctx.host.installedVersion());
  data.versionAfter = after?.version ?? null;
  ctx.record.data.installedVersion = after;
  await ctx.aroundChanges(`check that ${target} is installed`, async () => {
    if (after?.version === target) return;
    throw new StageError(
      `After the installer on ${hostLabel(ctx)} the installed version is ${after?.version ?? 'unreadable'}, not ${target}.`,
      `${describeStates(hostLabel(ctx), await readServices(ctx, names))} The services are stopped and the accounts restored.`,
      `Read the installer log in this job's artifact and Programs and Features on the host; re-run this job to run ` +
        `the installer again (give allow-reinstall: true if the version shown is ${target} already).`,
    );
  });
  // The installer's run updated the host record; the final one keeps its install details.
  const latest = (await readUpgradeRecord(ctx)).data;
  const done: HostUpgradeRecord = {
    ...(latest?.targetVersion === target ? latest : base),
    phase: 'completed',
    versionAfter: after?.version ?? null,
  };
  await ctx.change('record the upgrade', `${ctx.settings.stateFolder}\\${UPGRADE_RECORD_FILE}`, async () => {
    const path = await saveUpgradeRecord(ctx, done);
    return `saved to ${path}`;
  });
  ctx.log.info(
    `JAMS on ${hostLabel(ctx)}: ${data.versionBefore} -> ${data.versionAfter}; accounts: ` +
      restored.map((a) => `${a.service} ${a.after}`).join(', '),
  );
}

export function requireElevation(ctx: StageContext): void {
  const platform = ctx.record.host;
  if (platform?.platform === 'windows' && !platform.isAdmin) {
    throw new StageError(
      `The runner on ${hostLabel(ctx)} is not elevated: the JAMS installer must run as administrator.`,
      'Nothing was changed.',
      "Run the self-hosted runner's service as an administrator account (or LocalSystem) on the scheduler hosts, " +
        'then re-run this job.',
    );
  }
}

/**
 * The installer file: readable, the expected SHA-256, a valid signature and a readable version. `staged`: the copy
 * preflight staged on this host, already read; else installer-path is read.
 */
export async function checkInstaller(
  ctx: StageContext,
  staged: InstallerInfo | null = null,
): Promise<InstallerInfo & { version: string }> {
  const { installerPath: given, installerSha256 } = ctx.settings.upgrade;
  const installerPath = staged?.path ?? given;
  if (!installerPath || !installerSha256) {
    throw new StageError(
      'The upgrade stage needs the installer-path and installer-sha256 inputs.',
      'Nothing was changed.',
      'Set both inputs, then re-run this job.',
    );
  }
  return checkInstallerFile(ctx, {
    path: installerPath,
    label: 'JAMS installer',
    expect: { sha256: installerSha256, input: 'installer-sha256' },
    known: staged,
  });
}

/** The target is target-version when given, else the installer's version; the two must agree. */
export function targetVersion(ctx: StageContext, installerVersion: string): string {
  const wanted = ctx.settings.targetVersion ? parseJamsVersion(ctx.settings.targetVersion) : null;
  if (wanted && wanted.compare(installerVersion) !== 0) {
    throw new StageError(
      `The installer ${ctx.settings.upgrade.installerPath} is version ${installerVersion}, and target-version is ${wanted.version}.`,
      'Nothing was changed.',
      'Point installer-path at the installer of the target version (and installer-sha256 at its hash), or correct ' +
        'target-version; then re-run this job.',
    );
  }
  return installerVersion;
}

/**
 * The procedure upgrades the primary first. The runners are different machines, so the secondary learns of
 * the primary's upgrade from the primary job's version-after output, passed in as primary-upgraded-version.
 */
export function requirePrimaryUpgraded(ctx: StageContext, target: string): void {
  if (ctx.settings.role !== 'secondary') return;
  const reported = ctx.settings.upgrade.primaryUpgradedVersion;
  const next =
    'Run the upgrade stage on the primary first. In the workflow, give this job `needs: <the primary upgrade job>` ' +
    'and `primary-upgraded-version: ${{ needs.<job>.outputs.version-after }}`; then re-run this job.';
  if (!reported) {
    ctx.refuse(
      new StageError(
        "The primary's upgrade is not recorded: 'primary-upgraded-version' is empty, and the procedure upgrades the " +
          'primary before the secondary.',
        'Nothing was changed.',
        next,
      ),
    );
  } else if (parseJamsVersion(reported)?.compare(target) !== 0) {
    ctx.refuse(
      new StageError(
        `The primary reports version ${reported} after its upgrade, and this installer is ${target}.`,
        'Nothing was changed.',
        `Use the installer the primary was upgraded with, or finish the primary's upgrade to ${target}. ${next}`,
      ),
    );
  }
  ctx.record.data.primaryUpgradedVersion = reported;
}

/** An installer started by an earlier attempt that still runs must end before anything else happens. */
export async function requireNoInstallerRunning(
  ctx: StageContext,
  names: ServiceNames,
  record: HostUpgradeRecord | null,
): Promise<void> {
  if (record?.phase !== 'installing' || !record.install) return;
  const status = await ctx.host.installerStatus(record.install.processId, record.install.startedAt);
  if (status.running) {
    ctx.refuse(
      new StageError(
        `The JAMS installer started at ${record.install.startedAt} (process ${record.install.processId}) is still ` +
          `running on ${hostLabel(ctx)}.`,
        `${describeStates(hostLabel(ctx), await readServices(ctx, names))} The installer is running.`,
        `Watch ${record.install.log}; when the installer has ended, re-run this job.`,
      ),
    );
    return;
  }
  ctx.log.info(
    `the installer an earlier attempt started (process ${record.install.processId}) has ended` +
      `${status.exitCode === null ? '' : ` with exit code ${status.exitCode}`}; going on from the installed version`,
  );
}

/** Install when the target is newer; the same version only with allow-reinstall, an older one only with allow-downgrade. */
function decideInstall(
  ctx: StageContext,
  installed: string,
  target: string,
  record: HostUpgradeRecord | null,
  options: InstallOptions,
): boolean {
  const order = parseJamsVersion(installed)?.compare(target) ?? -1;
  if (order < 0) return true;
  if (order === 0) {
    const doneThisRun = record?.runKey === runKey(ctx) && record.phase !== 'install-failed' && record.install;
    return ctx.settings.upgrade.allowReinstall && !doneThisRun;
  }
  if (!ctx.settings.upgrade.allowDowngrade) {
    throw new StageError(
      `The installer is version ${target}, older than the installed ${installed} on ${hostLabel(ctx)}: a downgrade is refused.`,
      'Nothing was changed.',
      'Use the installer of a newer version. To downgrade on purpose (after restoring the database of that version), ' +
        'set allow-downgrade: true.',
    );
  }
  const why = options.rollback ? 'the rollback' : 'allow-downgrade is true';
  ctx.log.warn(`Downgrading ${hostLabel(ctx)} from ${installed} to ${target} (${why}).`);
  return true;
}

function skipReason(
  ctx: StageContext,
  installed: string,
  target: string,
  record: HostUpgradeRecord | null,
): string {
  if (ctx.settings.upgrade.allowReinstall && record?.runKey === runKey(ctx)) {
    return `${target} was already re-installed in this run`;
  }
  return `the installed version ${installed} is the target${ctx.settings.upgrade.allowReinstall ? '' : ' (allow-reinstall is false)'}`;
}

function requireStopped(ctx: StageContext, states: Record<ServiceKind, ServiceState>): void {
  const running = Object.values(states).filter((s) => s.status !== 'Stopped');
  if (running.length === 0) return;
  ctx.refuse(
    new StageError(
      `${running.map((s) => `${s.name} is ${s.status}`).join('; ')} on ${hostLabel(ctx)}: the installer must not ` +
        'run while a JAMS service runs.',
      `${describeStates(hostLabel(ctx), states)} Nothing was changed.`,
      `Run the stop stage for this host (role: ${ctx.settings.role}) first, then re-run this job.`,
    ),
  );
}

/** A failed install: the services are left stopped, and the message names the code, the log and its error line. */
export async function failInstall(
  ctx: StageContext,
  names: ServiceNames,
  outcome: InstallOutcome,
): Promise<never> {
  let stopNote = '';
  try {
    await stopJamsServices(ctx, names);
  } catch (err) {
    stopNote = ` Stopping the services again failed: ${(err as Error).message}`;
  }
  const now = await readServices(ctx, names);
  ctx.record.servicesAfter = Object.values(now);
  const version = pickInstalledVersion(await ctx.host.installedVersion());
  const where = outcome.errorLine
    ? `line ${outcome.errorLine.line} reports the error: "${outcome.errorLine.text}"`
    : 'no line in it matched a known error pattern; read it from the end';
  const accounts = Object.values(now)
    .map((s) => `${s.name} as ${s.account}`)
    .join(', ');
  const next: Record<number, string> = {
    1618:
      'Another installation runs on the host (Windows Update or a second setup). Wait until it has finished, then ' +
      're-run this job.',
    1602:
      'The installer was cancelled: it may have asked a question an unattended run cannot answer (from JAMS 7.7.2 a ' +
      'SQL Server certificate-trust prompt when the database connection is unencrypted). Read the log, fix the ' +
      'cause, then re-run this job.',
    1638:
      'The installer refuses to install over the newer version installed. For a rollback, set uninstall-first: true ' +
      'and re-run this job: it removes the installed version with its own uninstaller first (docs/rollback.md).',
  };
  throw new StageError(
    `The JAMS installer on ${hostLabel(ctx)} exited with ${outcome.exitCode ?? 'an unknown code'}: ${outcome.meaning}. ` +
      `Log: ${outcome.log}; ${where}.`,
    `${describeStates(hostLabel(ctx), now)} Installed version: ${version?.version ?? 'unreadable'}. ` +
      `Log On As: ${accounts}.${stopNote}`,
    (outcome.exitCode !== null ? next[outcome.exitCode] : undefined) ??
      'Read the log at that line and fix the cause; the services stay stopped. Then re-run this job: it runs the ' +
        'installer again. To return to the old version instead (when the installer rolled back), run the start stage.',
  );
}
