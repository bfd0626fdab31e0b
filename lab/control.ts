// Test and rehearsal control over the lab's state file: create a fresh pair, inject faults, read state.
// The lab itself (lab/ps/) owns the simulation; this only edits its JSON while no stage runs.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PowerShellHost } from '../src/host/powershell-host.js';
import { DEFAULT_STATE_FOLDER } from '../src/jams/unverified.js';
import { labSession } from './lab-hook.mjs';

export interface LabService {
  status: string;
  account: string;
  pending: { to: string; at: number | null } | null;
  /** Set when the Log On As was given a wrong password: the service then fails to start (1069). */
  logonFails: boolean;
}

/** This folder: default-state.json and the files a new pair starts with. */
const LAB_TEMPLATE = dirname(fileURLToPath(import.meta.url));

/** default-state.json, the state a new pair starts in, read as the caller needs it. */
function labTemplate<T>(): T {
  return JSON.parse(readFileSync(join(LAB_TEMPLATE, 'default-state.json'), 'utf8')) as T;
}

/** The password the lab knows for CORP\svc-jams (state.json keeps only its SHA-256). */
export const LAB_PASSWORD = `Lab's pa$$ "w0rd"; #7`;

export interface LabNode {
  hostName: string;
  version: string;
  role: 'Active' | 'Standby' | 'Stopped';
  services: Record<string, LabService & { displayName: string; dependsOn: string[] }>;
  /** The Uninstall registry keys; the one marked jams shows the node's version (gone while JAMS is uninstalled). */
  uninstall: {
    key: string;
    displayName?: string;
    uninstallString?: string;
    jams?: boolean;
    wow6432: boolean;
  }[];
  disks: Record<string, { freeGb: number; totalGb: number }>;
  queues: Record<string, { account: string; type: string; rights: string }[]>;
  /** The lab installer's (or the lab msiexec's, kind uninstall) last run on this node, written by its own process. */
  install: {
    pid: number;
    kind?: 'uninstall';
    exitCode: number | null;
    version: string;
    log: string | null;
    done: boolean;
    /** Names of JU_* (secret) variables the installer's environment held: must stay empty. */
    secretVariablesSeen: string[];
    /** The installer's file was held open (FileShare.Read) by the stage that hashed it when the process started. */
    heldAtStart?: boolean;
  } | null;
  faults: {
    stuckStopPending: string[];
    stuckStartPending: string[];
    neverActive: boolean;
    claimsActive: boolean;
    installerExitCode: number;
    installerHangs: boolean;
    /** Get-JAMSFailoverStatus answers without .Role ('no-role') or in the JAMS Client's words ('gui-words'). */
    failoverShape: '' | 'no-role' | 'gui-words';
    /** Resource items come without QuantityAvailable. */
    resourceShape: boolean;
    /** JAMS names this node by the other role: the pair's Failover.config disagrees with the runners' roles. */
    rolesSwapped: boolean;
    notElevated: boolean;
    /** Win32_Service.Change answers 2 (access denied). */
    changeAccessDenied: boolean;
    /** The lab installer installs over a newer version instead of refusing with 1638. */
    installerAllowsDowngrade?: boolean;
    /** The kind of setup writeLabInstaller writes (its image after the stub); burn when unset. */
    installerKind?: LabInstallerKind;
    /** Get-JAMSFailoverStatus names this node's Role Standalone (FailoverRole.Standalone: not part of a pair). */
    standalone?: boolean;
    /** A JAMS 6.x server: its root folder keeps Requirements (no Elements); set with the 6.x version by 'jams-6'. */
    jams6?: boolean;
    /** Completed entries show the EntryState CompletedKept. */
    keptEntries?: boolean;
    /** Someone rewrites the installer right before the stage opens it to start it (once). */
    installerSwapped?: boolean;
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
  /** When it started executing (Unix ms), where its finishAt does not tell (a stuck entry); Entry.StartTimeUTC. */
  startedAt?: number;
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
  timing: {
    stopMs: number;
    startMs: number;
    activationMs: number;
    failoverMs: number;
    installMs: number;
    /** How long ServiceController.Stop() waits for each dependent service (30 s on Windows). */
    dependentStopWaitMs: number;
    /** How long the SQL stand-in's RESTORE DATABASE keeps the database RESTORING. */
    restoreMs: number;
    /** A slow share's read time per MB (fault slow-share): a full read of a file there takes this per MB of it. */
    shareMsPerMb: number;
    /** Per-service stop and start times by display name (JAMS Scheduler...), over stopMs and startMs. */
    services?: Record<string, { stopMs?: number; startMs?: number }>;
    /** How long an agent's deploy job runs. */
    agentDeployMs: number;
    /** How long an installer started on a remote host (agent MSI, JAMS setup) runs. */
    remoteInstallMs: number;
    /**
     * The lab's job stream, which History.Find answers (lab/ps/modules/JAMS/MVPSI.JAMS.cs): one completion every this
     * many ms, completion k (k = floor(Unix ms / period)) failing with severity Error when k % 25 == 0, and, with the
     * fault failure-rate, every second one from the moment the lab's installer put a newer JAMS on the primary.
     */
    historyPeriodMs: number;
    /**
     * The action's longest pause between two looks while it waits (Settings.pollIntervalMs; 2 s on a real host):
     * the lab answers in well under a second. Read by lab/lab-hook.mjs; absent in a lab made before it, which then
     * runs with default-state.json's.
     */
    pollIntervalMs?: number;
  };
  accounts: Record<string, { passwordSha256: string }>;
  nodes: { primary: LabNode; secondary: LabNode };
  resources: Record<string, { quantityAvailable: number; requiredByRoot: boolean }>;
  entries: LabEntry[];
  sql: {
    server: string;
    databases: string[];
    logins: Record<string, string>;
    faults: { backupFails: boolean; backupDamaged: boolean; restoreFails?: boolean };
    log: LabSqlCall[];
    /** msdb's backup history: each backup set the stand-in wrote, by the device's name as BACKUP was given it. */
    history?: { path: string; guid: string; finishedAt: string; database: string; server: string }[];
    /** Each database the stand-in restored: the backup it came from, and RESTORING until the restore ends. */
    restored: Record<
      string,
      {
        file: string;
        fromDatabase: string;
        state: 'RESTORING' | 'ONLINE';
        startedAt: string;
        finishedAt: string | null;
      }
    >;
  };
  /** UNC shares by 'server\\share'; a slow one (fault slow-share) takes timing.shareMsPerMb per MB to read. */
  shares: Record<string, { freeGb: number; totalGb: number; slow?: boolean }>;
  /** The primary's JAMS agent definitions; `version` is what the agent's machine runs. */
  agents: Record<string, LabAgent>;
  /** The machines of the agents and the workstations, by host name; one folder each under <lab>/remote. */
  remoteHosts: Record<string, LabRemoteHost>;
  /** The entries of agents' deploy jobs (Get-JAMSEntry lists them with the others). */
  deploys: (LabEntry & { agent: string; severity: string; status: string })[];
  /** Installers started on remote hosts, written by the lab. */
  remoteInstalls: {
    pid: number;
    host: string;
    kind: string;
    done: boolean;
    exitCode: number | null;
    /** The package was held open (FileShare.Read) by the start script that hashed it when it started. */
    heldAtStart?: boolean;
  }[];
  /**
   * Owners and access entries that are not an administrator's, by lab path relative to the lab folder ('/'-separated,
   * lower case): what Windows keeps in a file's security descriptor (lab/ps/Lab.State.ps1 LabPathFacts).
   */
  security?: Record<string, LabSecurity>;
  /** Deploy jobs inherit the root folder's maintenance window and wait for resources while it is closed. */
  deployHeldByWindow?: boolean;
  /**
   * When the lab's installer first put a version newer than default-state.json's on the primary (Unix ms); null or
   * absent before, and after an install of that version or an older one (lab/ps/Lab.State.ps1 LabNoteVersionOnPrimary).
   */
  newVersionOnPrimaryAt?: number | null;
  /** Fault failure-rate: from newVersionOnPrimaryAt on, every second completion of the job stream fails. */
  failureRateAfterUpgrade?: boolean;
}

export interface LabAgent {
  type: string;
  platform: string;
  address: string;
  version: string | null;
  online: boolean;
  state: string;
  /** The JAMSAgent service on a Windows agent's machine. */
  service: string | null;
  deployJob: string | null;
  deployCredential: string | null;
}

export interface LabRemoteHost {
  client: { version: string } | null;
  faults: Partial<{
    unreachable: boolean;
    /** The deploy job cannot log on to the machine (its deploy credential). */
    deployFails: boolean;
    /** The agent's service does not come back after an upgrade. */
    neverOnline: boolean;
    /** What an installer started there ends with. */
    installerExitCode: number;
    /** Someone else made the stage's folder under C:\Windows\Temp first (as if its random name had been guessed). */
    remoteFolderPreCreated: boolean;
  }>;
}

/** A path's owner and access entries (rights: the 32-bit access mask), as the lab's security table keeps them. */
export interface LabSecurity {
  owner: string;
  ownerName: string;
  aces: { sid: string; name: string; type: 'Allow' | 'Deny'; rights: number; inherited: boolean }[];
  protected: boolean;
}

/** A local user of the nodes, not an administrator: the owner of what a fault plants. */
export const LAB_MALLORY = { sid: 'S-1-5-21-3623811015-3361044348-30300820-1107', name: 'LAB\\mallory' };

/** A node's path as the lab's security table names it (lab/ps/Lab.State.ps1 LabSecurityKey). */
export function securityKey(node: 'primary' | 'secondary', windowsPath: string): string {
  const m = /^([A-Za-z]):[\\/](.*)$/.exec(windowsPath);
  return [node, (m?.[1] ?? 'C').toLowerCase(), ...(m?.[2] ?? '').split(/[\\/]/)].join('/').toLowerCase();
}

const ADMINS_ACE = {
  sid: 'S-1-5-32-544',
  name: 'BUILTIN\\Administrators',
  type: 'Allow',
  rights: 0x1f01ff,
  inherited: false,
} as const;
const SYSTEM_ACE = {
  sid: 'S-1-5-18',
  name: 'NT AUTHORITY\\SYSTEM',
  type: 'Allow',
  rights: 0x1f01ff,
  inherited: false,
} as const;

/** Records a path's security on both nodes. */
function secureBoth(s: LabState, windowsPath: string, security: LabSecurity): void {
  s.security ??= {};
  for (const node of ['primary', 'secondary'] as const) s.security[securityKey(node, windowsPath)] = security;
}

/** Makes a folder (a Windows path) on both nodes' disks, and returns their lab paths. */
function folderOnBoth(folder: string, windowsPath: string): string[] {
  return (['primary', 'secondary'] as const).map((node) => {
    const path = labPath(folder, node, windowsPath);
    mkdirSync(path, { recursive: true });
    return path;
  });
}

/** The share writeLabInstaller puts installers on, as the lab's shares name it. */
export const INSTALLER_SHARE = 'fileserver\\jams';

/**
 * A named fault: a change to the lab's state (apply), or to each node's own (node), which lands on both nodes, or on
 * one with `<name>@primary` or `<name>@secondary` (resolveFault).
 */
export type LabFault = {
  description: string;
  /** A fault that acts on files rather than the state: the rehearsal runs it after the upgrade, before the rollback. */
  beforeRollback?: (folder: string) => void;
  /** Files a fault puts on the nodes' disks when it is injected (after apply). */
  files?: (folder: string) => void;
} & ({ apply: (s: LabState) => void; node?: never } | { node: (n: LabNode) => void; apply?: never });

/** Named faults, for tests and `npm run rehearse -- --fault <name>[@node]`. */
export const FAULTS: Record<string, LabFault> = {
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
    apply: (s) =>
      s.entries
        .filter((e) => e.name === 'Nightly-Billing')
        .forEach((e) => {
          if (e.finishAt !== null) e.startedAt ??= e.finishAt - e.runsForMs;
          e.finishAt = null;
        }),
  },
  'backup-fails': {
    description: 'SQL Server fails the BACKUP DATABASE (disk full)',
    apply: (s) => (s.sql.faults.backupFails = true),
  },
  'backup-damaged': {
    description: 'the backup file is written damaged, so RESTORE VERIFYONLY fails',
    apply: (s) => (s.sql.faults.backupDamaged = true),
  },
  'secret-in-config': {
    description:
      "common.config on both nodes holds a SQL login's password and a secret appSetting (LAB_CONFIG_SECRETS): no " +
      'file of a run folder, no output and no summary may show them',
    apply: () => undefined,
    files: (folder) => {
      putSecretsInConfig(folder);
    },
  },
  'forged-backup': {
    description:
      'someone with write access to the backup share replaces the recorded backup file with a backup of another ' +
      'database (another backup set, a valid file): the rollback must refuse it before the restore',
    apply: () => undefined,
    beforeRollback: (folder) => {
      forgeBackup(folder);
    },
  },
  'restore-fails': {
    description: 'SQL Server fails the RESTORE DATABASE (another session holds the database)',
    apply: (s) => (s.sql.faults.restoreFails = true),
  },
  'low-disk': {
    description: 'drive C: of the primary has 1 GB free',
    apply: (s) => Object.assign(s.nodes.primary.disks['C'] ?? {}, { freeGb: 1 }),
  },
  'installer-1603': {
    description:
      'the JAMS installer fails with exit code 1603 (fatal error) on both nodes and changes nothing',
    node: (n) => (n.faults.installerExitCode = 1603),
  },
  'installer-3010': {
    description: 'the JAMS installer succeeds with exit code 3010 (reboot required) on both nodes',
    node: (n) => (n.faults.installerExitCode = 3010),
  },
  'installer-hang': {
    description: 'the JAMS installer never ends on both nodes',
    node: (n) => (n.faults.installerHangs = true),
  },
  'installer-allows-downgrade': {
    description:
      'the JAMS installer installs over a newer version on both nodes (by default it refuses with 1638)',
    node: (n) => (n.faults.installerAllowsDowngrade = true),
  },
  'installer-kind-installshield': {
    description:
      'the JAMS installer is an InstallShield setup (silent with /s /v"/qn", not /quiet): the lab writes its installers ' +
      'with an InstallShield image, and preflight refuses the default arguments',
    node: (n) => (n.faults.installerKind = 'installshield'),
  },
  'failover-no-role': {
    description: 'Get-JAMSFailoverStatus answers without a Role member on both nodes',
    node: (n) => (n.faults.failoverShape = 'no-role'),
  },
  'services-renamed': {
    description: 'the JAMS services have other short names (JAMS_Executor, JAMS_Server, JAMS_Scheduler)',
    node: (n) => {
      for (const name of ['JAMSExecutor', 'JAMSServer', 'JAMSScheduler'])
        renameService(n, name, name.replace('JAMS', 'JAMS_'));
    },
  },
  'roles-swapped': {
    description: 'JAMS names JAMS-PRI the Secondary and JAMS-SEC the Primary (the runner labels are swapped)',
    node: (n) => (n.faults.rolesSwapped = true),
  },
  standalone: {
    description: 'JAMS names both nodes Standalone: they are not configured as a failover pair',
    node: (n) => (n.faults.standalone = true),
  },
  'jams-6': {
    description: 'both nodes run JAMS 6.5.18, whose folders keep Requirements rather than Elements',
    node: (n) => {
      n.faults.jams6 = true;
      n.version = '6.5.18';
    },
  },
  'kept-entries': {
    description: 'completed entries show the EntryState CompletedKept (a deploy entry kept in the monitor)',
    node: (n) => (n.faults.keptEntries = true),
  },
  'resource-no-quantity': {
    description: 'JAMS resource items have no QuantityAvailable member',
    node: (n) => (n.faults.resourceShape = true),
  },
  'slow-share': {
    description: `the installer share \\\\${INSTALLER_SHARE} is slow: hashing, copying or installing from it takes longer`,
    apply: (s) => {
      s.shares[INSTALLER_SHARE] = { freeGb: 200, totalGb: 500, ...s.shares[INSTALLER_SHARE], slow: true };
    },
  },
  'agent-unreachable': {
    description: "agent APP02's machine cannot be reached: its deploy job and WinRM fail",
    apply: (s) => {
      hostFaults(s, 'app02.corp.example').unreachable = true;
      Object.assign(s.agents['APP02'] ?? {}, { online: false, state: 'Unreachable' });
    },
  },
  'agent-deploy-fails': {
    description: "agent APP01's deploy job fails: its deploy credential cannot log on to the machine",
    apply: (s) => (hostFaults(s, 'app01.corp.example').deployFails = true),
  },
  'agent-never-online': {
    description: 'agent APP01 does not come back online after its upgrade',
    apply: (s) => (hostFaults(s, 'app01.corp.example').neverOnline = true),
  },
  'agent-msi-1603': {
    description: "msiexec ends with 1603 (fatal error) on agent FILE01's machine and changes nothing",
    apply: (s) => (hostFaults(s, 'file01.corp.example').installerExitCode = 1603),
  },
  'failure-rate': {
    description:
      "jobs fail more often on the new version: from the moment the lab's installer puts a newer JAMS on the primary, " +
      'every second completion of the JAMS history fails (severity Error), against 1 in 25 before',
    apply: (s) => (s.failureRateAfterUpgrade = true),
  },
  'deploy-held': {
    description: "deploy jobs inherit the root folder's maintenance window and wait while it is closed",
    apply: (s) => (s.deployHeldByWindow = true),
  },
  'state-folder-user-writable': {
    description: `the state folder ${DEFAULT_STATE_FOLDER} exists, and BUILTIN\\Users may create and change files in it (as C:\\ProgramData's entries give a folder made there without its own)`,
    apply: (s) =>
      secureBoth(s, DEFAULT_STATE_FOLDER, {
        owner: 'S-1-5-32-544',
        ownerName: 'BUILTIN\\Administrators',
        protected: false,
        aces: [
          { ...SYSTEM_ACE, inherited: true },
          { ...ADMINS_ACE, inherited: true },
          { sid: 'S-1-5-32-545', name: 'BUILTIN\\Users', type: 'Allow', rights: 0x1301bf, inherited: true },
        ],
      }),
    files: (folder) => void folderOnBoth(folder, DEFAULT_STATE_FOLDER),
  },
  'record-pre-created': {
    description: `a local user (LAB\\mallory) made ${DEFAULT_STATE_FOLDER}\\installer-staging.json.tmp first, to own the file a record is written through`,
    apply: (s) =>
      secureBoth(s, `${DEFAULT_STATE_FOLDER}\\installer-staging.json.tmp`, {
        owner: LAB_MALLORY.sid,
        ownerName: LAB_MALLORY.name,
        protected: false,
        aces: [
          { sid: LAB_MALLORY.sid, name: LAB_MALLORY.name, type: 'Allow', rights: 0x1f01ff, inherited: false },
        ],
      }),
    files: (folder) => {
      for (const path of folderOnBoth(folder, DEFAULT_STATE_FOLDER)) {
        writeFileSync(join(path, 'installer-staging.json.tmp'), '{"copies":[]}');
      }
    },
  },
  'staging-is-junction': {
    description: `${DEFAULT_STATE_FOLDER}\\installers is a junction to C:\\Users\\Public\\jams-drop, a folder users can write`,
    apply: () => undefined,
    files: (folder) => {
      folderOnBoth(folder, DEFAULT_STATE_FOLDER);
      for (const node of ['primary', 'secondary'] as const) {
        const target = labPath(folder, node, 'C:\\Users\\Public\\jams-drop');
        mkdirSync(target, { recursive: true });
        symlinkSync(target, labPath(folder, node, `${DEFAULT_STATE_FOLDER}\\installers`), 'junction');
      }
    },
  },
  'remote-folder-pre-created': {
    description:
      "someone else made the stage's folder under C:\\Windows\\Temp of every agent host and workstation first",
    apply: (s) => {
      const hosts = new Set(Object.keys(s.remoteHosts));
      for (const [name, agent] of Object.entries(s.agents)) hosts.add(agent.address || name);
      for (const host of hosts) hostFaults(s, host).remoteFolderPreCreated = true;
    },
  },
  'installer-swapped': {
    description:
      'someone rewrites the installer after its checks, right before the stage opens it to start it',
    apply: (s) => forBoth(s, (n) => (n.faults.installerSwapped = true)),
  },
};

/** A remote host's faults, the host added when the lab had none for it (an agent's machine). */
function hostFaults(s: LabState, host: string): LabRemoteHost['faults'] {
  const known = (s.remoteHosts[host] ??= { client: null, faults: {} });
  return (known.faults ??= {});
}

function renameService(node: LabNode, from: string, to: string): void {
  node.services = Object.fromEntries(
    Object.entries(node.services).map(([name, svc]) => [
      name === from ? to : name,
      { ...svc, dependsOn: svc.dependsOn.map((d) => (d === from ? to : d)) },
    ]),
  );
}

function forBoth(s: LabState, edit: (node: LabNode) => void): void {
  edit(s.nodes.primary);
  edit(s.nodes.secondary);
}

/**
 * .NET settings for the lab's PowerShell processes (sessions, the lab installer and msiexec), which inherit them from
 * the tests and the rehearsal. A lab process lives seconds to minutes, too short for tiered PGO's instrumented code
 * and early re-compiles to pay back: with these the suite spends about a fifth less CPU. They change how .NET compiles
 * PowerShell, not what it runs; a runner's stage keeps .NET's defaults.
 */
export const LAB_DOTNET_ENV: Readonly<Record<string, string>> = {
  DOTNET_TieredPGO: '0',
  DOTNET_TC_CallCountThreshold: '1000',
};

/** Adds LAB_DOTNET_ENV to this process's environment, leaving a value already set alone. */
export function useLabDotnetEnv(): void {
  for (const [name, value] of Object.entries(LAB_DOTNET_ENV)) process.env[name] ??= value;
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
    hooks: labSession(folder, 'primary'),
  });
  try {
    await host.platform();
  } finally {
    await host.close();
  }
  if (process.platform !== 'win32') writeLabMsiexec(folder);
  return readLab(folder);
}

export function readLab(folder: string): LabState {
  return JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8')) as LabState;
}

/**
 * Edits the state between stages. The file is replaced whole (write, then rename), so a stage never reads half a write;
 * the lab's own writers hold an OS lock Node cannot take, so edit only while no stage and no lab installer runs.
 */
export function editLab(folder: string, edit: (state: LabState) => void): LabState {
  const state = readLab(folder);
  edit(state);
  const temp = join(folder, `state.json.${process.pid}.node.tmp`);
  writeFileSync(temp, JSON.stringify(state, null, 2));
  renameSync(temp, join(folder, 'state.json'));
  return state;
}

/**
 * A real pair's delays, in real milliseconds, as an admin sees them (assumed, not measured on a JAMS install): a 10-minute
 * install, services that take 20 to 60 s to stop and to start, a failover after 3 missed heartbeats of 60 s, a started
 * primary active after one heartbeat, and a slow share (fault slow-share) read at 0.5 MB/s, a branch office's link:
 * 10 minutes for a 300 MB setup.
 */
const REAL_PAIR: LabState['timing'] = {
  stopMs: 30_000,
  startMs: 30_000,
  activationMs: 60_000,
  failoverMs: 3 * 60_000,
  installMs: 10 * 60_000,
  dependentStopWaitMs: 30_000,
  // A restore of a JAMS database of a few GB.
  restoreMs: 5 * 60_000,
  shareMsPerMb: 2_000,
  agentDeployMs: 3 * 60_000,
  remoteInstallMs: 2 * 60_000,
  // A busy pair: 300 jobs an hour.
  historyPeriodMs: 12_000,
  services: {
    'JAMS Executor': { stopMs: 20_000, startMs: 20_000 },
    'JAMS Server': { stopMs: 30_000, startMs: 40_000 },
    'JAMS Scheduler': { stopMs: 60_000, startMs: 45_000 },
  },
};

/** Every delay of a timing divided by `factor`, whole milliseconds. */
function scaled(timing: LabState['timing'], factor: number): LabState['timing'] {
  const ms = (value: number) => Math.round(value / factor);
  const services = Object.fromEntries(
    Object.entries(timing.services ?? {}).map(([name, t]) => [
      name,
      {
        ...(t.stopMs === undefined ? {} : { stopMs: ms(t.stopMs) }),
        ...(t.startMs === undefined ? {} : { startMs: ms(t.startMs) }),
      },
    ]),
  );
  return {
    stopMs: ms(timing.stopMs),
    startMs: ms(timing.startMs),
    activationMs: ms(timing.activationMs),
    failoverMs: ms(timing.failoverMs),
    installMs: ms(timing.installMs),
    dependentStopWaitMs: ms(timing.dependentStopWaitMs),
    restoreMs: ms(timing.restoreMs),
    shareMsPerMb: timing.shareMsPerMb / factor,
    services,
    agentDeployMs: ms(timing.agentDeployMs),
    remoteInstallMs: ms(timing.remoteInstallMs),
    historyPeriodMs: ms(timing.historyPeriodMs),
  };
}

/**
 * The lab's delays, by profile, the one place they live. `lab` is default-state.json's own (a pair that answers in
 * about a second); `test` is for tests whose subject is not the timing (a stage's logic, not how long a service takes
 * to stop); `realistic` is a real pair's delays scaled down 60 times (a 10-minute install takes 10 s), so a rehearsal
 * shows the downtime's breakdown an admin will see, in minutes where the lab shows seconds.
 */
// Every profile keeps the action's pause of default-state.json: the lab answers in seconds, not a real pair's minutes.
const pollIntervalMs = labTemplate<LabState>().timing.pollIntervalMs;

export const TIMING_PROFILES: Record<'test' | 'realistic', LabState['timing']> = {
  test: {
    stopMs: 150,
    startMs: 150,
    activationMs: 150,
    failoverMs: 500,
    installMs: 100,
    dependentStopWaitMs: 1500,
    restoreMs: 100,
    shareMsPerMb: 1,
    services: {},
    agentDeployMs: 200,
    remoteInstallMs: 150,
    historyPeriodMs: 200,
    pollIntervalMs,
  },
  realistic: { ...scaled(REAL_PAIR, 60), pollIntervalMs },
};

export function setTiming(folder: string, timing: Partial<LabState['timing']>): void {
  editLab(folder, (s) => Object.assign(s.timing, timing));
}

/**
 * A new lab as a copy of one created earlier (createLab starts PowerShell; a copy does not). The copy's entries start
 * executing now, as a new pair's do.
 */
export function cloneLab(from: string, to: string): LabState {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (src) => !/state\.(lock|json\..*tmp)$/.test(src) });
  const template = labTemplate<{
    entries: { id: number; name: string; state: LabEntry['state']; runsForMs: number }[];
  }>();
  const now = Date.now();
  return editLab(to, (s) => {
    s.entries = template.entries.map((e) => ({ ...e, startAt: null, finishAt: now + e.runsForMs }));
  });
}

/** A fault by its name, `installer-1603` (both nodes) or `installer-1603@secondary` (one node); null when unknown. */
export function resolveFault(
  name: string,
): (Pick<LabFault, 'description' | 'beforeRollback' | 'files'> & { apply: (s: LabState) => void }) | null {
  const [base = '', node, ...rest] = name.split('@');
  const fault = FAULTS[base];
  if (!fault || rest.length > 0) return null;
  const { apply, node: edit, beforeRollback, files } = fault;
  if (node === undefined) {
    return {
      description: fault.description,
      apply: apply ?? ((s) => forBoth(s, edit)),
      beforeRollback,
      files,
    };
  }
  if (!edit || (node !== 'primary' && node !== 'secondary')) return null;
  return {
    description: `${fault.description.replace(/ on both nodes/, '')}, on the ${node} only`,
    apply: (s) => edit(s.nodes[node]),
  };
}

export function injectFault(folder: string, name: string): void {
  const fault = resolveFault(name);
  if (!fault) {
    throw new Error(
      `Unknown lab fault '${name}'. Known: ${Object.keys(FAULTS).join(', ')}; a node's own fault takes @primary or ` +
        `@secondary: ${perNodeFaults().join(', ')}.`,
    );
  }
  if (!existsSync(join(folder, 'state.json'))) throw new Error(`No lab in ${folder}: create it first.`);
  editLab(folder, fault.apply);
  fault.files?.(folder);
}

/**
 * The secrets fault secret-in-config writes into common.config: a connection-string password in a quoted value that
 * holds a ';' (each part must stay hidden), and the value of an appSetting whose key looks secret.
 */
export const LAB_CONFIG_SECRETS = ['Pw17bfirst', 'h17b-after-semicolon', 'h17b-smtp-secret'] as const;

/** Adds LAB_CONFIG_SECRETS to common.config on both nodes, keeping the JAMS database's connection string first. */
export function putSecretsInConfig(folder: string): void {
  const [first, second, smtp] = LAB_CONFIG_SECRETS;
  for (const node of ['primary', 'secondary'] as const) {
    const file = labPath(folder, node, 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler\\common.config');
    const text = readFileSync(file, 'utf8')
      .replace(
        '</connectionStrings>',
        '  <add name="Reporting" connectionString="Data Source=SQL01;Initial Catalog=Reports;User ID=rpt;' +
          `Password=&quot;${first};${second}&quot;" />\n  </connectionStrings>`,
      )
      .replace(
        '</configuration>',
        `  <appSettings>\n    <add key="SmtpPassword" value="${smtp}" />\n  </appSettings>\n</configuration>`,
      );
    writeFileSync(file, text);
  }
}

/** The faults a node has of its own, which take @primary or @secondary. */
export function perNodeFaults(): string[] {
  return Object.entries(FAULTS)
    .filter(([, f]) => f.node)
    .map(([name]) => name);
}

/** A node's folder path for a Windows path, as the lab maps it (C:\X -> <lab>/<node>/C/X). */
export function labPath(folder: string, node: 'primary' | 'secondary', windowsPath: string): string {
  const m = /^([A-Za-z]):[\\/](.*)$/.exec(windowsPath);
  if (!m) return windowsPath;
  return join(folder, node, (m[1] ?? 'C').toUpperCase(), ...(m[2] ?? '').split(/[\\/]/));
}

/** A simulated JAMS installer the lab understands; Windows paths in the lab map as labPath/LabMapPath do. */
export interface LabInstaller {
  /** The path to give the installer-path input, e.g. \\fileserver\jams\JAMS-7.3.500-setup.exe. */
  windowsPath: string;
  file: string;
  sha256: string;
}

/** The kinds of setup a lab installer can be: the synthetic image after its stub, which SeamInstallerImageStart finds. */
export type LabInstallerKind = 'burn' | 'installshield' | 'msi' | 'random';

/**
 * A minimal PE image as the platform file's parser reads it: a DOS header whose e_lfanew (0x3C) points at the PE
 * signature, a COFF header, a zeroed PE32 optional header, one 40-byte header per section, each section's raw data
 * (0x200-aligned), then `overlay`, the data a setup appends after its sections. Never a runnable program.
 */
export function syntheticPe(sections: { name: string; data?: Buffer }[], overlay = Buffer.alloc(0)): Buffer {
  const lfanew = 0x40;
  const optional = 224;
  const align = (n: number) => Math.ceil(n / 0x200) * 0x200;
  const head = Buffer.alloc(align(lfanew + 24 + optional + 40 * sections.length));
  head.write('MZ', 0, 'latin1');
  head.writeUInt32LE(lfanew, 0x3c);
  head.write('PE\0\0', lfanew, 'latin1');
  head.writeUInt16LE(0x14c, lfanew + 4); // i386
  head.writeUInt16LE(sections.length, lfanew + 6);
  head.writeUInt16LE(optional, lfanew + 20);
  head.writeUInt16LE(0x102, lfanew + 22); // executable, 32-bit
  head.writeUInt16LE(0x10b, lfanew + 24); // PE32
  let raw = head.length;
  const bodies = sections.map((section, i) => {
    const data = section.data ?? Buffer.from(`lab ${section.name}`, 'latin1');
    const body = Buffer.alloc(align(data.length));
    data.copy(body);
    const at = lfanew + 24 + optional + 40 * i;
    head.write(section.name.slice(0, 8), at, 'latin1');
    head.writeUInt32LE(data.length, at + 8); // VirtualSize
    head.writeUInt32LE(0x1000 * (i + 1), at + 12); // VirtualAddress
    head.writeUInt32LE(body.length, at + 16); // SizeOfRawData
    head.writeUInt32LE(raw, at + 20); // PointerToRawData
    raw += body.length;
    return body;
  });
  return Buffer.concat([head, ...bodies, overlay]);
}

/**
 * The image of each kind of setup, with the markers the platform file looks for: a Burn bundle's .wixburn section (its
 * magic 0x00F14300 first, as WiX's stub writes it); an InstallShield setup's header after its sections (ISSetupStream)
 * and its launcher's manifest name in .rsrc; an OLE compound file's signature; or bytes that are none of these.
 */
export function labInstallerImage(kind: LabInstallerKind): Buffer {
  switch (kind) {
    case 'burn': {
      const wixburn = Buffer.alloc(56);
      wixburn.writeUInt32LE(0x00f14300, 0);
      wixburn.writeUInt32LE(2, 4);
      return syntheticPe(
        [{ name: '.text' }, { name: '.rdata' }, { name: '.wixburn', data: wixburn }, { name: '.rsrc' }],
        Buffer.from('lab attached container', 'latin1'),
      );
    }
    case 'installshield':
      return syntheticPe(
        [
          { name: '.text' },
          { name: '.rdata' },
          { name: '.rsrc', data: Buffer.from('<description>InstallShield.Setup</description>', 'latin1') },
        ],
        Buffer.concat([Buffer.from('ISSetupStream\0', 'latin1'), Buffer.alloc(32)]),
      );
    case 'msi': {
      const ole = Buffer.alloc(512);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
      ole.writeUInt16LE(0x3e, 24); // minor version
      ole.writeUInt16LE(3, 26); // major version
      ole.writeUInt16LE(0xfffe, 28); // byte order
      ole.writeUInt16LE(9, 30); // 512-byte sectors
      return ole;
    }
    case 'random': {
      const bytes = randomBytes(1024);
      bytes[0] = 0; // neither MZ nor the OLE signature
      return bytes;
    }
  }
}

/**
 * Writes a lab installer: an executable stub that starts the lab's installer process (lab/ps/Install-LabJams.ps1), with
 * its version and signature on its lab line, where the lab's VersionInfo and Get-AuthenticodeSignature read them, and
 * after its exec line the synthetic image of its kind (the shell never reads past exec): `kind`, else the one the fault
 * installer-kind-installshield set, else a Burn bundle. The SHA-256 is of the whole file, stub and image.
 * The stub is a POSIX shell script: Windows starts only real executables for an .exe path, so the Windows test job
 * leaves out the tests that run the installer.
 */
export function writeLabInstaller(
  folder: string,
  version: string,
  options: { signature?: string; name?: string; sizeMb?: number; kind?: LabInstallerKind } = {},
): LabInstaller {
  if (process.platform === 'win32') {
    throw new Error(
      'The lab installer is a POSIX shell script; on Windows the tests that run it are left out.',
    );
  }
  const name = options.name ?? `JAMS-${version}-setup.exe`;
  const windowsPath = `\\\\${INSTALLER_SHARE}\\${name}`;
  const file = join(folder, 'unc', ...INSTALLER_SHARE.split('\\'), name);
  mkdirSync(dirname(file), { recursive: true });
  const facts = {
    kind: 'installer',
    version,
    signature: options.signature ?? 'Valid',
    signer: 'CN=JAMS Software (lab), O=Lab',
    // The size of a setup it stands for (a few hundred MB is assumed): a slow share's delay is per MB of it.
    sizeMb: options.sizeMb ?? 300,
  };
  const faulted = existsSync(join(folder, 'state.json'))
    ? readLab(folder).nodes.primary.faults.installerKind
    : undefined;
  const image = labInstallerImage(options.kind ?? faulted ?? 'burn');
  const body = Buffer.concat([Buffer.from(labStub(facts, 'JAMS_UPGRADE_LAB_INSTALLER', '"$0" ')), image]);
  writeFileSync(file, body, { mode: 0o755 });
  return { windowsPath, file, sha256: createHash('sha256').update(body).digest('hex').toUpperCase() };
}

/** A POSIX shell stub that starts a lab PowerShell script as its own process, as Windows starts an .exe. */
function labStub(facts: object, scriptVariable: string, before: string): string {
  // $$: the process the platform file started; pwsh may run as its child (a dotnet tool shim).
  return [
    '#!/bin/sh',
    `# jams-upgrade-lab ${JSON.stringify(facts)}`,
    `exec pwsh -NoProfile -NonInteractive -File "$${scriptVariable}" ${before}"$$" "$@" </dev/null >/dev/null 2>&1`,
    '',
  ].join('\n');
}

/**
 * Puts the lab's msiexec (lab/ps/MsiExec-Lab.ps1) where Windows keeps msiexec.exe on each node, C:\Windows\System32,
 * which the lab session names as its SystemRoot. POSIX only, like the lab installer.
 */
export function writeLabMsiexec(folder: string): void {
  for (const node of ['primary', 'secondary'] as const) {
    const file = labPath(folder, node, 'C:\\Windows\\System32\\msiexec.exe');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, labStub({ kind: 'msiexec' }, 'JAMS_UPGRADE_LAB_MSIEXEC', ''), { mode: 0o755 });
  }
}

/** What a rollback must bring back on a node: the version, the failover role, the Log On As accounts, the config files. */
export interface NodeSnapshot {
  version: string;
  role: string;
  accounts: Record<string, string>;
  /** The install folder's *.config files by name, as SHA-256. */
  config: Record<string, string>;
}

/** Both nodes as they are now, read from the lab's state and files. */
export function snapshotPair(folder: string): Record<'primary' | 'secondary', NodeSnapshot> {
  const state = readLab(folder);
  const template = labTemplate<{
    installFolder: string;
  }>();
  const snap = (node: 'primary' | 'secondary'): NodeSnapshot => {
    const dir = labPath(folder, node, template.installFolder);
    const names = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.config'))
          .sort()
      : [];
    return {
      version: state.nodes[node].version,
      role: state.nodes[node].role,
      accounts: Object.fromEntries(
        Object.entries(state.nodes[node].services).map(([n, s]) => [n, s.account]),
      ),
      config: Object.fromEntries(
        names.map((n) => [
          n,
          createHash('sha256')
            .update(readFileSync(join(dir, n)))
            .digest('hex')
            .toUpperCase(),
        ]),
      ),
    };
  };
  return { primary: snap('primary'), secondary: snap('secondary') };
}

/**
 * What an attacker with write access to the backup share does: the file at the path of the last backup the SQL stand-in
 * wrote becomes another whole backup (of the database Payroll on SQL02, another backup set, a valid checksum). msdb's
 * history and the host's records are out of their reach and stay as they were. Returns the forged file's Windows path.
 */
export function forgeBackup(folder: string): string {
  const last = [...readLab(folder).sql.log].reverse().find((c) => c.sql.startsWith('BACKUP DATABASE'));
  const device = last?.parameters['path'];
  if (!device?.startsWith('\\\\')) throw new Error(`No backup to a share was taken in the lab ${folder}.`);
  const file = join(folder, 'unc', ...device.slice(2).split('\\'));
  const now = new Date().toISOString();
  const lines = [
    'JAMS-UPGRADE LAB BACKUP',
    'database: Payroll',
    'copyOnly: true',
    `takenAt: ${now}`,
    `payload: ${randomBytes(32).toString('hex')}`,
    'server: SQL02',
    `backupSetGuid: ${randomUUID()}`,
    `finishedAt: ${now.slice(0, 23)}`,
  ];
  const checksum = createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex').toUpperCase();
  writeFileSync(file, [...lines, `checksum: ${checksum}`].join('\n'));
  return device;
}

/** Puts every fault back to default-state.json's (none): the rehearsal's rollback returns to a version without them. */
export function clearFaults(folder: string): void {
  const template = labTemplate<{
    node: { faults: LabNode['faults'] };
    sql: { faults: LabState['sql']['faults'] };
  }>();
  editLab(folder, (s) => {
    s.nodes.primary.faults = structuredClone(template.node.faults);
    s.nodes.secondary.faults = structuredClone(template.node.faults);
    s.sql.faults = structuredClone(template.sql.faults);
  });
}

/** A lab binary: its facts on one line, as the lab's VersionInfo, Get-AuthenticodeSignature and msiexec read them. */
function writeLabBinary(file: string, facts: Record<string, string>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `jams-upgrade-lab ${JSON.stringify(facts)}\n`);
}

/**
 * The pair as the agents stage meets it: both nodes upgraded to `version`, with their JAMSScheduler.exe and the agent
 * MSI of that version, as the upgrade stage leaves them (without running the installer).
 */
export function upgradedPair(folder: string, version: string): void {
  editLab(folder, (s) => forBoth(s, (n) => (n.version = version)));
  const scheduler = 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler';
  for (const node of ['primary', 'secondary'] as const) {
    writeLabBinary(labPath(folder, node, `${scheduler}\\JAMSScheduler.exe`), { kind: 'binary', version });
    writeLabBinary(labPath(folder, node, `${scheduler}\\Agents\\SetupAgentx64.msi`), {
      kind: 'msi',
      version,
      signature: 'Valid',
      signer: 'CN=JAMS Software (lab), O=Lab',
    });
  }
}

/** Replaces the lab's agents with `count` Windows agents on version `version`, each with its deploy job. */
export function manyAgents(folder: string, count: number, version: string): void {
  editLab(folder, (s) => {
    s.agents = {};
    for (let i = 1; i <= count; i++) {
      const name = `AGENT${String(i).padStart(3, '0')}`;
      s.agents[name] = {
        type: 'Outgoing',
        platform: 'Windows',
        address: `${name.toLowerCase()}.corp.example`,
        version,
        online: true,
        state: 'Idle',
        service: 'Running',
        deployJob: '\\JAMS\\Agents\\DeployAgentWindows',
        deployCredential: 'CORP\\svc-jamsdeploy',
      };
    }
    s.deploys = [];
  });
}
