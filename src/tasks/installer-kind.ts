// Which kind of setup an installer is, read on the host from its bytes, and whether its arguments suit that kind: a
// setup that ignores its quiet switch shows its UI and waits until install-timeout-seconds, in the downtime.
import { INSTALLER_KIND_LABELS, installerKindMismatch } from '../jams/installer.js';
import { judgeInstallerKind } from '../jams/contract.js';
import { StageError, type StageContext } from '../stage-context.js';
import { recordVerdict } from './host-contract.js';
import type { StagingPlan } from './installer-staging.js';
import { hostLabel } from './services.js';
import type { InstallerKindData } from '../stage-data.js';

export interface KindCheck {
  path: string;
  args: readonly string[];
  inputs: { path: string; args: string };
  /** What it is, for the messages: "JAMS installer". */
  label: string;
  /** Where record.data keeps it (src/report/summary.ts shows both): preflight's installer, the desktop clients'. */
  dataKey: 'installerKind' | 'clientInstallerKind';
  /** What the next step ends with: "re-run preflight". */
  rerun: string;
}

/**
 * Reads the installer's kind on the host and refuses arguments that do not suit it, before anything changes; an
 * unknown kind is a warning that says what to check. Records the kind under `dataKey` either way.
 */
export async function checkInstallerKind(ctx: StageContext, check: KindCheck): Promise<InstallerKindData> {
  const info = await ctx.host.installerKind(check.path);
  const args = check.args.join(' ');
  const data: InstallerKindData = {
    path: check.path,
    kind: info.kind,
    evidence: info.evidence ?? info.reason,
    sections: info.sections,
    arguments: args,
    input: check.inputs.args,
    suits: null,
  };
  ctx.record.data[check.dataKey] = data;
  if (check.dataKey === 'installerKind') recordVerdict(ctx, judgeInstallerKind(info.kind, data.evidence));
  const what = `The ${check.label} ${check.path} on ${hostLabel(ctx)}`;
  if (!info.kind) {
    ctx.log.warn(
      `${what} could not be read to tell which kind of setup it is (${info.reason}), so ${check.inputs.args} ` +
        `'${args}' was not checked against it.`,
    );
    return data;
  }
  if (info.kind === 'unknown') {
    ctx.log.warn(
      `${what} is ${INSTALLER_KIND_LABELS.unknown} (${info.evidence}): whether it runs unattended with ` +
        `${check.inputs.args} '${args}' is not known. Check on a test host that it installs with these arguments and ` +
        'shows no window (a setup that ignores them waits until install-timeout-seconds), or set ' +
        `${check.inputs.args} to the silent switches its vendor documents.`,
    );
    return data;
  }
  const mismatch = installerKindMismatch(info.kind, check.path, check.args, check.inputs);
  data.suits = mismatch === null;
  if (mismatch) {
    throw new StageError(
      `${what} is ${INSTALLER_KIND_LABELS[info.kind]} (${info.evidence}), and ${check.inputs.args} is '${args}': ` +
        `${mismatch.problem}.`,
      'Nothing was changed.',
      `${mismatch.fix} Then ${check.rerun}.`,
    );
  }
  ctx.log.info(
    `${check.label} ${check.path}: ${INSTALLER_KIND_LABELS[info.kind]} (${info.evidence}); ` +
      `${check.inputs.args} '${args}' suit it`,
  );
  if (info.kind === 'installshield') {
    // Its /s and no Burn or msiexec switch is all that is known to suit it; Setup.exe may refuse any other word.
    ctx.log.warn(
      `${what} is an InstallShield setup run with ${check.inputs.args} '${args}': InstallShield documents /s and ` +
        '/v"msiexec switches" only, and may refuse any other word (such as {log} or /norestart) as an invalid ' +
        'command line. Run the setup with exactly these arguments on a test host before the downtime.',
    );
  }
  return data;
}

/**
 * preflight: the kind of the installer it stages, read before any write from the copy staged earlier or else from
 * installer-path itself (the copy, checked by SHA-256, holds the same bytes). Nothing to read without installer-path.
 */
export async function checkStagedKind(ctx: StageContext, staging: StagingPlan | null): Promise<void> {
  const path = staging?.reuse?.path ?? staging?.source ?? ctx.settings.upgrade.installerPath;
  if (!path) return;
  await checkInstallerKind(ctx, {
    path,
    args: ctx.settings.upgrade.installerArguments,
    inputs: { path: 'installer-path', args: 'installer-arguments' },
    label: 'JAMS installer',
    dataKey: 'installerKind',
    rerun: 're-run preflight',
  });
}
