// The upgrade's own record on the host, which a re-run and the start stage go on.
import type { StageContext } from '../stage-context.js';

/** The record's file name in the state folder. */
export const UPGRADE_RECORD_FILE = 'upgrade-record.json';

export interface HostUpgradeRecord {
  computerName: string;
  runKey: string;
  targetVersion: string;
  /** The version before the first install towards this target; a re-run keeps it. */
  versionBefore: string | null;
  versionAfter: string | null;
  /** The installer that ran, and who signed it: the agents stage's agent MSI must have the same signer. */
  installer: {
    path: string;
    sha256: string;
    version: string | null;
    signer?: string | null;
    signerThumbprint?: string | null;
  };
  /**
   * installing: an installer was started and its end not yet seen; install-failed: it ended with a failure;
   * installed: it succeeded but the services and accounts are not yet done; completed: all of it done.
   */
  phase: 'installing' | 'install-failed' | 'installed' | 'completed';
  install: {
    processId: number;
    startedAt: string;
    log: string;
    exitCode: number | null;
    finishedAt: string | null;
    rebootRequired: boolean;
  } | null;
  /** The run whose config save (config-saved.json) holds the files from before the install. */
  configSaveKey: string | null;
  /** Set by start once the customisations are back in the new files; a later start leaves them alone. */
  configReappliedAt: string | null;
  updatedAt: string;
}

export async function readUpgradeRecord(
  ctx: StageContext,
): Promise<{ path: string; data: HostUpgradeRecord | null }> {
  return ctx.host.readState<HostUpgradeRecord>(ctx.settings.stateFolder, UPGRADE_RECORD_FILE);
}

/** Saves the record; callers do it inside ctx.change, so a dry-run writes nothing. */
export async function saveUpgradeRecord(ctx: StageContext, record: HostUpgradeRecord): Promise<string> {
  const saved = await ctx.host.saveState(ctx.settings.stateFolder, UPGRADE_RECORD_FILE, {
    ...record,
    updatedAt: new Date().toISOString(),
  });
  return saved.path;
}
