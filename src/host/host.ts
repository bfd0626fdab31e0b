import type { ServiceKind, ServiceNames, ServiceState } from '../jams/services.js';
import type { FailoverStatus } from '../jams/roles.js';
import type { VersionSources } from '../jams/version.js';
import type { ResourceState } from '../jams/maintenance.js';
import type { QueuePermissions } from '../jams/mq-permissions.js';
import type { ContractObservation } from '../jams/contract.js';
import type { AgentInfo } from '../jams/agent-rules.js';
import type { InstallerKind } from '../jams/installer.js';

export interface PlatformInfo {
  platform: 'windows' | 'lab';
  computerName: string;
  user: string;
  isAdmin: boolean;
  psVersion: string;
  psEdition: string;
}

export interface FileEntry {
  name: string;
  size: number;
  sha256: string;
  lastWriteTime: string;
}

export interface CopiedFiles {
  folder: string;
  files: { name: string; sha256: string; size: number }[];
}

/** A JAMS entry that is executing now. */
export interface ExecutingEntry {
  entry: string;
  name: string;
}

/** How a connection string reaches SQL Server: SqlClient, the OLE DB driver (Provider=) or ODBC (Driver= or DSN=). */
export type ConnectionForm = 'sqlclient' | 'oledb' | 'odbc';

/**
 * One connection string of common.config, without its user, password or text. `error` says why it could not be read
 * (`form` is null when even that is unknown); what was read is still there.
 */
export interface DatabaseConnection {
  name: string;
  form: ConnectionForm | null;
  dataSource: string;
  initialCatalog: string;
  integratedSecurity: boolean;
  error?: string;
}

/** common.config's connection strings; `error` when the file itself could not be read. */
export interface DatabaseConnections {
  path: string;
  exists: boolean;
  connections: DatabaseConnection[];
  error?: string;
}

/** The PowerShell process's environment variable that carries the SQL login's password. */
export const SQL_PASSWORD_VARIABLE = 'JU_SQL_PASSWORD';

/**
 * Where the database is and how to log in. A SQL login's password is never here: only the name of the
 * PowerShell process's environment variable that holds it.
 */
export interface SqlTarget {
  server: string;
  database: string;
  auth: 'windows' | 'sql';
  user?: string;
  passwordVariable?: string;
  timeoutSeconds: number;
}

/** What one T-SQL statement did: its fixed text and SQL Server's messages. */
export interface SqlOutcome {
  path: string;
  sql: string;
  durationMs: number;
  messages: string[];
  size: number;
  sha256: string;
  /** After a BACKUP: the backup set msdb recorded for the file (null when msdb has none), and the query that read it. */
  backupSet?: BackupSetFacts | null;
  backupSetSql?: string;
}

/**
 * One backup set as SQL Server names it: in msdb's history (backupset) when the backup stage took it, and in the file's
 * own header (RESTORE HEADERONLY) when the restore reads it. `finishedAt` is SQL Server's local time,
 * yyyy-MM-ddTHH:mm:ss.fff, without a zone.
 */
export interface BackupSetFacts {
  databaseName: string;
  serverName: string;
  guid: string;
  finishedAt: string;
}

/** RESTORE HEADERONLY of a backup file: each backup set it holds, and the file's size and SHA-256 by SQL Server's path. */
export interface BackupHeader extends SqlOutcome {
  sets: BackupSetFacts[];
}

/** What a statement that writes no file did (the restore): its fixed text, duration and SQL Server's messages. */
export type SqlRun = Omit<SqlOutcome, 'size' | 'sha256'>;

/** An Uninstall entry named JAMS*, as the registry holds it. */
export interface UninstallEntry {
  key: string;
  name: string;
  version: string;
  publisher: string;
  hasUninstall: boolean;
  uninstallString: string;
}

export interface HookResult {
  path: string;
  ok: boolean;
  timedOut: boolean;
  exitCode: number | null;
  durationMs: number;
  output: string[];
  errors: string[];
}

export interface FreeSpace {
  path: string;
  available: boolean;
  root?: string;
  freeBytes?: number;
  totalBytes?: number;
  reason?: string;
}

export interface TextFile {
  name: string;
  text: string;
  sha256: string;
  /** The file starts with a UTF-8 byte order mark; a rewrite keeps it. */
  bom: boolean;
}

/** The installer file as the host sees it; version and signature are null where they could not be read. */
export interface InstallerInfo {
  path: string;
  exists: boolean;
  readable: boolean;
  reason: string | null;
  size: number | null;
  sha256: string | null;
  version: string | null;
  versionSource: string | null;
  /** Get-AuthenticodeSignature's Status (Valid, NotSigned, HashMismatch, ...); the lab reports a stand-in. */
  signature: string | null;
  signer: string | null;
  /** The signing certificate's thumbprint (SHA-1, upper-case hex); absent from hosts that did not report it. */
  signerThumbprint?: string | null;
  signatureMessage: string | null;
}

export interface InstallerProcess {
  processId: number;
  startedAt: string;
  commandLine: string;
}

export interface InstallerStatus {
  running: boolean;
  /** null when the exit code cannot be known (the process was started by an earlier session). */
  exitCode: number | null;
}

/** Which kind of setup an installer is, from a few KB of its bytes (the platform file's PlatformGetInstallerKind). */
export interface InstallerKindInfo {
  path: string;
  exists: boolean;
  /** null when the file could not be read (reason says why). */
  kind: InstallerKind | null;
  /** What in the bytes decided it, or where they stopped making sense. */
  evidence: string | null;
  /** The PE's section names, in order; empty for anything else. */
  sections: string[];
  reason: string | null;
}

/** A file as the host sees it, without reading it. */
export interface FileFacts {
  path: string;
  exists: boolean;
  size: number | null;
  lastWriteTime: string | null;
  reason: string | null;
}

/** An installer copied into a staging folder: kept under its name only when its SHA-256 was the one expected. */
export interface StagedCopy {
  path: string;
  kept: boolean;
  sha256: string;
  size: number;
  copyMs: number;
  hashMs: number;
}

export interface CredentialCheck {
  /** false when the check itself could not run (for example no domain controller answered). */
  checked: boolean;
  valid: boolean | null;
  reason: string | null;
}

/** A deploy job's entry, as Get-JAMSEntry shows it. */
export interface DeployEntry {
  id: number;
  name: string;
  /** The entry's JobState: ResourceWait, Executing, Completed, ... */
  state: string;
  /** Its final severity once it completed (Success, Warning, Error, Fatal); empty before. */
  severity: string;
  status: string;
}

/** One agent's deploy, submitted: when, and the deploy job's entry when it could be told apart; or why it was not. */
export interface DeployStarted {
  name: string;
  submittedAt: string | null;
  deployJob: string | null;
  entry: DeployEntry | null;
  error: string | null;
}

/** The agents and deploy entries asked about, as JAMS shows them now. */
export interface AgentProgress {
  agents: {
    name: string;
    agent: { version: string | null; online: boolean; state: string } | null;
    error: string | null;
  }[];
  entries: DeployEntry[];
}

/** A remote host as a remoting session shows it; reachable false with the error when no session could be opened. */
export interface RemoteStatus {
  computerName: string;
  reachable: boolean;
  error: string | null;
  /** The installers this stage started there. */
  installs: { processId: number; running: boolean; exitCode: number | null }[];
  /** The JAMS agent service's status; null when the host has none. */
  agentService: string | null;
  /** Its Uninstall entries named JAMS*. */
  products: { name: string; version: string }[];
}

export interface RemoteInstallStarted {
  computerName: string;
  processId: number;
  startedAt: string;
  commandLine: string;
  /** The package and the log, as paths on the remote host. */
  package: string;
  log: string;
}

export interface FoundServices {
  found: Record<ServiceKind, string | null>;
  jamsServices: { name: string; displayName: string; status: string }[];
}

/**
 * What a stage may ask of the scheduler host. It reads or changes one thing per call and makes no decisions;
 * the stages decide. The PowerShell implementation is the only one the action uses.
 */
export interface Host {
  platform(): Promise<PlatformInfo>;
  /** The first candidate name of each kind that exists, and every service whose display name starts with JAMS. */
  findServices(candidates: Record<ServiceKind, readonly string[]>): Promise<FoundServices>;
  serviceStates(names: readonly string[]): Promise<ServiceState[]>;
  /** Requests a stop (dependents stop too) and returns at once. */
  stopService(name: string): Promise<ServiceState>;
  startService(name: string): Promise<ServiceState>;
  failoverStatus(): Promise<FailoverStatus>;
  installedVersion(): Promise<VersionSources>;
  files(
    folder: string,
    include: readonly string[],
  ): Promise<{ folder: string; exists: boolean; files: FileEntry[] }>;
  /** Copies named files between folders on the host, each copy proven by its SHA-256. */
  copyFiles(source: string, destination: string, names: readonly string[]): Promise<CopiedFiles>;
  readTextFiles(folder: string, names: readonly string[]): Promise<TextFile[]>;
  /** Replaces a text file atomically, refusing when its SHA-256 is no longer `expectSha256`. */
  writeTextFile(
    folder: string,
    name: string,
    text: string,
    options: { bom: boolean; expectSha256: string },
  ): Promise<{ path: string; sha256: string }>;
  installer(path: string): Promise<InstallerInfo>;
  /** Which kind of setup the installer is, read from its first bytes; nothing runs or loads it. */
  installerKind(path: string): Promise<InstallerKindInfo>;
  /**
   * Starts the installer with these arguments and returns at once; the host fills {log} with `log` and quotes them.
   * The file is hashed through the handle that stays open until the process has ended: a file whose SHA-256 is not
   * `sha256` is refused, unstarted.
   */
  startInstaller(
    path: string,
    args: readonly string[],
    sha256: string,
    log: string,
  ): Promise<InstallerProcess>;
  installerStatus(processId: number, startedAt: string): Promise<InstallerStatus>;
  /** Whether a file exists and its size, without reading it (a large file on a share is read once, by the copy). */
  fileFacts(path: string): Promise<FileFacts>;
  /**
   * Copies an installer to `folder\name`, keeping it only when its SHA-256 is `expectSha256`; the call may take up
   * to `timeoutSeconds`.
   */
  copyInstaller(
    source: string,
    folder: string,
    name: string,
    expectSha256: string,
    timeoutSeconds: number,
  ): Promise<StagedCopy>;
  /** Removes the staged installer folder `root\key` (key: 16 hex digits), and nothing else. */
  removeStagedInstaller(root: string, key: string): Promise<{ path: string; removed: boolean }>;
  /** Checks an account's password, read on the host from the named environment variable. */
  testCredential(account: string, passwordVariable: string): Promise<CredentialCheck>;
  /** Sets a service's Log On As; the password (if any) is read on the host from the named variable. */
  setServiceAccount(
    name: string,
    account: string,
    passwordVariable: string | null,
  ): Promise<{ returnValue: number; service: ServiceState }>;
  saveState(folder: string, name: string, data: unknown): Promise<{ path: string }>;
  readState<T>(folder: string, name: string): Promise<{ path: string; data: T | null }>;
  /** The maintenance-window resource on a JAMS server, and whether the root folder requires it. */
  resource(server: string, name: string): Promise<ResourceState>;
  createResource(server: string, name: string, quantity: number): Promise<ResourceState>;
  requireAtRoot(server: string, name: string): Promise<ResourceState>;
  setResourceQuantity(server: string, name: string, quantity: number): Promise<ResourceState>;
  executingEntries(server: string): Promise<ExecutingEntry[]>;
  /** The connection strings of common.config in the Scheduler folder. */
  databaseConnections(folder: string): Promise<DatabaseConnections>;
  /** A copy-only backup with checksums to `path`, as SQL Server sees the path; the file's size and SHA-256. */
  backupDatabase(target: SqlTarget, path: string): Promise<SqlOutcome>;
  /** RESTORE VERIFYONLY with checksums, then the file's size and SHA-256 again. */
  verifyBackup(target: SqlTarget, path: string): Promise<SqlOutcome>;
  /** RESTORE DATABASE ... WITH REPLACE, CHECKSUM from `path`, as SQL Server sees the path. */
  restoreDatabase(target: SqlTarget, path: string, expectSha256: string): Promise<SqlRun>;
  /** RESTORE HEADERONLY of a backup file: the sets it holds, as SQL Server reads them, and the file's SHA-256. */
  backupHeader(target: SqlTarget, path: string): Promise<BackupHeader>;
  /** The Uninstall entries whose DisplayName starts with JAMS, with their UninstallString. */
  uninstallEntries(): Promise<UninstallEntry[]>;
  /** Starts msiexec /x <productCode> with these arguments ({log} filled with `log` and quoted on the host); returns at once. */
  startUninstaller(productCode: string, args: readonly string[], log: string): Promise<InstallerProcess>;
  /** Runs a PowerShell script with named parameters in its own runspace, bounded by a timeout. */
  runHook(path: string, parameters: Record<string, string>, timeoutSeconds: number): Promise<HookResult>;
  freeSpace(paths: readonly string[]): Promise<FreeSpace[]>;
  queuePermissions(names: readonly string[]): Promise<QueuePermissions>;
  /** The agent definitions of a JAMS server. */
  agents(server: string): Promise<AgentInfo[]>;
  /** Submits each agent's deploy job (the JAMS Client's Deploy), one after the other, and returns at once. */
  deployAgents(server: string, names: readonly string[]): Promise<DeployStarted[]>;
  /** The agents and deploy entries named, in one look. */
  agentProgress(server: string, names: readonly string[], entries: readonly number[]): Promise<AgentProgress>;
  /** Each remote host in one fan-out (a remoting session is opened the first time); never throws for one host. */
  remoteStatus(computers: readonly string[], agentService: string): Promise<RemoteStatus[]>;
  /**
   * Copies an installer package to a remote host, checks its SHA-256 there and starts it (through msiexec, or the
   * package itself) with these arguments, {package} and {log} filled in with the remote paths; returns at once.
   */
  startRemoteInstall(
    computer: string,
    pkg: { path: string; sha256: string },
    runner: 'msiexec' | 'package',
    args: readonly string[],
    logName: string,
  ): Promise<RemoteInstallStarted>;
  /** Copies a file from a remote host into a folder of this runner. */
  receiveRemoteFile(
    computer: string,
    remotePath: string,
    destination: string,
  ): Promise<{ path: string; size: number }>;
  /** Removes the packages this stage copied and closes the sessions. */
  closeRemote(computers: readonly string[]): Promise<{ computerName: string; error: string | null }[]>;
  /** What the host shows for each unverified assumption: member names and non-secret samples. Read-only. */
  contract(server: string, resource: string, queues: readonly string[]): Promise<ContractObservation>;
  close(): Promise<void>;
}

export type { ServiceNames };
