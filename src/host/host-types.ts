// What the host's calls answer: the data types of the Host interface's replies (host.ts) and of the call table
// (calls.ts), kept apart from both so neither imports the other's types back.
import type { ServiceKind } from '../jams/services.js';
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
  /** When it started executing (UTC, ISO 8601 'o'), from the entry's StartTimeUTC; null when JAMS gives none. */
  startedAt?: string | null;
  /**
   * Its job's average run in whole seconds (the entry's AvgElapsedTime.TotalSeconds); null when JAMS gives none or 0
   * (no run to average yet).
   */
  averageSeconds?: number | null;
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
 * The JAMS history's entries that completed in a window, counted by final severity (History.Find, then their
 * CompletionTimeUTC): from inclusive, to exclusive, so consecutive windows count each completion once.
 */
export interface EntryHistory {
  /** The window asked for (UTC, ISO 8601 'o': 2024-05-01T10:00:00.0000000Z). */
  from: string;
  to: string;
  /** Entries that completed in the window. */
  completed: number;
  /** Of them, those that ended with severity Error or Fatal. */
  failed: number;
  /** The completed entries by their FinalSeverity (MVPSI.JAMS.Severity's names). */
  bySeverity: Record<'Success' | 'Info' | 'Warning' | 'Error' | 'Fatal', number>;
}
