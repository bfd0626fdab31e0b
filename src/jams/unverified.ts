/**
 * UNVERIFIED JAMS AND WINDOWS FACTS, kept in one place on the Node side.
 *
 * No session that wrote jams-upgrade could see a real JAMS install. Each value below carries the thing to
 * check on one; docs/unverified.md is the checklist, and src/host/ps/Platform.Windows.ps1 holds the
 * matching PowerShell-side calls. Names here can be overridden by action inputs.
 */
import type { ServiceKind } from './services.js';

/**
 * Candidate short names per service, first match wins.
 * CHECK: `Get-Service 'JAMS *' | Select Name, DisplayName` on a scheduler host.
 */
export const SERVICE_NAME_CANDIDATES: Readonly<Record<ServiceKind, readonly string[]>> = {
  executor: ['JAMSExecutor'],
  server: ['JAMSServer', 'JAMSHost'],
  scheduler: ['JAMSScheduler'],
};

/** CHECK: the install folder of the Scheduler component (the procedure names it; the drive may differ). */
export const DEFAULT_INSTALL_FOLDER = 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler';

/** Where jams-upgrade keeps durable host-side records (Log On As accounts). Not JAMS's; ours. */
export const DEFAULT_STATE_FOLDER = 'C:\\ProgramData\\jams-upgrade';

/**
 * The files in the Scheduler folder that carry customisations worth saving.
 * CHECK: which *.config files an upgrade overwrites (the procedure names JAMSHost.exe.config and
 * JAMSScheduler.exe.config; common.config is said to be kept).
 */
export const DEFAULT_CONFIG_PATTERNS = ['*.config'];

/**
 * The JAMS Client's failover labels as Get-JAMSFailoverStatus is expected to report them.
 * CHECK: `Get-JAMSFailoverStatus | Format-List *` on both nodes: the property names and these labels.
 */
export const FAILOVER_STATUS_LABELS: Readonly<Record<string, 'Active' | 'Standby' | 'Stopped'>> = {
  running: 'Active',
  active: 'Active',
  'backup mode': 'Standby',
  backup: 'Standby',
  standby: 'Standby',
  stopped: 'Stopped',
};

/** Accounts that mean "no Log On As to restore": the upgrade's own default. */
export const BUILTIN_ACCOUNTS = ['localsystem', 'nt authority\\system', '.\\localsystem'];

/**
 * The maintenance-window Resource the root folder requires. The vendor KB names it Maintenance_Window; the
 * vendor's own script (JAMSScheduler/PowerShell ManageMaintenanceWindow.ps1) uses MaintenanceWindow, so it is
 * the `maintenance-resource` input.
 * CHECK: `Get-ChildItem JAMS::localhost\Resources` on the primary lists the name in use.
 */
export const DEFAULT_MAINTENANCE_RESOURCE = 'Maintenance_Window';

/** The KB's Quantity Available for a new maintenance resource, used only by create-maintenance-resource. */
export const NEW_MAINTENANCE_QUANTITY = 999999;

/**
 * The connection strings in common.config that name the JAMS database, tried in order when common.config
 * holds more than one.
 * CHECK: open common.config in the Scheduler folder: it is XML with <connectionStrings><add name=...
 * connectionString=...>, and the name JAMS uses for its database.
 */
export const DATABASE_CONNECTION_NAMES = ['JAMSDatabase', 'JAMS', 'DefaultConnection'];

/**
 * The MSMQ private queues the 7.3.338 note is about: each failover peer needs Send Message on the other's
 * `jamsrequests`.
 * CHECK: `Get-MsmqQueue -QueueType Private | Select QueueName` on a scheduler lists these names.
 */
export const JAMS_QUEUES = ['jamsrequests', 'jamsrequestssubmitcancel'];
