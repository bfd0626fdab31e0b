// The upgrade record (upgrade-record.json): the upgrade's own record on the host, which a re-run, the start stage, the
// agents stage and a rollback go on.
import { z } from 'zod';
import {
  readStateFile,
  saveStateFile,
  type StateFile,
  type StateRead,
  type StateAccess,
} from './state-file.js';

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

const UpgradeRecordSchema = z.looseObject({
  computerName: z.string(),
  runKey: z.string(),
  targetVersion: z.string(),
  versionBefore: z.string().nullable(),
  versionAfter: z.string().nullable(),
  installer: z.looseObject({
    path: z.string(),
    sha256: z.string(),
    version: z.string().nullable(),
    signer: z.string().nullable().optional(),
    signerThumbprint: z.string().nullable().optional(),
  }),
  phase: z.enum(['installing', 'install-failed', 'installed', 'completed']),
  install: z
    .looseObject({
      processId: z.number(),
      startedAt: z.string(),
      log: z.string(),
      exitCode: z.number().nullable(),
      finishedAt: z.string().nullable(),
      rebootRequired: z.boolean(),
    })
    .nullable(),
  configSaveKey: z.string().nullable(),
  configReappliedAt: z.string().nullable(),
  updatedAt: z.string(),
});

const FILE: StateFile<HostUpgradeRecord> = {
  name: UPGRADE_RECORD_FILE,
  title: 'upgrade record',
  schema: UpgradeRecordSchema,
  ifRemoved:
    'a re-run of upgrade then starts from the installed version, start no longer reapplies the saved config files, ' +
    'and a rollback no longer knows which upgrade attempt it undoes',
};

export function readUpgradeRecord(ctx: StateAccess): Promise<StateRead<HostUpgradeRecord>> {
  return readStateFile(ctx, FILE);
}

/** Saves the record, stamped with the time; callers do it inside ctx.change, so a dry-run writes nothing. */
export function saveUpgradeRecord(ctx: StateAccess, record: HostUpgradeRecord): Promise<string> {
  return saveStateFile(ctx, FILE, { ...record, updatedAt: new Date().toISOString() });
}
