// The settings a stage runs with: built once from the action's inputs by src/inputs.ts, read by everything below it.
import type { ShellKind } from './host/shell-path.js';
import type { AgentMethod } from './jams/agent-rules.js';
import type { GateProtection } from './gate-protection.js';
import type { HostRole } from './jams/roles.js';
import type { PipelineName } from './pipeline.js';
import type { ServiceKind } from './jams/services.js';
import type { StageName } from './stages/names.js';
import type { ResumeGate, UpgradeOrder } from './jams/upgrade-order.js';

/** Everything a stage may know about how it was asked to run. Built once, from the inputs, in getSettings(). */
export interface Settings {
  stage: StageName;
  role: HostRole;
  dryRun: boolean;
  runFolder: string;
  shell: ShellKind;
  installFolder: string;
  stateFolder: string;
  serviceCandidates: Record<ServiceKind, readonly string[]>;
  configPatterns: string[];
  serviceTimeoutMs: number;
  roleTimeoutMs: number;
  callTimeoutMs: number;
  /** The longest pause between two looks while a stage waits (a service to stop, a role, the installer). */
  pollIntervalMs: number;
  targetVersion: string | null;
  maintenance: {
    resource: string;
    jamsServer: string;
    drainTimeoutMs: number;
    onDrainTimeout: 'fail' | 'continue';
    create: boolean;
  };
  /** Empty server or database: read from common.config. The password is a secret: it only feeds secretEnv. */
  database: {
    server: string | null;
    name: string | null;
    auth: 'windows' | 'sql';
    user: string | null;
    password: string | null;
    timeoutSeconds: number;
  };
  backupPath: string | null;
  snapshot: { script: string | null; timeoutSeconds: number };
  minFreeGb: number;
  requireBackup: boolean;
  upgrade: UpgradeSettings;
  /** preflight's copy of the installer onto the host (installer-path and installer-sha256); 0 s: none. */
  staging: { timeoutSeconds: number };
  /** How start reapplies the config customisations saved before the upgrade. */
  configMode: ConfigMode;
  /** Log On As passwords from the secret inputs, masked at once; they reach PowerShell only by environment. */
  passwords: Partial<Record<'scheduler' | 'server', string>>;
  /** The agents stage: the agents and desktop clients it upgrades, and how. */
  agents: AgentSettings;
  /**
   * The report stage: where the stage records are, and the token (github-token) that reads the run's approvals; the
   * gates stage reads the gate environment's protection rules with the same token.
   */
  report: { recordsFolder: string; token: string | null };
  /**
   * The gates stage: the environment whose required reviewers approve the gates (gate-environment), and
   * allow-unprotected-gates, a trust root from the hosts environment that lets a lab run with unprotected gates.
   */
  gates: { environment: string | null; allowUnprotected: boolean };
  /** The soak stage: how long the pair must have run since the window reopened, and the failure rise it tolerates. */
  soak: { minutes: number; maxFailureIncrease: number };
  /** The fleet stages: the environments in promotion order (rings). */
  fleet: { rings: string[] };
  /** The gates job's verdict as the later jobs pass it in (gate-protection); null: not known. */
  gateProtection: GateProtection | null;
  /** Set only by the JAMS_UPGRADE_LAB environment variable, never by an input. */
  labFolder: string | null;
  /** The workflow the stage runs in: preflight, maintenance-on, stop and the report do what a rollback needs. */
  pipeline: PipelineName;
  /** The upgrade's order (vendor, or resume-after-primary: the secondary's install after the downtime). */
  order: UpgradeOrder;
  /** Where approve resume comes: after-agents, or after-primary (resume-after-primary only). */
  resumeGate: ResumeGate;
  /** The rollback's restore: a backup named by restore-backup-file instead of the one the host's records give. */
  restore: { backupFile: string | null };
  /** A trust root from the protected environment: the installers and the backup to restore are read only under it. */
  fileShareRoot: string | null;
}

export type ConfigMode = 'merge' | 'replace' | 'none';

export interface UpgradeSettings {
  installerPath: string | null;
  /** Upper-case hex. */
  installerSha256: string | null;
  /** The installer's arguments, one per item, with the {log} placeholder. */
  installerArguments: string[];
  installTimeoutMs: number;
  allowReinstall: boolean;
  allowDowngrade: boolean;
  /** The primary job's version-after output; the secondary refuses to upgrade without it. */
  primaryUpgradedVersion: string | null;
  /** reinstall: remove the newer installed version with its own uninstaller before the older installer runs. */
  uninstallFirst: boolean;
}

export interface AgentSettings {
  /** Agent names, * and ? patterns, or all; empty: no agent. */
  patterns: string[];
  method: AgentMethod;
  /** How many agents (or clients) are upgraded at once. */
  parallel: number;
  /** How long one agent or client may take, from its start to its new version seen. */
  timeoutMs: number;
  /** warn: upgrade the rest and succeed with a warning per failure; fail: upgrade the rest, then fail the stage. */
  onFailure: 'warn' | 'fail';
  /** Workstations whose desktop client is upgraded with the JAMS installer over remoting. */
  clients: string[];
  /**
   * The agent MSI's signer: a certificate thumbprint (upper-case hex) or subject; null: the signer of the scheduler
   * installer the upgrade ran (the host's upgrade record). A trust root from the protected environment.
   */
  msiSigner: string | null;
  /** Host names or * ? patterns the stage may reach; null: any host JAMS or clients names. A trust root. */
  hostsAllowed: string[] | null;
  clientInstaller: {
    path: string | null;
    /** Upper-case hex. */
    sha256: string | null;
    /** One per item, with the {log} placeholder. */
    arguments: string[];
  };
}
