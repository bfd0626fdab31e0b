// Every host call, declared once: the Host method, the PowerShell primitive it runs, its arguments and reply, and what
// of them is secret. host.ts derives the Host interface from this table and powershell-host.ts its methods; a test
// (__tests__/host-calls.pwsh.test.ts) holds it equal to the dispatcher's allow-list and the module's functions.
import type {
  AgentProgress,
  BackupHeader,
  CopiedFiles,
  CredentialCheck,
  DatabaseConnections,
  DeployStarted,
  EntryHistory,
  ExecutingEntry,
  FileEntry,
  FileFacts,
  FoundServices,
  FreeSpace,
  HookResult,
  InstallerInfo,
  InstallerKindInfo,
  InstallerProcess,
  InstallerStatus,
  PlatformInfo,
  RemoteInstallStarted,
  RemoteStatus,
  SqlOutcome,
  SqlRun,
  SqlTarget,
  StagedCopy,
  TextFile,
  UninstallEntry,
} from './host-types.js';
import type { ServiceKind, ServiceState } from '../jams/services.js';
import type { FailoverStatus } from '../jams/roles.js';
import type { VersionSources } from '../jams/version.js';
import type { ResourceState } from '../jams/maintenance.js';
import type { QueuePermissions } from '../jams/mq-permissions.js';
import type { ContractObservation } from '../jams/contract.js';
import type { AgentInfo } from '../jams/agent-rules.js';

/** A primitive's name, as the session and the dispatcher accept it. */
export type PrimitiveName = `${string}-Ju${string}`;

/** One host call: the method's arguments `A` become the primitive's named arguments; it replies `R`. */
export interface HostCall<A extends unknown[], R> {
  readonly command: PrimitiveName;
  /** The primitive's named arguments, built from the method's: they cross to PowerShell as JSON data, never as text. */
  readonly args: (...args: A) => Record<string, unknown>;
  /** Arguments the transcript shows as the marker. */
  readonly secretArgs: readonly string[];
  /** Reply fields the transcript shows as the marker (the session looks them up by primitive name). */
  readonly secretReply: readonly string[];
  /** A limit of its own for a call known to take long; the session's call timeout otherwise. */
  readonly timeoutMs?: (...args: A) => number;
  /** Only carries the reply's type. */
  readonly reply?: R;
  /** The declaration with its reply's type. */
  returns<T>(): HostCall<A, T>;
}

interface Options<A extends unknown[]> {
  secretArgs?: readonly string[];
  secretReply?: readonly string[];
  timeoutMs?: (...args: A) => number;
}

function primitive<A extends unknown[] = []>(
  command: PrimitiveName,
  args: (...args: A) => Record<string, unknown> = () => ({}),
  options: Options<A> = {},
): HostCall<A, unknown> {
  return {
    command,
    args,
    secretArgs: options.secretArgs ?? [],
    secretReply: options.secretReply ?? [],
    timeoutMs: options.timeoutMs,
    returns<T>() {
      return this as HostCall<A, T>;
    },
  };
}

/** Time PowerShell gets beyond a bounded operation's own timeout before the session is given up. */
const GRACE_MS = 60_000;

/** The arguments of the SQL primitives: the password travels only as the name of an environment variable. */
const sqlArgs = (target: SqlTarget, path: string) => ({
  Server: target.server,
  Database: target.database,
  Auth: target.auth,
  User: target.user ?? '',
  PasswordVariable: target.passwordVariable ?? '',
  TimeoutSeconds: target.timeoutSeconds,
  Path: path,
});
const sqlTimeout = (target: SqlTarget) => target.timeoutSeconds * 1000 + GRACE_MS;

/** What Read-JuStateFile replies; Host.readState parses the JSON. */
export interface StoredState {
  path: string;
  exists: boolean;
  json: string | null;
}

/**
 * What a stage may ask of the scheduler host, by Host method name. Each reads or changes one thing and makes no
 * decisions; the stages decide.
 */
export const HOST_CALLS = {
  platform: primitive('Get-JuPlatform').returns<PlatformInfo>(),
  /** The first candidate name of each kind that exists, and every service whose display name starts with JAMS. */
  findServices: primitive('Find-JuServices', (candidates: Record<ServiceKind, readonly string[]>) => ({
    Candidates: candidates,
  })).returns<FoundServices>(),
  serviceStates: primitive('Get-JuServiceStates', (names: readonly string[]) => ({ Names: names })).returns<
    ServiceState[]
  >(),
  /** Requests a stop (dependents stop too) and returns at once. */
  stopService: primitive('Stop-JuService', (name: string) => ({ Name: name })).returns<ServiceState>(),
  startService: primitive('Start-JuService', (name: string) => ({ Name: name })).returns<ServiceState>(),
  failoverStatus: primitive('Get-JuNodeRole').returns<FailoverStatus>(),
  installedVersion: primitive('Get-JuInstalledVersion').returns<VersionSources>(),
  files: primitive('Get-JuFiles', (folder: string, include: readonly string[]) => ({
    Folder: folder,
    Include: include,
  })).returns<{ folder: string; exists: boolean; files: FileEntry[] }>(),
  /** Copies named files between folders on the host, each copy proven by its SHA-256. */
  copyFiles: primitive('Copy-JuFiles', (source: string, destination: string, names: readonly string[]) => ({
    Source: source,
    Destination: destination,
    Names: names,
  })).returns<CopiedFiles>(),
  /** A config file's text can hold connection-string passwords and secret appSettings: kept out of the transcript. */
  readTextFiles: primitive(
    'Read-JuTextFiles',
    (folder: string, names: readonly string[]) => ({ Folder: folder, Names: names }),
    { secretReply: ['text'] },
  ).returns<TextFile[]>(),
  /** Replaces a text file atomically, refusing when its SHA-256 is no longer `expectSha256`. */
  writeTextFile: primitive(
    'Write-JuTextFile',
    (folder: string, name: string, text: string, options: { bom: boolean; expectSha256: string }) => ({
      Folder: folder,
      Name: name,
      Text: text,
      Bom: options.bom,
      ExpectSha256: options.expectSha256,
    }),
    { secretArgs: ['Text'] },
  ).returns<{ path: string; sha256: string }>(),
  installer: primitive('Get-JuInstaller', (path: string) => ({ Path: path })).returns<InstallerInfo>(),
  /** Which kind of setup the installer is, read from its first bytes; nothing runs or loads it. */
  installerKind: primitive('Get-JuInstallerKind', (path: string) => ({
    Path: path,
  })).returns<InstallerKindInfo>(),
  /**
   * Starts the installer with these arguments and returns at once; the host fills {log} with `log` and quotes them.
   * The file is hashed through the handle that stays open until the process has ended: a file whose SHA-256 is not
   * `sha256` is refused, unstarted.
   */
  startInstaller: primitive(
    'Start-JuInstaller',
    (path: string, args: readonly string[], sha256: string, log: string) => ({
      Path: path,
      Arguments: args,
      ExpectSha256: sha256,
      Log: log,
    }),
  ).returns<InstallerProcess>(),
  installerStatus: primitive('Get-JuInstallerStatus', (processId: number, startedAt: string) => ({
    ProcessId: processId,
    StartedAt: startedAt,
  })).returns<InstallerStatus>(),
  /** Whether a file exists and its size, without reading it (a large file on a share is read once, by the copy). */
  fileFacts: primitive('Get-JuFileFacts', (path: string) => ({ Path: path })).returns<FileFacts>(),
  /**
   * Copies an installer to `folder\name`, keeping it only when its SHA-256 is `expectSha256`; the call may take up
   * to `timeoutSeconds`.
   */
  copyInstaller: primitive(
    'Copy-JuInstaller',
    (source: string, folder: string, name: string, expectSha256: string, _timeoutSeconds: number) => ({
      Source: source,
      Folder: folder,
      Name: name,
      ExpectSha256: expectSha256,
    }),
    { timeoutMs: (_source, _folder, _name, _sha256, timeoutSeconds) => timeoutSeconds * 1000 },
  ).returns<StagedCopy>(),
  /** Removes the staged installer folder `root\key` (key: 16 hex digits), and nothing else. */
  removeStagedInstaller: primitive('Remove-JuStagedInstaller', (root: string, key: string) => ({
    Root: root,
    Key: key,
  })).returns<{ path: string; removed: boolean }>(),
  /** Checks an account's password, read on the host from the named environment variable. */
  testCredential: primitive('Test-JuCredential', (account: string, passwordVariable: string) => ({
    Account: account,
    PasswordVariable: passwordVariable,
  })).returns<CredentialCheck>(),
  /** Sets a service's Log On As; the password (if any) is read on the host from the named variable. */
  setServiceAccount: primitive(
    'Set-JuServiceAccount',
    (name: string, account: string, passwordVariable: string | null) => ({
      Name: name,
      Account: account,
      PasswordVariable: passwordVariable ?? '',
    }),
  ).returns<{ returnValue: number; service: ServiceState }>(),
  saveState: primitive('Save-JuStateFile', (folder: string, name: string, data: unknown) => ({
    Folder: folder,
    Name: name,
    Json: JSON.stringify(data, null, 2),
  })).returns<{ path: string }>(),
  /** Hand-written in the Host (it parses the JSON, typed by the caller): this is the primitive's own reply. */
  readState: primitive('Read-JuStateFile', (folder: string, name: string) => ({
    Folder: folder,
    Name: name,
  })).returns<StoredState>(),
  /** The maintenance-window resource on a JAMS server, and whether the root folder requires it. */
  resource: primitive('Get-JuResource', (server: string, name: string) => ({
    Server: server,
    Name: name,
  })).returns<ResourceState>(),
  createResource: primitive('New-JuResource', (server: string, name: string, quantity: number) => ({
    Server: server,
    Name: name,
    Quantity: quantity,
  })).returns<ResourceState>(),
  requireAtRoot: primitive('Add-JuRootRequirement', (server: string, name: string) => ({
    Server: server,
    Name: name,
  })).returns<ResourceState>(),
  setResourceQuantity: primitive(
    'Set-JuResourceQuantity',
    (server: string, name: string, quantity: number) => ({
      Server: server,
      Name: name,
      Quantity: quantity,
    }),
  ).returns<ResourceState>(),
  executingEntries: primitive('Get-JuExecutingEntries', (server: string) => ({ Server: server })).returns<
    ExecutingEntry[]
  >(),
  /**
   * The JAMS history's entries that completed from `fromUtc` (inclusive) to `toUtc` (exclusive), both ISO 8601 with
   * their zone, counted by final severity (soak).
   */
  entryHistory: primitive('Get-JuEntryHistory', (server: string, fromUtc: string, toUtc: string) => ({
    Server: server,
    From: fromUtc,
    To: toUtc,
  })).returns<EntryHistory>(),
  /** The connection strings of common.config in the Scheduler folder. */
  databaseConnections: primitive('Get-JuDatabaseConnections', (folder: string) => ({
    Folder: folder,
  })).returns<DatabaseConnections>(),
  /** A copy-only backup with checksums to `path`, as SQL Server sees the path; the file's size and SHA-256. */
  backupDatabase: primitive('Backup-JuDatabase', sqlArgs, { timeoutMs: sqlTimeout }).returns<SqlOutcome>(),
  /** RESTORE VERIFYONLY with checksums, then the file's size and SHA-256 again. */
  verifyBackup: primitive('Test-JuDatabaseBackup', sqlArgs, { timeoutMs: sqlTimeout }).returns<SqlOutcome>(),
  /** RESTORE DATABASE ... WITH REPLACE, CHECKSUM from `path`, as SQL Server sees the path. */
  restoreDatabase: primitive(
    'Restore-JuDatabase',
    (target: SqlTarget, path: string, expectSha256: string) => ({
      ...sqlArgs(target, path),
      ExpectSha256: expectSha256,
    }),
    { timeoutMs: sqlTimeout },
  ).returns<SqlRun>(),
  /** RESTORE HEADERONLY of a backup file: the sets it holds, as SQL Server reads them, and the file's SHA-256. */
  backupHeader: primitive('Get-JuBackupHeader', sqlArgs, { timeoutMs: sqlTimeout }).returns<BackupHeader>(),
  /** The Uninstall entries whose DisplayName starts with JAMS, with their UninstallString. */
  uninstallEntries: primitive('Get-JuUninstallEntries').returns<UninstallEntry[]>(),
  /** Starts msiexec /x <productCode> with these arguments ({log} filled with `log` and quoted on the host); returns at once. */
  startUninstaller: primitive(
    'Start-JuUninstaller',
    (productCode: string, args: readonly string[], log: string) => ({
      ProductCode: productCode,
      Arguments: args,
      Log: log,
    }),
  ).returns<InstallerProcess>(),
  /** Runs a PowerShell script with named parameters in its own runspace, bounded by a timeout. */
  runHook: primitive(
    'Invoke-JuHook',
    (path: string, parameters: Record<string, string>, timeoutSeconds: number) => ({
      Path: path,
      Parameters: parameters,
      TimeoutSeconds: timeoutSeconds,
    }),
    { timeoutMs: (_path, _parameters, timeoutSeconds) => timeoutSeconds * 1000 + GRACE_MS },
  ).returns<HookResult>(),
  freeSpace: primitive('Get-JuFreeSpace', (paths: readonly string[]) => ({ Paths: paths })).returns<
    FreeSpace[]
  >(),
  queuePermissions: primitive('Get-JuQueuePermissions', (names: readonly string[]) => ({
    Names: names,
  })).returns<QueuePermissions>(),
  /** The agent definitions of a JAMS server. */
  agents: primitive('Get-JuAgents', (server: string) => ({ Server: server })).returns<AgentInfo[]>(),
  /** Submits each agent's deploy job (the JAMS Client's Deploy), one after the other, and returns at once. */
  deployAgents: primitive('Start-JuAgentDeploys', (server: string, names: readonly string[]) => ({
    Server: server,
    Names: names,
  })).returns<DeployStarted[]>(),
  /** The agents and deploy entries named, in one look. */
  agentProgress: primitive(
    'Get-JuAgentProgress',
    (server: string, names: readonly string[], entries: readonly number[]) => ({
      Server: server,
      Names: names,
      Entries: entries,
    }),
  ).returns<AgentProgress>(),
  /** Each remote host in one fan-out (a remoting session is opened the first time); never throws for one host. */
  remoteStatus: primitive('Get-JuRemoteStatus', (computers: readonly string[], agentService: string) => ({
    ComputerNames: computers,
    AgentService: agentService,
  })).returns<RemoteStatus[]>(),
  /**
   * Copies an installer package to a remote host, checks its SHA-256 there and starts it (through msiexec, or the
   * package itself) with these arguments, {package} and {log} filled in with the remote paths; returns at once.
   */
  startRemoteInstall: primitive(
    'Start-JuRemoteInstall',
    (
      computer: string,
      pkg: { path: string; sha256: string },
      runner: 'msiexec' | 'package',
      args: readonly string[],
      logName: string,
    ) => ({
      ComputerName: computer,
      Package: pkg.path,
      Sha256: pkg.sha256,
      Runner: runner,
      Arguments: args,
      LogName: logName,
    }),
  ).returns<RemoteInstallStarted>(),
  /** Copies a file from a remote host into a folder of this runner. */
  receiveRemoteFile: primitive(
    'Receive-JuRemoteFile',
    (computer: string, remotePath: string, destination: string) => ({
      ComputerName: computer,
      RemotePath: remotePath,
      Destination: destination,
    }),
  ).returns<{ path: string; size: number }>(),
  /** Removes the packages this stage copied and closes the sessions. */
  closeRemote: primitive('Close-JuRemoteSessions', (computers: readonly string[]) => ({
    ComputerNames: computers,
  })).returns<{ computerName: string; error: string | null }[]>(),
  /** What the host shows for each unverified assumption: member names and non-secret samples. Read-only. */
  contract: primitive('Get-JuContract', (server: string, resource: string, queues: readonly string[]) => ({
    Server: server,
    Resource: resource,
    Queues: queues,
  })).returns<ContractObservation>(),
};

export type HostCalls = typeof HOST_CALLS;

/** The methods the host writes by hand, each over its declared call: readState parses JSON into a caller's type. */
export const HAND_WRITTEN = ['readState'] as const;

/** One method per declared call, forwarding to its primitive. */
export type Forwarded = {
  [
    K in keyof HostCalls as K extends (typeof HAND_WRITTEN)[number] ? never : K
  ]: HostCalls[K] extends HostCall<infer A, infer R> ? (...args: A) => Promise<R> : never;
};

/** The reply fields each primitive keeps out of the transcript, by primitive name. */
export const SECRET_REPLY_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.values(HOST_CALLS as Record<string, HostCall<never, unknown>>)
    .filter((c) => c.secretReply.length > 0)
    .map((c) => [c.command, c.secretReply]),
);
