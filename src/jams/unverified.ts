/**
 * UNVERIFIED JAMS AND WINDOWS FACTS, kept in one place on the Node side.
 *
 * No session that wrote jams-upgrade could see a real JAMS install. Each value below carries the thing to
 * check on one; docs/unverified.md is the checklist, and src/host/ps/platform/*.ps1 holds the
 * matching PowerShell-side calls. Names here can be overridden by action inputs.
 */
import { ACTION_DEFAULTS } from '../action-defaults.js';
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

/**
 * CHECK: the install folder of the Scheduler component (the procedure names it; the drive may differ). The value is
 * the install-folder input's default in action.yml, like the two below.
 */
export const DEFAULT_INSTALL_FOLDER = ACTION_DEFAULTS['install-folder'];

/** Where jams-upgrade keeps durable host-side records (Log On As accounts). Not JAMS's; ours. */
export const DEFAULT_STATE_FOLDER = ACTION_DEFAULTS['state-folder'];

/**
 * The files in the Scheduler folder that carry customisations worth saving.
 * CHECK: which *.config files an upgrade overwrites (the procedure names JAMSHost.exe.config and
 * JAMSScheduler.exe.config; common.config is said to be kept).
 */
export const DEFAULT_CONFIG_PATTERNS = ['*.config'];

/**
 * Get-JAMSFailoverStatus's Status, trimmed and lower-cased, to a role. Public scripts (2016 on) compare it with Active;
 * a Set-JAMSFailoverStatus sample says the standby "should read: passive". The JAMS Client's own words are accepted
 * too, in case a version reports them.
 * CHECK: `Get-JAMSFailoverStatus -Server localhost | Format-List *` on both nodes (preflight's contract records it).
 */
export const FAILOVER_STATUS_LABELS: Readonly<Record<string, 'Active' | 'Standby'>> = {
  active: 'Active',
  passive: 'Standby',
  running: 'Active',
  'backup mode': 'Standby',
};

/** Accounts that mean "no Log On As to restore": the upgrade's own default. */
export const BUILTIN_ACCOUNTS = ['localsystem', 'nt authority\\system', '.\\localsystem'];

/**
 * The maintenance-window Resource the root folder requires. The vendor KB names it Maintenance_Window; the
 * vendor's own script (JAMSScheduler/PowerShell ManageMaintenanceWindow.ps1) uses MaintenanceWindow, so it is
 * the `maintenance-resource` input.
 * CHECK: `Get-ChildItem JAMS::localhost\Resources` on the primary lists the name in use.
 */
export const DEFAULT_MAINTENANCE_RESOURCE = ACTION_DEFAULTS['maintenance-resource'];

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

/**
 * The installer's command line, one argument per item; `{log}` becomes the verbose log in the run folder.
 * No feature list is given, so an upgrade keeps every installed component (a cleared checkbox removes one).
 * CHECK: whether the JAMS setup is a Burn bundle (.exe) or an MSI, and that it accepts /quiet, /norestart and
 * /log <file> as standard Burn and msiexec packages do; run it once on a test host with these arguments.
 */
export const DEFAULT_INSTALLER_ARGUMENTS: readonly string[] = ['/quiet', '/norestart', '/log', '{log}'];

/**
 * Windows Installer exit codes. CHECK: that the JAMS setup returns the standard codes (Burn bundles pass
 * their packages' codes through). Every code not listed is a failure.
 */
export const INSTALLER_EXIT_CODES: Readonly<
  Record<number, { outcome: 'success' | 'reboot'; meaning: string }>
> = {
  0: { outcome: 'success', meaning: 'success' },
  3010: {
    outcome: 'reboot',
    meaning: 'success, a reboot is required to finish (ERROR_SUCCESS_REBOOT_REQUIRED)',
  },
  1641: {
    outcome: 'reboot',
    meaning: 'success, the installer started a reboot (ERROR_SUCCESS_REBOOT_INITIATED)',
  },
};

export const INSTALLER_FAILURES: Readonly<Record<number, string>> = {
  1602: 'the installation was cancelled (ERROR_INSTALL_USEREXIT)',
  1603: 'a fatal error during installation (ERROR_INSTALL_FAILURE)',
  1605: 'the product is not installed, so it cannot be removed (ERROR_UNKNOWN_PRODUCT)',
  1618: 'another installation is already in progress (ERROR_INSTALL_ALREADY_RUNNING)',
  1619: 'the installation package could not be opened (ERROR_INSTALL_PACKAGE_OPEN_FAILED)',
  1625: 'the installation is forbidden by system policy (ERROR_INSTALL_PACKAGE_REJECTED)',
  1633: 'the package is not supported on this platform (ERROR_INSTALL_PLATFORM_UNSUPPORTED)',
  1638: 'another version of this product is already installed (ERROR_PRODUCT_VERSION)',
  1639: 'invalid command line arguments (ERROR_INVALID_COMMAND_LINE)',
};

/**
 * Lines of a verbose installer log that report the error, tried in order. "Return value 3" is the action
 * that failed in an MSI log; Burn logs write "Error 0x..." lines.
 * CHECK: the JAMS setup's log format, by reading the log of a failed test install.
 */
export const INSTALLER_LOG_ERROR_PATTERNS: readonly RegExp[] = [
  /Return value 3\b/,
  /\bError \d{4}\b/,
  /\berror 0x[0-9a-f]+/i,
  /Installation (operation )?failed/i,
  /\bcertificate\b.*\btrust/i,
];

/**
 * The agent package the scheduler ships for Windows agents, in `<install-folder>\Agents`, and the service it installs.
 * CHECK: `Get-ChildItem 'C:\Program Files\MVPSI\JAMS\Scheduler\Agents'` on the upgraded scheduler lists the MSI, and
 * `Get-Service JAMSAgent` on an agent host shows the service (the vendor documents both names; port 77).
 */
export const AGENT_MSI_NAME = 'SetupAgentx64.msi';
export const AGENT_SERVICE_NAME = 'JAMSAgent';

/**
 * msiexec's own switches (documented by Microsoft): install, no UI, never reboot, verbose log. `{package}` and `{log}`
 * become the paths on the agent host. CHECK: the vendor's silent install is `msiexec /i SetupAgentx64.msi /qn`; that the
 * package needs no property (such as the scheduler's name) when it upgrades an installed agent.
 */
export const AGENT_MSI_ARGUMENTS: readonly string[] = [
  '/i',
  '{package}',
  '/qn',
  '/norestart',
  '/l*v',
  '{log}',
];

/**
 * An agent's deploy entry that waits for resources this long is taken as held by the maintenance window: the root
 * folder's requirement is inherited by every job, and nothing says the deploy jobs are exempt.
 * CHECK: on a test pair, close the window (maintenance-on) and deploy one agent from the JAMS Client; if its entry
 * shows ResourceWait (Waiting for Resources), use agent-method msi.
 */
export const DEPLOY_HELD_GRACE_MS = 60_000;

/**
 * The Uninstall entry of a JAMS agent on a host starts with this; any other entry named JAMS* is the main JAMS product,
 * whose version is the desktop client's. CHECK: Programs and Features on a workstation with the JAMS Client and on an
 * agent host.
 */
export const AGENT_PRODUCT_PREFIX = 'JAMS Agent';
