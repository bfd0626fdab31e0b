// The installer staged on the host's own disk before the downtime: preflight copies it, upgrade runs it, verify clears
// the copies of earlier runs.
import type { InstallerInfo, StagedCopy } from '../host/host.js';
import { SessionError } from '../host/powershell-session.js';
import { parseJamsVersion } from '../jams/version.js';
import { StageError, type StageContext } from '../stage-context.js';
import { runKey } from '../state/state-file.js';
import { hostLabel } from './services.js';
import type { StagingData } from '../stage-data.js';
import {
  readStagingRecord,
  saveStagingRecord,
  STAGING_RECORD_FILE,
  type StagedInstaller,
  type StagingRecord,
} from '../state/installer-staging.js';

/** What preflight will stage, worked out before any write. */
export interface StagingPlan {
  source: string;
  sha256: string;
  folder: string;
  name: string;
  /** The copy staged earlier whose SHA-256 and signature still hold: kept, not copied again. */
  reuse: StagedInstaller | null;
  /** Bytes the copy will add to the state folder's drive (0 when one is reused). */
  size: number;
  record: StagingRecord;
}

/** 12.3 MB, 840.0 KB: an installer's size as the summary shows it. */
function size(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** <state-folder>\installers: one folder per staged installer, named by its key. */
function stagingRoot(ctx: StageContext): string {
  return `${ctx.settings.stateFolder}\\installers`;
}

/** The installer's own file name, kept where it is plain; anything else becomes _ (the extension stays). */
export function stagedName(installerPath: string): string {
  const leaf = installerPath.slice(installerPath.lastIndexOf('\\') + 1);
  return leaf.replace(/[^A-Za-z0-9_.+() -]/g, '_').replace(/^[^A-Za-z0-9_]/, '_');
}

function setData(ctx: StageContext, data: StagingData): void {
  ctx.record.data.installerStaging = data;
}

/**
 * Checks a staged copy the way upgrade will check it, so a file upgrade would refuse is refused before any
 * downtime: readable with the expected SHA-256, a Valid signature, and the version target-version names.
 */
function checkStagedCopy(ctx: StageContext, info: InstallerInfo, sha256: string, hostState: string): void {
  const refuse = (message: string, next: string): never => {
    throw new StageError(message, hostState, next);
  };
  const source = ctx.settings.upgrade.installerPath ?? '';
  if (!info.exists || !info.readable || info.sha256 !== sha256) {
    refuse(
      `The staged installer ${info.path} on ${hostLabel(ctx)} is not the one installer-sha256 names ` +
        `(${info.readable ? `SHA-256 ${info.sha256}` : `unreadable: ${info.reason}`}).`,
      'Re-run preflight: it copies the installer again.',
    );
  }
  if (info.signature !== 'Valid') {
    refuse(
      `The Authenticode signature of ${source} (staged as ${info.path}) is ${info.signature}` +
        `${info.signatureMessage ? ` (${info.signatureMessage})` : ''}, not Valid.`,
      'Do not run this file: get a signed installer from the vendor, set installer-path and installer-sha256 to it, ' +
        'then re-run preflight.',
    );
  }
  const version = info.version ? parseJamsVersion(info.version) : null;
  if (!version) {
    refuse(
      `The version of ${source} could not be read (${info.versionSource ?? 'no version source'}: ${info.version ?? 'empty'}).`,
      'Check that installer-path names the JAMS setup program, then re-run preflight.',
    );
  }
  const wanted = ctx.settings.targetVersion ? parseJamsVersion(ctx.settings.targetVersion) : null;
  if (wanted && version && wanted.compare(version.version) !== 0) {
    refuse(
      `The installer ${source} is version ${version.version}, and target-version is ${wanted.version}: the upgrade ` +
        'would refuse it during the downtime.',
      'Point installer-path at the installer of the target version (and installer-sha256 at its hash), or correct ' +
        'target-version; then re-run preflight.',
    );
  }
  ctx.log.info(
    `staged installer ${info.path}: SHA-256 ${info.sha256}, signature Valid` +
      `${info.signer ? ` (${info.signer})` : ''}, version ${version?.version}`,
  );
}

/**
 * preflight, reading only: whether the installer needs copying onto this host, or a copy staged earlier still holds
 * (its SHA-256 and signature checked again). Null when there is nothing to stage. A missing source stops preflight
 * here, before any write.
 */
export async function planStaging(ctx: StageContext): Promise<StagingPlan | null> {
  const { installerPath: source, installerSha256: sha256 } = ctx.settings.upgrade;
  if (!source || !sha256) {
    ctx.log.info(
      'installer-path and installer-sha256 are not both given: no installer is staged, and upgrade will read ' +
        'installer-path during the downtime.',
    );
    return null;
  }
  if (ctx.settings.staging.timeoutSeconds === 0) {
    ctx.skip(
      'stage the installer',
      source,
      'staging-timeout-seconds is 0: upgrade will read it during the downtime',
    );
    setData(ctx, { source, path: null, outcome: 'not staged' });
    return null;
  }
  const key = sha256.slice(0, 16);
  const plan = {
    source,
    sha256,
    folder: `${stagingRoot(ctx)}\\${key}`,
    name: stagedName(source),
    reuse: null,
    size: 0,
    record: (await readStagingRecord(ctx)).record,
  };
  const earlier = plan.record.copies.find((c) => c.sha256 === sha256);
  if (earlier) {
    const info = await ctx.host.installer(earlier.path);
    if (info.exists && info.sha256 === sha256) {
      checkStagedCopy(ctx, info, sha256, 'Nothing was changed.');
      return { ...plan, reuse: earlier };
    }
    ctx.log.warn(
      `The installer staged at ${earlier.stagedAt} (${earlier.path}) ` +
        `${info.exists ? `has changed (SHA-256 ${info.sha256})` : 'is gone'}: it is copied again from ${source}.`,
    );
  }
  const facts = await ctx.host.fileFacts(source);
  if (!facts.exists) {
    throw new StageError(
      `The JAMS installer ${source} cannot be read on ${hostLabel(ctx)}: ${facts.reason}.`,
      'Nothing was changed.',
      'Check installer-path, that the share is reachable from this host and that the runner account may read it; ' +
        'then re-run preflight.',
    );
  }
  return { ...plan, size: facts.size ?? 0 };
}

/**
 * preflight's second durable write: copies the installer into <state-folder>\installers\<key> and checks the copy
 * (SHA-256, signature, version) there, or keeps the copy staged earlier for this run. A dry-run copies nothing.
 */
export async function stageInstaller(ctx: StageContext, plan: StagingPlan | null): Promise<void> {
  if (!plan) return;
  const { source, sha256, reuse, record } = plan;
  const run = runKey(ctx);
  const recordPath = `${ctx.settings.stateFolder}\\${STAGING_RECORD_FILE}`;
  if (reuse) {
    ctx.skip(
      'stage the installer',
      reuse.path,
      `staged at ${reuse.stagedAt}; its SHA-256 and signature hold`,
    );
    setData(ctx, { source, path: reuse.path, outcome: 'already staged', size: reuse.size });
    if (reuse.runKey !== run) {
      await ctx.change(
        'keep the staged installer for this run',
        `${reuse.path} in ${recordPath}`,
        async () => {
          const claimed = { ...reuse, runKey: run, claimedAt: new Date().toISOString() };
          await saveStagingRecord(ctx, { copies: record.copies.map((c) => (c === reuse ? claimed : c)) });
        },
      );
    }
    return;
  }
  const timeout = ctx.settings.staging.timeoutSeconds;
  const target = `${plan.folder}\\${plan.name}`;
  setData(ctx, { source, path: target, outcome: 'would stage', size: plan.size });
  await ctx.change(
    'stage the installer',
    `${source} to ${target} (${size(plan.size)}, up to ${timeout} s)`,
    async () => {
      const copy = await copyWithin(ctx, plan, timeout);
      const hostState = `The Log On As record is saved; no installer is staged on ${hostLabel(ctx)}.`;
      if (!copy.kept) {
        throw new StageError(
          `The SHA-256 of ${source} is ${copy.sha256}, and installer-sha256 expects ${sha256}: the copy was not kept.`,
          hostState,
          'Do not run this file: download the installer again from the vendor, compare its hash with the published ' +
            'one, and set installer-sha256 to it; then re-run preflight.',
        );
      }
      try {
        checkStagedCopy(ctx, await ctx.host.installer(copy.path), sha256, hostState);
      } catch (err) {
        await ctx.host.removeStagedInstaller(stagingRoot(ctx), sha256.slice(0, 16));
        throw err;
      }
      const now = new Date().toISOString();
      const entry: StagedInstaller = {
        key: sha256.slice(0, 16),
        path: copy.path,
        source,
        sha256,
        size: copy.size,
        stagedAt: now,
        runKey: run,
        claimedAt: now,
      };
      await saveStagingRecord(ctx, { copies: [...record.copies.filter((c) => c.sha256 !== sha256), entry] });
      setData(ctx, { source, path: copy.path, outcome: 'staged', size: copy.size, copyMs: copy.copyMs });
      return `${size(copy.size)} copied in ${(copy.copyMs / 1000).toFixed(1)} s; SHA-256 and signature checked`;
    },
  );
}

/** The copy, bounded by staging-timeout-seconds: past it the PowerShell session is ended and preflight fails. */
async function copyWithin(ctx: StageContext, plan: StagingPlan, timeout: number): Promise<StagedCopy> {
  try {
    return await ctx.host.copyInstaller(plan.source, plan.folder, plan.name, plan.sha256, timeout);
  } catch (err) {
    if (!(err instanceof SessionError)) throw err;
    throw new StageError(
      `Copying ${plan.source} to ${hostLabel(ctx)} did not finish within staging-timeout-seconds (${timeout} s): ` +
        `${err.message}`,
      `The Log On As record is saved; no installer is staged (a part copy ${plan.folder}\\${plan.name}.partial may be ` +
        'left, and the next copy replaces it). No service was touched.',
      'The share is slow or unreachable from this host. Fix the share, or raise staging-timeout-seconds, or copy the ' +
        'installer to a local folder on each host and point installer-path at it; then re-run preflight.',
    );
  }
}

/**
 * upgrade: the installer preflight staged on this host, its SHA-256 checked again, or null when there is none (upgrade
 * then reads installer-path, with a warning). A staged copy that changed since preflight is refused.
 */
export async function stagedInstaller(ctx: StageContext): Promise<InstallerInfo | null> {
  const { installerPath: source, installerSha256: sha256 } = ctx.settings.upgrade;
  if (!source || !sha256) return null;
  const copy = (await readStagingRecord(ctx)).record.copies.find((c) => c.sha256 === sha256);
  const info = copy ? await ctx.host.installer(copy.path) : null;
  if (!copy || !info?.exists) {
    ctx.log.warn(
      `No staged copy of the installer on ${hostLabel(ctx)}${copy ? ` (${copy.path}, staged by preflight, is gone)` : ''}: ` +
        `upgrade reads ${source} now, during the downtime, so a slow or unreachable share lengthens or stops it. ` +
        'Give preflight installer-path and installer-sha256 to stage the installer before the stop (a dry-run ' +
        'preflight stages nothing).',
    );
    setData(ctx, { source, path: null, outcome: 'not staged' });
    return null;
  }
  if (info.sha256 !== sha256) {
    throw new StageError(
      `The installer preflight staged on ${hostLabel(ctx)} (${copy.path}) changed after preflight checked it: ` +
        `${info.readable ? `its SHA-256 is now ${info.sha256}` : `it cannot be read (${info.reason})`}, and ` +
        `installer-sha256 expects ${sha256}.`,
      'Nothing was changed.',
      `Do not run it. Re-run preflight for this host (role: ${ctx.settings.role}): it copies the installer from ` +
        `${source} again and checks it. Then re-run this job.`,
    );
  }
  ctx.log.info(
    `running the installer staged by preflight at ${copy.stagedAt}: ${copy.path} (from ${source})`,
  );
  setData(ctx, { source, path: copy.path, outcome: 'runs the staged copy', size: copy.size });
  return info;
}

/**
 * verify, once every check passed: removes the installers earlier runs staged on this host. The current run's copy
 * stays (a re-run or a way back may need it); a dry-run removes nothing.
 */
export async function removeEarlierStagedCopies(ctx: StageContext): Promise<void> {
  const { path, record } = await readStagingRecord(ctx);
  const run = runKey(ctx);
  const current = new Set(record.copies.filter((c) => c.runKey === run).map((c) => c.key));
  let left = record.copies;
  for (const copy of record.copies.filter((c) => c.runKey !== run && !current.has(c.key))) {
    await ctx.change(
      'remove an installer an earlier run staged',
      `${copy.path} (${copy.runKey})`,
      async () => {
        const removed = await ctx.host.removeStagedInstaller(stagingRoot(ctx), copy.key);
        left = left.filter((c) => c !== copy);
        await saveStagingRecord(ctx, { copies: left });
        return removed.removed ? `removed; ${path} updated` : `already gone; ${path} updated`;
      },
    );
  }
}
