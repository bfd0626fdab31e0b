// An installer file as the host sees it, checked before it runs: readable, the SHA-256 its input expects, a valid
// Authenticode signature and a readable version. The scheduler's installer, the desktop clients' one, the agent MSI.
import type { InstallerInfo } from '../host/host.js';
import { parseJamsVersion } from '../jams/version.js';
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';

export interface InstallerFile {
  path: string;
  /** What it is, for the messages: "JAMS installer", "agent MSI". */
  label: string;
  /** The SHA-256 an input expects, with that input's name; null for a file the scheduler itself ships. */
  expect: { sha256: string; input: string } | null;
  /** The file's facts when they were read already (the copy preflight staged); else the host reads them. */
  known?: InstallerInfo | null;
}

/** Refuses a file that cannot be read, differs from its hash, is not validly signed, or has no readable version. */
export async function checkInstallerFile(
  ctx: StageContext,
  file: InstallerFile,
): Promise<InstallerInfo & { version: string; sha256: string }> {
  const info = file.known ?? (await ctx.host.installer(file.path));
  const refuse = (message: string, next: string): never => {
    throw new StageError(message, 'Nothing was changed.', next);
  };
  if (!info.exists || !info.readable || !info.sha256) {
    refuse(
      `The ${file.label} ${file.path} cannot be read on ${hostLabel(ctx)}: ${info.reason}.`,
      'Check the path, that the share is reachable from the host, and that the runner account may read it; then re-run this job.',
    );
  }
  ctx.log.info(`${file.label} ${file.path}: ${info.size} bytes, SHA-256 ${info.sha256}`);
  if (file.expect && info.sha256 !== file.expect.sha256) {
    refuse(
      `The SHA-256 of ${file.path} is ${info.sha256}, and ${file.expect.input} expects ${file.expect.sha256}.`,
      'Do not run this file: download the installer again from the vendor, compare its hash with the published one, ' +
        `and set ${file.expect.input} to it; then re-run this job.`,
    );
  }
  if (info.signature !== 'Valid') {
    refuse(
      `The Authenticode signature of ${file.path} is ${info.signature}` +
        `${info.signatureMessage ? ` (${info.signatureMessage})` : ''}, not Valid.`,
      'Do not run this file: get a signed installer from the vendor, then re-run this job.',
    );
  }
  ctx.log.info(`signature Valid${info.signer ? `, signed by ${info.signer}` : ''}`);
  const version = info.version ? parseJamsVersion(info.version) : null;
  if (!version) {
    refuse(
      `The version of ${file.path} could not be read (${info.versionSource ?? 'no version source'}: ${info.version ?? 'empty'}).`,
      `Check that the file is the ${file.label}, then re-run this job.`,
    );
  }
  return {
    ...info,
    sha256: info.sha256 as string,
    version: (version as NonNullable<typeof version>).version,
  };
}
