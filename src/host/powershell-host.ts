import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AgentProgress,
  CopiedFiles,
  CredentialCheck,
  FileFacts,
  DatabaseConnections,
  DeployStarted,
  ExecutingEntry,
  FileEntry,
  FoundServices,
  FreeSpace,
  HookResult,
  Host,
  InstallerInfo,
  InstallerKindInfo,
  InstallerProcess,
  InstallerStatus,
  PlatformInfo,
  RemoteInstallStarted,
  RemoteStatus,
  SqlOutcome,
  SqlRun,
  BackupHeader,
  SqlTarget,
  StagedCopy,
  TextFile,
  UninstallEntry,
} from './host.js';
import { PowerShellSession, type SessionOptions } from './powershell-session.js';
import type { ShellKind } from './shell-path.js';
import type { SessionHooks } from './session-hooks.js';
import type { ServiceKind, ServiceState } from '../jams/services.js';
import type { FailoverStatus } from '../jams/roles.js';
import type { VersionSources } from '../jams/version.js';
import type { ResourceState } from '../jams/maintenance.js';
import type { QueuePermissions } from '../jams/mq-permissions.js';
import type { ContractObservation } from '../jams/contract.js';
import type { AgentInfo } from '../jams/agent-rules.js';

/** Time PowerShell gets beyond a bounded operation's own timeout before the session is given up. */
const GRACE_MS = 60_000;

export interface PowerShellHostOptions {
  shell: ShellKind;
  installFolder: string;
  /** The state folder (state-folder): the module keeps it writable by administrators alone. */
  stateFolder?: string;
  callTimeoutMs: number;
  /** The lab's additions to the session when JAMS_UPGRADE_LAB is set; never set on a real host. */
  hooks?: SessionHooks;
  /** Secrets for the PowerShell process's environment; primitives receive only the variable names. */
  secretEnv?: Record<string, string>;
  transcript?: (line: string) => void;
}

/**
 * Finds the PowerShell files next to the running code: dist/ps in the bundle, src/host/ps in the repository. `windows`
 * is the joined platform file in the bundle and the platform folder in source.
 */
export function assetPaths(): { module: string; windows: string } {
  const ps = join(dirname(fileURLToPath(import.meta.url)), 'ps');
  const joined = join(ps, 'Platform.Windows.ps1');
  return {
    module: join(ps, 'JamsUpgrade.psm1'),
    windows: existsSync(joined) ? joined : join(ps, 'platform'),
  };
}

/** The session a host of these options runs: the module, the platform file and, in the lab, the lab's hooks. */
export function sessionOptions(options: PowerShellHostOptions): SessionOptions {
  const paths = assetPaths();
  return {
    shell: options.shell,
    modulePath: paths.module,
    platformPath: paths.windows,
    platformOptions: { installFolder: options.installFolder, stateFolder: options.stateFolder ?? '' },
    hooks: options.hooks,
    callTimeoutMs: options.callTimeoutMs,
    secretEnv: options.secretEnv,
    transcript: options.transcript,
  };
}

export class PowerShellHost implements Host {
  /** A session of its own, or one a caller keeps across hosts (tests). */
  constructor(
    options: PowerShellHostOptions,
    private readonly session: PowerShellSession = new PowerShellSession(sessionOptions(options)),
  ) {}

  platform(): Promise<PlatformInfo> {
    return this.session.call('Get-JuPlatform');
  }

  findServices(candidates: Record<ServiceKind, readonly string[]>): Promise<FoundServices> {
    return this.session.call('Find-JuServices', { Candidates: candidates });
  }

  serviceStates(names: readonly string[]): Promise<ServiceState[]> {
    return this.session.call('Get-JuServiceStates', { Names: names });
  }

  stopService(name: string): Promise<ServiceState> {
    return this.session.call('Stop-JuService', { Name: name });
  }

  startService(name: string): Promise<ServiceState> {
    return this.session.call('Start-JuService', { Name: name });
  }

  failoverStatus(): Promise<FailoverStatus> {
    return this.session.call('Get-JuNodeRole');
  }

  installedVersion(): Promise<VersionSources> {
    return this.session.call('Get-JuInstalledVersion');
  }

  files(
    folder: string,
    include: readonly string[],
  ): Promise<{ folder: string; exists: boolean; files: FileEntry[] }> {
    return this.session.call('Get-JuFiles', { Folder: folder, Include: include });
  }

  copyFiles(source: string, destination: string, names: readonly string[]): Promise<CopiedFiles> {
    return this.session.call('Copy-JuFiles', { Source: source, Destination: destination, Names: names });
  }

  readTextFiles(folder: string, names: readonly string[]): Promise<TextFile[]> {
    return this.session.call('Read-JuTextFiles', { Folder: folder, Names: names });
  }

  writeTextFile(
    folder: string,
    name: string,
    text: string,
    options: { bom: boolean; expectSha256: string },
  ): Promise<{ path: string; sha256: string }> {
    return this.session.call(
      'Write-JuTextFile',
      { Folder: folder, Name: name, Text: text, Bom: options.bom, ExpectSha256: options.expectSha256 },
      ['Text'], // config text can hold connection-string passwords: kept out of the transcript
    );
  }

  installer(path: string): Promise<InstallerInfo> {
    return this.session.call('Get-JuInstaller', { Path: path });
  }

  installerKind(path: string): Promise<InstallerKindInfo> {
    return this.session.call('Get-JuInstallerKind', { Path: path });
  }

  startInstaller(
    path: string,
    args: readonly string[],
    sha256: string,
    log: string,
  ): Promise<InstallerProcess> {
    return this.session.call('Start-JuInstaller', {
      Path: path,
      Arguments: args,
      ExpectSha256: sha256,
      Log: log,
    });
  }

  installerStatus(processId: number, startedAt: string): Promise<InstallerStatus> {
    return this.session.call('Get-JuInstallerStatus', { ProcessId: processId, StartedAt: startedAt });
  }

  fileFacts(path: string): Promise<FileFacts> {
    return this.session.call('Get-JuFileFacts', { Path: path });
  }

  copyInstaller(
    source: string,
    folder: string,
    name: string,
    expectSha256: string,
    timeoutSeconds: number,
  ): Promise<StagedCopy> {
    return this.session.call(
      'Copy-JuInstaller',
      { Source: source, Folder: folder, Name: name, ExpectSha256: expectSha256 },
      [],
      timeoutSeconds * 1000,
    );
  }

  removeStagedInstaller(root: string, key: string): Promise<{ path: string; removed: boolean }> {
    return this.session.call('Remove-JuStagedInstaller', { Root: root, Key: key });
  }

  testCredential(account: string, passwordVariable: string): Promise<CredentialCheck> {
    return this.session.call('Test-JuCredential', { Account: account, PasswordVariable: passwordVariable });
  }

  setServiceAccount(
    name: string,
    account: string,
    passwordVariable: string | null,
  ): Promise<{ returnValue: number; service: ServiceState }> {
    return this.session.call('Set-JuServiceAccount', {
      Name: name,
      Account: account,
      PasswordVariable: passwordVariable ?? '',
    });
  }

  saveState(folder: string, name: string, data: unknown): Promise<{ path: string }> {
    return this.session.call('Save-JuStateFile', {
      Folder: folder,
      Name: name,
      Json: JSON.stringify(data, null, 2),
    });
  }

  async readState<T>(folder: string, name: string): Promise<{ path: string; data: T | null }> {
    const found = await this.session.call<{ path: string; exists: boolean; json: string | null }>(
      'Read-JuStateFile',
      { Folder: folder, Name: name },
    );
    return { path: found.path, data: found.exists && found.json ? (JSON.parse(found.json) as T) : null };
  }

  resource(server: string, name: string): Promise<ResourceState> {
    return this.session.call('Get-JuResource', { Server: server, Name: name });
  }

  createResource(server: string, name: string, quantity: number): Promise<ResourceState> {
    return this.session.call('New-JuResource', { Server: server, Name: name, Quantity: quantity });
  }

  requireAtRoot(server: string, name: string): Promise<ResourceState> {
    return this.session.call('Add-JuRootRequirement', { Server: server, Name: name });
  }

  setResourceQuantity(server: string, name: string, quantity: number): Promise<ResourceState> {
    return this.session.call('Set-JuResourceQuantity', { Server: server, Name: name, Quantity: quantity });
  }

  executingEntries(server: string): Promise<ExecutingEntry[]> {
    return this.session.call('Get-JuExecutingEntries', { Server: server });
  }

  databaseConnections(folder: string): Promise<DatabaseConnections> {
    return this.session.call('Get-JuDatabaseConnections', { Folder: folder });
  }

  backupDatabase(target: SqlTarget, path: string): Promise<SqlOutcome> {
    return this.session.call(
      'Backup-JuDatabase',
      sqlArgs(target, path),
      [],
      target.timeoutSeconds * 1000 + GRACE_MS,
    );
  }

  verifyBackup(target: SqlTarget, path: string): Promise<SqlOutcome> {
    return this.session.call(
      'Test-JuDatabaseBackup',
      sqlArgs(target, path),
      [],
      target.timeoutSeconds * 1000 + GRACE_MS,
    );
  }

  restoreDatabase(target: SqlTarget, path: string, expectSha256: string): Promise<SqlRun> {
    return this.session.call(
      'Restore-JuDatabase',
      { ...sqlArgs(target, path), ExpectSha256: expectSha256 },
      [],
      target.timeoutSeconds * 1000 + GRACE_MS,
    );
  }

  backupHeader(target: SqlTarget, path: string): Promise<BackupHeader> {
    return this.session.call(
      'Get-JuBackupHeader',
      sqlArgs(target, path),
      [],
      target.timeoutSeconds * 1000 + GRACE_MS,
    );
  }

  uninstallEntries(): Promise<UninstallEntry[]> {
    return this.session.call('Get-JuUninstallEntries');
  }

  startUninstaller(productCode: string, args: readonly string[], log: string): Promise<InstallerProcess> {
    return this.session.call('Start-JuUninstaller', { ProductCode: productCode, Arguments: args, Log: log });
  }

  runHook(path: string, parameters: Record<string, string>, timeoutSeconds: number): Promise<HookResult> {
    return this.session.call(
      'Invoke-JuHook',
      { Path: path, Parameters: parameters, TimeoutSeconds: timeoutSeconds },
      [],
      timeoutSeconds * 1000 + GRACE_MS,
    );
  }

  freeSpace(paths: readonly string[]): Promise<FreeSpace[]> {
    return this.session.call('Get-JuFreeSpace', { Paths: paths });
  }

  queuePermissions(names: readonly string[]): Promise<QueuePermissions> {
    return this.session.call('Get-JuQueuePermissions', { Names: names });
  }

  agents(server: string): Promise<AgentInfo[]> {
    return this.session.call('Get-JuAgents', { Server: server });
  }

  deployAgents(server: string, names: readonly string[]): Promise<DeployStarted[]> {
    return this.session.call('Start-JuAgentDeploys', { Server: server, Names: names });
  }

  agentProgress(
    server: string,
    names: readonly string[],
    entries: readonly number[],
  ): Promise<AgentProgress> {
    return this.session.call('Get-JuAgentProgress', { Server: server, Names: names, Entries: entries });
  }

  remoteStatus(computers: readonly string[], agentService: string): Promise<RemoteStatus[]> {
    return this.session.call('Get-JuRemoteStatus', { ComputerNames: computers, AgentService: agentService });
  }

  startRemoteInstall(
    computer: string,
    pkg: { path: string; sha256: string },
    runner: 'msiexec' | 'package',
    args: readonly string[],
    logName: string,
  ): Promise<RemoteInstallStarted> {
    return this.session.call('Start-JuRemoteInstall', {
      ComputerName: computer,
      Package: pkg.path,
      Sha256: pkg.sha256,
      Runner: runner,
      Arguments: args,
      LogName: logName,
    });
  }

  receiveRemoteFile(
    computer: string,
    remotePath: string,
    destination: string,
  ): Promise<{ path: string; size: number }> {
    return this.session.call('Receive-JuRemoteFile', {
      ComputerName: computer,
      RemotePath: remotePath,
      Destination: destination,
    });
  }

  closeRemote(computers: readonly string[]): Promise<{ computerName: string; error: string | null }[]> {
    return this.session.call('Close-JuRemoteSessions', { ComputerNames: computers });
  }

  contract(server: string, resource: string, queues: readonly string[]): Promise<ContractObservation> {
    return this.session.call('Get-JuContract', { Server: server, Resource: resource, Queues: queues });
  }

  close(): Promise<void> {
    return this.session.dispose();
  }
}

/** The arguments of the SQL primitives: the password travels only as the name of an environment variable. */
function sqlArgs(target: SqlTarget, path: string): Record<string, unknown> {
  return {
    Server: target.server,
    Database: target.database,
    Auth: target.auth,
    User: target.user ?? '',
    PasswordVariable: target.passwordVariable ?? '',
    TimeoutSeconds: target.timeoutSeconds,
    Path: path,
  };
}
