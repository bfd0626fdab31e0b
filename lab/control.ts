// Test and rehearsal control over the lab's state file: create a fresh pair, inject faults, read state.
// The lab itself (Platform.Lab.ps1) owns the simulation; this only edits its JSON while no stage runs.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PowerShellHost } from '../src/host/powershell-host.js';

export interface LabService {
  status: string;
  account: string;
  pending: { to: string; at: number | null } | null;
  /** Set when the Log On As was given a wrong password: the service then fails to start (1069). */
  logonFails: boolean;
}

/** The password the lab knows for CORP\svc-jams (state.json keeps only its SHA-256). */
export const LAB_PASSWORD = `Lab's pa$$ "w0rd"; #7`;

export interface LabNode {
  hostName: string;
  version: string;
  role: 'Active' | 'Standby' | 'Stopped';
  services: Record<string, LabService>;
  disks: Record<string, { freeGb: number; totalGb: number }>;
  queues: Record<string, { account: string; type: string; rights: string }[]>;
  /** The simulated installer's last run on this node. */
  install: {
    pid: number;
    at: number | null;
    exitCode: number;
    version: string;
    log: string | null;
    done: boolean;
  } | null;
  faults: {
    stuckStopPending: string[];
    stuckStartPending: string[];
    neverActive: boolean;
    claimsActive: boolean;
    installerExitCode: number;
    installerHangs: boolean;
  };
}

export interface LabEntry {
  id: number;
  name: string;
  state: 'Scheduled' | 'Executing' | 'Completed';
  runsForMs: number;
  /** A Scheduled entry starts at this time unless the maintenance window holds it. */
  startAt: number | null;
  finishAt: number | null;
  /** Ends after this many reads of the executing entries: a drain that does not depend on the clock. */
  finishAfterReads?: number;
}

/** One call the SQL stand-in received: the T-SQL text and its parameters, as SQL Server would see them. */
export interface LabSqlCall {
  sql: string;
  parameters: Record<string, string>;
  node: string;
  integratedSecurity: boolean;
  user: string;
}

export interface LabState {
  timing: { stopMs: number; startMs: number; activationMs: number; failoverMs: number; installMs: number };
  accounts: Record<string, { passwordSha256: string }>;
  nodes: { primary: LabNode; secondary: LabNode };
  resources: Record<string, { quantityAvailable: number; requiredByRoot: boolean }>;
  entries: LabEntry[];
  sql: {
    server: string;
    databases: string[];
    logins: Record<string, string>;
    faults: { backupFails: boolean; backupDamaged: boolean };
    log: LabSqlCall[];
  };
  shares: Record<string, { freeGb: number; totalGb: number }>;
}

/** Named faults, for tests and `npm run rehearse -- --fault <name>`. */
export const FAULTS: Record<string, { description: string; apply: (s: LabState) => void }> = {
  'stuck-stop': {
    description: 'JAMS Scheduler on the primary hangs in StopPending',
    apply: (s) => s.nodes.primary.faults.stuckStopPending.push('JAMSScheduler'),
  },
  'never-active': {
    description: 'the primary never becomes active after a start',
    apply: (s) => (s.nodes.primary.faults.neverActive = true),
  },
  'both-active': {
    description: 'the secondary claims Running while the primary is active (split brain)',
    apply: (s) => (s.nodes.secondary.faults.claimsActive = true),
  },
  'no-maintenance-resource': {
    description: 'JAMS has no Maintenance_Window resource',
    apply: (s) => delete s.resources['Maintenance_Window'],
  },
  'root-not-required': {
    description: 'the root folder does not require Maintenance_Window',
    apply: (s) => Object.assign(s.resources['Maintenance_Window'] ?? {}, { requiredByRoot: false }),
  },
  'stuck-job': {
    description: 'the entry Nightly-Billing keeps executing and never finishes',
    apply: (s) => s.entries.filter((e) => e.name === 'Nightly-Billing').forEach((e) => (e.finishAt = null)),
  },
  'backup-fails': {
    description: 'SQL Server fails the BACKUP DATABASE (disk full)',
    apply: (s) => (s.sql.faults.backupFails = true),
  },
  'backup-damaged': {
    description: 'the backup file is written damaged, so RESTORE VERIFYONLY fails',
    apply: (s) => (s.sql.faults.backupDamaged = true),
  },
  'low-disk': {
    description: 'drive C: of the primary has 1 GB free',
    apply: (s) => Object.assign(s.nodes.primary.disks['C'] ?? {}, { freeGb: 1 }),
  },
  'installer-1603': {
    description:
      'the JAMS installer fails with exit code 1603 (fatal error) on both nodes and changes nothing',
    apply: (s) => forBoth(s, (n) => (n.faults.installerExitCode = 1603)),
  },
  'installer-3010': {
    description: 'the JAMS installer succeeds with exit code 3010 (reboot required) on both nodes',
    apply: (s) => forBoth(s, (n) => (n.faults.installerExitCode = 3010)),
  },
  'installer-hang': {
    description: 'the JAMS installer never ends on both nodes',
    apply: (s) => forBoth(s, (n) => (n.faults.installerHangs = true)),
  },
};

function forBoth(s: LabState, edit: (node: LabNode) => void): void {
  edit(s.nodes.primary);
  edit(s.nodes.secondary);
}

/** Creates the healthy pair (the lab's own default) by asking the lab once, as a stage would. */
export async function createLab(
  folder: string,
  shell: 'pwsh' | 'powershell' = process.env['JAMS_UPGRADE_TEST_SHELL'] === 'powershell'
    ? 'powershell'
    : 'pwsh',
): Promise<LabState> {
  rmSync(folder, { recursive: true, force: true });
  const host = new PowerShellHost({
    shell,
    installFolder: 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler',
    callTimeoutMs: 60_000,
    lab: { folder, node: 'primary' },
  });
  try {
    await host.platform();
  } finally {
    await host.close();
  }
  return readLab(folder);
}

export function readLab(folder: string): LabState {
  return JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8')) as LabState;
}

/** Edits the state under the lab's own lock file, so a running stage never sees half a write. */
export function editLab(folder: string, edit: (state: LabState) => void): LabState {
  const lock = join(folder, 'state.lock');
  const fd = openSync(lock, 'wx');
  try {
    const state = readLab(folder);
    edit(state);
    writeFileSync(join(folder, 'state.json'), JSON.stringify(state, null, 2));
    return state;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

export function injectFault(folder: string, name: string): void {
  const fault = FAULTS[name];
  if (!fault) throw new Error(`Unknown lab fault '${name}'. Known: ${Object.keys(FAULTS).join(', ')}.`);
  if (!existsSync(join(folder, 'state.json'))) throw new Error(`No lab in ${folder}: create it first.`);
  editLab(folder, fault.apply);
}

/** A node's folder path for a Windows path, as the lab maps it (C:\X -> <lab>/<node>/C/X). */
export function labPath(folder: string, node: 'primary' | 'secondary', windowsPath: string): string {
  const m = /^([A-Za-z]):[\\/](.*)$/.exec(windowsPath);
  if (!m) return windowsPath;
  return join(folder, node, (m[1] ?? 'C').toUpperCase(), ...(m[2] ?? '').split(/[\\/]/));
}

/** A simulated JAMS installer the lab understands; Windows paths in the lab map as labPath/LabMapPath do. */
export interface LabInstaller {
  /** The path to give the installer-path input, e.g. \\fileserver\jams\JAMS-7.3.500.exe. */
  windowsPath: string;
  file: string;
  sha256: string;
}

export function writeLabInstaller(
  folder: string,
  version: string,
  options: { signature?: string; name?: string } = {},
): LabInstaller {
  const name = options.name ?? `JAMS-${version}-setup.exe`;
  const windowsPath = `\\\\fileserver\\jams\\${name}`;
  const file = join(folder, 'unc', 'fileserver', 'jams', name);
  mkdirSync(dirname(file), { recursive: true });
  const body = JSON.stringify({
    labInstaller: 'jams',
    version,
    signature: options.signature ?? 'Valid',
    signer: 'CN=JAMS Software (lab), O=Lab',
  });
  writeFileSync(file, body);
  return { windowsPath, file, sha256: createHash('sha256').update(body).digest('hex').toUpperCase() };
}
