import type { ServiceKind, ServiceNames, ServiceState } from '../jams/services.js';
import type { FailoverStatus } from '../jams/roles.js';
import type { VersionSources } from '../jams/version.js';

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
  close(): Promise<void>;
}

export type { ServiceNames };
