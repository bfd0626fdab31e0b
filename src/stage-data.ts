// Each stage's data in its record (record.data), and the outputs a stage derives from it: one declaration that the
// stages write, and main.ts, the job summary and the report read without casts. Records from older builds may lack any
// key, so every key is optional.
import type { GateProtection } from './gate-protection.js';
import { MAX_RINGS } from './fleet.js';
import type {
  BackupHeader,
  ConnectionForm,
  DatabaseConnections,
  ExecutingEntry,
  FileEntry,
  FreeSpace,
  InstallerInfo,
  SqlOutcome,
  SqlTarget,
} from './host/host.js';
import type { ConfigChange } from './jams/config-merge.js';
import type { ContractObservation, Verdict } from './jams/contract.js';
import type { InstallerKind } from './jams/installer.js';
import type { QueuePermissions } from './jams/mq-permissions.js';
import type { NodeRole, RoleView } from './jams/roles.js';
import type { RateVerdict, StuckEntry } from './jams/soak-health.js';
import type { ServiceKind } from './jams/services.js';
import type { AccountRecord } from './state/logon-accounts.js';
import type { BackupRecord } from './state/backup-record.js';
import type { ConfigSave } from './state/config-saved.js';
import type { WindowRecord } from './state/maintenance-window.js';
import type { RestoreRecord, RestoreSource, UninstallRecord } from './state/rollback-record.js';

/** One protection rule as the record keeps it. */
export interface GateRule {
  type: string;
  reviewers?: string[];
  preventSelfReview?: boolean;
  waitTimerMinutes?: number;
}

/** What the gates stage leaves in its record (data.gates), for the report. */
export interface GatesData {
  /** The gate environment's name; empty when none was given (only a local rehearsal may leave it out). */
  environment: string;
  /** owner/repo, or null when no repository was known (a local rehearsal). */
  repository: string | null;
  /** Whether GitHub answered with the environment (its rules below). */
  rulesRead: boolean;
  /** The environment's protection rules as GitHub listed them; empty when they were not read. */
  rules: GateRule[];
  /** Who may approve the gates (users by login, teams by slug); empty when nobody has to. */
  reviewers: string[];
  /** Whether the dispatcher is kept from approving their own run; null when not read or not protected. */
  preventSelfReview: boolean | null;
  /** Whether administrators may bypass the rules (the environment's setting); null when not read. */
  canAdminsBypass: boolean | null;
  allowUnprotected: boolean;
  /** The stage's gate-protection output, or refused: the stage failed, and reason says why. */
  verdict: GateProtection | 'refused';
  reason: string;
}

/** What the record, the outputs and the summary show of an upgrade. */
export interface UpgradeData {
  targetVersion: string | null;
  versionBefore: string | null;
  installedAtStart: string | null;
  versionAfter: string | null;
  install: 'ran' | 'skipped' | 'would' | 'failed' | 'not started';
  installer?: Omit<InstallerInfo, 'exists' | 'readable' | 'reason'>;
  exitCode?: number | null;
  exitMeaning?: string;
  rebootRequired: boolean;
  log?: string;
  errorLine?: { line: number; text: string } | null;
  commandLine?: string | null;
  accounts?: { service: string; recorded: string; before: string; after: string; outcome: string }[];
}

export type RowResult = 'upgraded' | 'skipped' | 'failed' | 'manual' | 'would';

/** One agent or desktop client, as the agents stage left it. */
export interface AgentRow {
  kind: 'agent' | 'client';
  name: string;
  /** An agent's type and platform; "desktop client" for a workstation. */
  type: string;
  host: string;
  versionBefore: string | null;
  versionAfter: string | null;
  method: 'deploy' | 'msi' | 'installer' | null;
  seconds: number | null;
  result: RowResult;
  detail: string;
  /** What a person does, for an item left to one (manual) or that failed. */
  manualStep: string | null;
  /** The installer's log in the run folder. */
  log: string | null;
}

export interface AgentsData {
  server: string;
  method: 'deploy' | 'msi';
  parallel: number;
  targetVersion: string | null;
  rows: AgentRow[];
  counts: Record<RowResult, number>;
  /** Said when no desktop client was named: that they must be upgraded, and how. */
  clientsNote: string | null;
  progress: string[];
}

/** One machine the agents stage would reach, and how. */
export interface ReachedHost {
  host: string;
  /** The agent definition or the clients input that names it. */
  source: string;
  how: string;
}

export interface AgentHostsData {
  hosts: ReachedHost[];
  /** agent-hosts-allowed, or null: any host. */
  allowed: string[] | null;
  /** Why the list may be short (JAMS could not be read, names JAMS does not define). */
  notes: string[];
}

/** What the record, the summary and the report show of the staging. */
export interface StagingData {
  source: string;
  path: string | null;
  outcome: 'staged' | 'already staged' | 'would stage' | 'not staged' | 'runs the staged copy';
  size?: number;
  copyMs?: number;
}

/** What the record and the summary show: the installer, its kind, why, and whether its arguments suit it. */
export interface InstallerKindData {
  path: string;
  kind: InstallerKind | null;
  evidence: string | null;
  /** The PE's section names, as read. */
  sections: string[];
  arguments: string;
  /** The input that sets the arguments. */
  input: string;
  suits: boolean | null;
}

export interface DowngradePlan {
  /** The config save from before the upgrade away from the version returned to: start puts it back whole. */
  configSaveKey: string | null;
  /** What the uninstaller removes first; null when uninstall-first is off or the installed version is not newer. */
  uninstall: { productCode: string; name: string; version: string } | null;
}

export interface InstallOutcome {
  exitCode: number | null;
  outcome: 'success' | 'reboot' | 'failure';
  meaning: string;
  log: string;
  commandLine: string | null;
  /** The log line that reports the error, on a failure. */
  errorLine: { line: number; text: string } | null;
}

/** A JAMS version as preflight, upgrade, verify and the agents stage read it, and where from. */
export interface InstalledVersion {
  version: string;
  source: string;
}

/** The database a stage backs up or restores, and where its name came from. */
export interface DatabaseTarget {
  server: string;
  database: string;
  auth: 'windows' | 'sql';
  source: string;
  form: ConnectionForm | null;
}

/** The maintenance window as maintenance-on and maintenance-off found and left it. */
export interface MaintenanceData {
  server: string;
  resource: string;
  quantityBefore: number;
  recordPath: string;
  /** The quantity to restore, as recorded on the host; null when there is no record. */
  recorded?: WindowRecord | null;
  quantityAfter?: number | null;
  executingAtStart?: ExecutingEntry[];
  drained?: boolean;
  stillExecuting?: ExecutingEntry[];
}

/** One of verify's checks. */
export interface VerifyCheck {
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/**
 * What the soak stage found (data.soak) on the primary: the window, stuck entries and rates. Its checks, the verify
 * checks and on the primary those of these, are the record's data.checks.
 */
export interface SoakData {
  /** soak-minutes: how long the pair must have run since the window reopened. */
  requiredMinutes: number;
  /** How long it has, on the primary; absent on the secondary or with no reopening recorded. */
  soakedMinutes?: number;
  window?: {
    resource: string;
    recordedQuantity: number | null;
    quantity: number | null;
    closedAt: string | null;
    reopenedAt: string | null;
  };
  stuck?: StuckEntry[];
  rates?: RateVerdict;
}

/** One node in the fleet view (data.status). */
export interface StatusData {
  version: string | null;
  role: NodeRole;
  roleLabel: string;
  services: Record<string, string>;
  /** The host's upgrade record, or null when this host has none. */
  lastUpgrade: {
    targetVersion: string;
    versionBefore: string | null;
    phase: string;
    at: string;
    runKey: string;
  } | null;
  /** On the primary, the JAMS server's agents; null on the secondary. */
  agents: { name: string; version: string | null; online: boolean }[] | null;
}

/** A ring's soak environment as the fleet plan read it: its wait timer against soak-minutes. */
export interface SoakTimer {
  ring: string;
  environment: string;
  /** The environment's wait timer; null when it has none or does not exist. */
  waitMinutes: number | null;
  ok: boolean;
  reason: string;
}

/** The fleet's rings in promotion order (data.fleetPlan), from the rings input, and their soak environments. */
export interface FleetPlanData {
  rings: string[];
  /** Each ring's soak environment, when the plan read them. */
  soakTimers?: SoakTimer[];
  /** Why the soak environments were not read. */
  soakCheck?: string;
}

/** The restore stage's RESTORE: as planned (would, in a dry-run), sent, or ended. */
export type RestoreData = Omit<RestoreRecord, 'phase'> & {
  phase: RestoreRecord['phase'] | 'would';
  show?: Record<string, string>;
};

/** The config files put back by start: each file's action and its changes. */
export interface ConfigReapplyData {
  mode: 'merge' | 'replace';
  savedIn: string;
  savedFor: string;
  files: {
    name: string;
    action: 'merge' | 'replace' | 'unchanged' | 'missing';
    changes: ConfigChange[];
    diff: string[];
    otherDifferences: boolean;
  }[];
}

/** What preflight shows of the rollback's restore: the backup, the database, and the upgrade it undoes. */
export interface RestorePlanData {
  show: Record<string, string>;
  source: RestoreSource;
  target: SqlTarget & { source: string };
  foundIn: string;
  upgrade: { runKey: string; versionBefore: string | null; targetVersion: string; attemptAt: string } | null;
}

/** Everything a stage may leave in record.data, by key. */
export interface StageData {
  // gates
  gates?: GatesData;
  // preflight
  installedVersion?: InstalledVersion | null;
  configFiles?: { folder: string; exists: boolean; files: FileEntry[] };
  database?: DatabaseTarget;
  databaseConnections?: DatabaseConnections;
  logOnAs?: Record<string, string>;
  logOnAsRecord?: AccountRecord | null;
  passwordsChecked?: string[];
  services?: Record<ServiceKind, string | null>;
  roles?: RoleView;
  freeSpace?: FreeSpace[];
  contract?: Verdict[];
  contractObserved?: ContractObservation;
  installerKind?: InstallerKindData;
  clientInstallerKind?: InstallerKindData;
  installerStaging?: StagingData;
  queuePermissions?: QueuePermissions;
  mqNote?: { applies: boolean | null; from: string | null; to: string | null };
  agentHosts?: AgentHostsData;
  orderPlan?: string;
  restorePlan?: RestorePlanData;
  restoreHeader?: BackupHeader;
  // maintenance-on, maintenance-off
  maintenance?: MaintenanceData;
  // backup
  backup?: BackupRecord;
  backupRecordPath?: string;
  backupCheck?: { runKey: string; path: string; found: BackupRecord | null };
  configSave?: ConfigSave | null;
  // upgrade, reinstall
  upgrade?: UpgradeData;
  primaryUpgradedVersion?: string | null;
  downgrade?: DowngradePlan;
  uninstall?: Omit<UninstallRecord, 'phase'> & { phase: UninstallRecord['phase'] | 'would' };
  installAfterUninstall?: InstallOutcome | null;
  // start
  configReapply?: ConfigReapplyData;
  // verify
  checks?: VerifyCheck[];
  // agents
  agents?: AgentsData;
  // restore
  restore?: RestoreData;
  restoreCheck?: SqlOutcome;
  jamsStopped?: { thisNode: boolean; peer: { name: string; role: NodeRole; label: string } | null };
  // soak
  soak?: SoakData;
  // status
  status?: StatusData;
  // fleet-plan, fleet-report
  fleetPlan?: FleetPlanData;
  fleetReport?: { path: string; result: string; stoppedAt: string | null };
  // report
  report?: { path: string; result: 'succeeded' | 'failed' | 'incomplete' };
}

/** agent-hosts: the hosts, comma-separated, each cut to the characters a host name has ("none" when there are none). */
export function agentHostsOutput(data: AgentHostsData): string {
  if (data.hosts.length === 0) return 'none';
  return [...new Set(data.hosts.map((h) => h.host.replace(/[^A-Za-z0-9._-]/g, '?')))].join(', ');
}

/** How many agents and clients ended each way (the agents-* outputs and the headline). */
export function countRows(rows: readonly AgentRow[]): Record<RowResult, number> {
  const counts = { upgraded: 0, skipped: 0, failed: 0, manual: 0, would: 0 };
  for (const row of rows) counts[row.result]++;
  return counts;
}

const agentCount = (kind: RowResult) => (d: StageData) =>
  d.agents ? String(d.agents.counts[kind]) : undefined;

/** ring-1 ... ring-<MAX_RINGS>: the environment of each ring slot of the fleet workflow (empty past the last). */
function ringOutputs(): Record<`ring-${number}`, (d: StageData) => string | undefined> {
  return Object.fromEntries(
    Array.from({ length: MAX_RINGS }, (_, i) => [
      `ring-${i + 1}`,
      (d: StageData) => (d.fleetPlan ? (d.fleetPlan.rings[i] ?? '') : undefined),
    ]),
  );
}

/**
 * The action's outputs that come from a stage's data, each read from the one key it shows; a stage sets those its data
 * holds. Every stage also sets status, record-path and services (COMMON_OUTPUTS). A test ties both lists to action.yml's
 * outputs and to the workflows' job outputs.
 */
export const DATA_OUTPUTS = {
  'installed-version': (d) => d.installedVersion?.version,
  'node-role': (d) => d.roles?.self,
  'backup-file': (d) => (d.backup?.database?.verified ? d.backup.database.file : undefined),
  'maintenance-quantity': (d) =>
    d.maintenance?.recorded ? String(d.maintenance.recorded.quantity) : undefined,
  'reboot-required': (d) => (d.upgrade ? String(d.upgrade.rebootRequired) : undefined),
  'version-before': (d) => d.upgrade?.versionBefore ?? undefined,
  'version-after': (d) => d.upgrade?.versionAfter ?? undefined,
  'agent-hosts': (d) => (d.agentHosts ? agentHostsOutput(d.agentHosts) : undefined),
  'order-plan': (d) => d.orderPlan,
  'restore-plan': (d) => (d.restorePlan ? JSON.stringify(d.restorePlan.show) : undefined),
  'agents-upgraded': agentCount('upgraded'),
  'agents-skipped': agentCount('skipped'),
  'agents-failed': agentCount('failed'),
  'agents-manual': agentCount('manual'),
  'gate-protection': (d) => (d.gates && d.gates.verdict !== 'refused' ? d.gates.verdict : undefined),
  'report-path': (d) => d.report?.path,
  result: (d) => d.report?.result ?? d.fleetReport?.result,
  environments: (d) => (d.fleetPlan ? JSON.stringify(d.fleetPlan.rings) : undefined),
  ...ringOutputs(),
} satisfies Record<string, (data: StageData) => string | undefined>;

export type DataOutput = keyof typeof DATA_OUTPUTS;

/** The outputs every stage sets from its record rather than its data. */
export const COMMON_OUTPUTS = ['status', 'record-path', 'services'] as const;

/** The outputs this data sets, by name; a value the data does not hold is left out (the output stays unset). */
export function dataOutputs(data: StageData): [DataOutput, string][] {
  return (Object.keys(DATA_OUTPUTS) as DataOutput[]).flatMap((name) => {
    const value = DATA_OUTPUTS[name](data);
    return value === undefined || value === '' ? [] : [[name, value] as [DataOutput, string]];
  });
}
