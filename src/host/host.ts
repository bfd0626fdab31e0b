import type { ServiceKind, ServiceNames, ServiceState } from '../jams/services.js';
import type { FailoverStatus } from '../jams/roles.js';
import type { VersionSources } from '../jams/version.js';
import type { ResourceState } from '../jams/maintenance.js';
import type { QueuePermissions } from '../jams/mq-permissions.js';

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

/** One connection string of common.config, without its user or password. */
export interface DatabaseConnection {
  name: string;
  dataSource: string;
  initialCatalog: string;
  integratedSecurity: boolean;
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

/**
 * What a stage may ask of the scheduler host. It reads or changes one thing per call and makes no decisions;
 * the stages decide. The PowerShell implementation is the only one the action uses.
 */
export interface Host {
  platform(): Promise<PlatformInfo>;
  findServices(
    candidates: Record<ServiceKind, readonly string[]>,
  ): Promise<Record<ServiceKind, string | null>>;
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
  readTextFiles(folder: string, names: readonly string[]): Promise<{ name: string; text: string }[]>;
  saveState(folder: string, name: string, data: unknown): Promise<{ path: string }>;
  readState<T>(folder: string, name: string): Promise<{ path: string; data: T | null }>;
  /** The maintenance-window resource on a JAMS server, and whether the root folder requires it. */
  resource(server: string, name: string): Promise<ResourceState>;
  createResource(server: string, name: string, quantity: number): Promise<ResourceState>;
  requireAtRoot(server: string, name: string): Promise<ResourceState>;
  setResourceQuantity(server: string, name: string, quantity: number): Promise<ResourceState>;
  executingEntries(server: string): Promise<ExecutingEntry[]>;
  /** The connection strings of common.config in the Scheduler folder. */
  databaseConnections(
    folder: string,
  ): Promise<{ path: string; exists: boolean; connections: DatabaseConnection[] }>;
  /** A copy-only backup with checksums to `path`, as SQL Server sees the path; the file's size and SHA-256. */
  backupDatabase(target: SqlTarget, path: string): Promise<SqlOutcome>;
  /** RESTORE VERIFYONLY with checksums, then the file's size and SHA-256 again. */
  verifyBackup(target: SqlTarget, path: string): Promise<SqlOutcome>;
  /** Runs a PowerShell script with named parameters in its own runspace, bounded by a timeout. */
  runHook(path: string, parameters: Record<string, string>, timeoutSeconds: number): Promise<HookResult>;
  freeSpace(paths: readonly string[]): Promise<FreeSpace[]>;
  queuePermissions(names: readonly string[]): Promise<QueuePermissions>;
  close(): Promise<void>;
}

export type { ServiceNames };
