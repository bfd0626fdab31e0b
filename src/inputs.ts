import * as core from '@actions/core';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { AgentSettings, Settings, UpgradeSettings } from './settings.js';
import type { ShellKind } from './host/shell-path.js';
import { LAB_VARIABLE } from './host/session-hooks.js';
import {
  hasControlCharacter,
  environmentName,
  hostName,
  jamsAgentPattern,
  jamsName,
  MAX_RUNNER_PATH,
  runnerPath,
  serviceName,
  sqlLogin,
  sqlName,
  sqlServer,
  windowsFileWith,
  windowsFolder,
  windowsPathUnder,
} from './input-schemas.js';
import { installerArgumentProblem, isInstallerPath } from './jams/installer.js';
import type { ServiceKind } from './jams/services.js';
import {
  DEFAULT_CONFIG_PATTERNS,
  DEFAULT_INSTALLER_ARGUMENTS,
  SERVICE_NAME_CANDIDATES,
} from './jams/unverified.js';
import { ACTION_DEFAULTS } from './action-defaults.js';
import { GATE_PROTECTIONS } from './gate-protection.js';
import { STAGE_NAMES } from './stages/names.js';
import { MAX_RINGS } from './fleet.js';
import { RESUME_GATES, UPGRADE_ORDERS } from './jams/upgrade-order.js';

/** A bad input: names the input, the value and the fix. All of them are reported together. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'InputError';
  }
}

/** The longest pause between two looks at a real host; the lab sets its own (its timing profile). */
export const POLL_INTERVAL_MS = 2000;

/** GitHub's longest environment wait timer: 30 days. */
export const MAX_WAIT_TIMER_MINUTES = 43200;

const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
const PATTERN = /^[A-Za-z0-9_.*?-]{1,100}$/;
const SERVICE_FIX =
  'give the exact short service name, such as JAMSScheduler (letters, digits, _ . and -, up to 80)';
const RUNNER_FOLDER_FIX = `give a folder on the runner, absolute or relative to the workspace, of at most ${MAX_RUNNER_PATH} characters`;

/** A JAMS installer (the scheduler's, and the one the desktop clients are upgraded with): path, hash, arguments. */
const INSTALLER_PATH = {
  schema: windowsFileWith('.exe', '.msi').refine(isInstallerPath),
  fix:
    'give the absolute path of the JAMS installer, local (D:\\Installers\\JAMS.exe) or UNC ' +
    '(\\\\fileserver\\jams\\JAMS.exe), with no double quote, single quote, $, backtick, [ ] or wildcard',
};
const INSTALLER_SHA256 = {
  schema: z
    .string()
    .regex(/^[0-9A-Fa-f]{64}$/)
    .transform((h) => h.toUpperCase()),
  fix: 'give the 64 hex digits of the SHA-256 (Get-FileHash -Algorithm SHA256)',
};
const INSTALLER_ARGUMENTS = {
  schema: z.array(z.string()).superRefine((args, ctx) => {
    const problem = installerArgumentProblem(args);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { fix: true } });
  }),
  fix: 'give the installer arguments separated by spaces or lines',
};

/** Each input: its schema and the fix to print when a value does not fit. */
const INPUTS = {
  stage: { schema: z.enum(STAGE_NAMES), fix: `use one of: ${STAGE_NAMES.join(', ')}` },
  role: {
    schema: z.enum(['primary', 'secondary']),
    fix: 'use primary or secondary (the host this job runs on)',
  },
  'dry-run': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  shell: {
    schema: z.enum(['auto', 'powershell', 'pwsh']),
    fix: 'use auto, powershell (Windows PowerShell 5.1) or pwsh',
  },
  'scheduler-service': { schema: serviceName, fix: SERVICE_FIX },
  'server-service': { schema: serviceName, fix: SERVICE_FIX },
  'executor-service': { schema: serviceName, fix: SERVICE_FIX },
  'config-files': {
    schema: z.array(z.string().regex(PATTERN)).min(1),
    fix: 'give file names or patterns such as JAMSHost.exe.config or *.config, one per line',
  },
  'service-timeout-seconds': { schema: z.coerce.number().int().min(5).max(3600), fix: 'use 5 to 3600' },
  'role-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'call-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'target-version': { schema: z.string().regex(VERSION), fix: 'use a dotted version such as 7.4.0' },
  'install-folder': {
    schema: windowsFolder,
    fix: 'give an absolute Windows path such as C:\\Program Files\\MVPSI\\JAMS\\Scheduler',
  },
  'state-folder': {
    schema: windowsFolder,
    fix: 'give an absolute Windows path such as C:\\ProgramData\\jams-upgrade',
  },
  'run-folder': { schema: runnerPath, fix: RUNNER_FOLDER_FIX },
  'maintenance-resource': {
    schema: jamsName,
    fix:
      'give the name of the JAMS resource the root folder requires, such as Maintenance_Window ' +
      '(letters, digits, _ . and -, up to 64)',
  },
  'jams-server': {
    schema: hostName,
    fix: 'give a host name such as localhost or jams01.corp.example (letters, digits, - and _ between dots)',
  },
  'drain-timeout-seconds': { schema: z.coerce.number().int().min(0).max(86400), fix: 'use 0 to 86400' },
  'on-drain-timeout': { schema: z.enum(['fail', 'continue']), fix: 'use fail or continue' },
  'create-maintenance-resource': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'sql-server': {
    schema: sqlServer,
    fix: 'give a SQL Server name such as SQL01, SQL01\\INSTANCE or tcp:SQL01,1433',
  },
  'sql-database': {
    schema: sqlName,
    fix: 'give the database name (up to 128 characters, no line breaks)',
  },
  'sql-auth': {
    schema: z.enum(['windows', 'sql']),
    fix: "use windows (the runner's account) or sql (sql-user and sql-password)",
  },
  'sql-user': {
    schema: sqlLogin,
    fix: 'give the SQL login name (up to 128 characters, no backslash or line break)',
  },
  'backup-path': {
    schema: windowsFolder,
    fix: 'give an absolute folder such as D:\\Backups\\JAMS or a UNC share such as \\\\FILES\\backup\\jams',
  },
  'backup-timeout-seconds': { schema: z.coerce.number().int().min(60).max(86400), fix: 'use 60 to 86400' },
  'snapshot-script': {
    schema: windowsFileWith('.ps1'),
    fix: 'give the absolute path of a .ps1 script on the host, such as C:\\Hooks\\snapshot.ps1',
  },
  'snapshot-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'min-free-gb': {
    schema: z.coerce.number().min(0).max(100000),
    fix: 'use a number of GB, 0 to skip the check',
  },
  'require-backup': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'installer-path': INSTALLER_PATH,
  'installer-sha256': INSTALLER_SHA256,
  'staging-timeout-seconds': {
    schema: z.coerce
      .number()
      .int()
      .refine((n) => n === 0 || (n >= 30 && n <= 86400)),
    fix: 'use 30 to 86400 seconds, or 0 to stage nothing (upgrade then reads installer-path)',
  },
  'installer-arguments': INSTALLER_ARGUMENTS,
  'install-timeout-seconds': { schema: z.coerce.number().int().min(5).max(14400), fix: 'use 5 to 14400' },
  'allow-reinstall': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'allow-downgrade': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'config-mode': {
    schema: z.enum(['merge', 'replace', 'none']),
    fix: 'use merge (reapply appSettings and connectionStrings by key), replace (copy the saved files back) or none',
  },
  'primary-upgraded-version': {
    schema: z.string().regex(VERSION),
    fix: "pass the primary upgrade job's version-after output, a dotted version such as 7.4.0",
  },
  'records-folder': { schema: runnerPath, fix: RUNNER_FOLDER_FIX },
  pipeline: {
    schema: z.enum(['upgrade', 'rollback']),
    fix: 'use upgrade or rollback (the workflow this stage runs in)',
  },
  order: {
    schema: z.enum(UPGRADE_ORDERS),
    fix:
      "use vendor (the vendor's order, the default) or resume-after-primary (the primary back before the " +
      "secondary's install; a deviation to rehearse on a test pair first, docs/upgrade.md)",
  },
  'resume-gate': {
    schema: z.enum(RESUME_GATES),
    fix: 'use after-agents (approve resume after the whole upgrade) or after-primary (with order: resume-after-primary)',
  },
  'restore-backup-file': {
    schema: windowsFileWith('.bak'),
    fix:
      'give the absolute path of a .bak file the backup stage took and recorded, under backup-path, as the host sees ' +
      'it, such as \\\\FILES\\backup\\jams\\JAMS_run-123.bak',
  },
  'uninstall-first': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  agents: {
    schema: z.array(jamsAgentPattern).min(1),
    fix:
      'give agent names as the JAMS Client shows them (letters, digits, _ . and -), patterns with * and ?, or all; ' +
      'one per line or comma-separated',
  },
  'agent-method': {
    schema: z.enum(['deploy', 'msi']),
    fix: "use deploy (the agent's deploy job, as the JAMS Client's Deploy) or msi (Windows agents, over WinRM)",
  },
  'agents-parallel': { schema: z.coerce.number().int().min(1).max(64), fix: 'use 1 to 64' },
  'agent-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'on-agent-failure': {
    schema: z.enum(['warn', 'fail']),
    fix: 'use warn (upgrade the rest and succeed with a warning each) or fail (upgrade the rest, then fail)',
  },
  clients: {
    schema: z.array(hostName).min(1),
    fix: 'give the host names of the workstations, such as ws01.corp.example, one per line or comma-separated',
  },
  'client-installer-path': INSTALLER_PATH,
  'client-installer-sha256': INSTALLER_SHA256,
  'client-installer-arguments': INSTALLER_ARGUMENTS,
  'agent-msi-signer': {
    schema: z
      .string()
      .max(1024)
      .refine((v) => !hasControlCharacter(v))
      .transform((v) => (/^[0-9A-Fa-f]{40}$/.test(v) ? v.toUpperCase() : v)),
    fix:
      "give the agent MSI signer's certificate thumbprint (40 hex digits) or its subject as Get-AuthenticodeSignature " +
      'shows it (SignerCertificate.Subject), on one line',
  },
  'agent-hosts-allowed': {
    schema: z.array(z.string().regex(/^[A-Za-z0-9_.*?-]{1,253}$/)).min(1),
    fix:
      'give the host names the agents stage may reach, or patterns with * and ? (app*.corp.example), one per line or ' +
      'comma-separated',
  },
  'file-share-root': {
    schema: windowsFolder,
    fix: 'give the folder or share the installers and backups are read from, such as \\\\FILES\\jams',
  },
  'gate-environment': {
    schema: z
      .string()
      .max(255)
      .refine((v) => !hasControlCharacter(v)),
    fix:
      'give the name of the GitHub environment whose required reviewers approve the gates (up to 255 characters, ' +
      'on one line), such as production',
  },
  'allow-unprotected-gates': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'soak-minutes': {
    schema: z.coerce.number().min(0).max(MAX_WAIT_TIMER_MINUTES),
    fix: `use minutes from 0 to ${MAX_WAIT_TIMER_MINUTES} (30 days, the longest wait timer GitHub allows), such as 1440`,
  },
  'soak-max-failure-increase': {
    schema: z.coerce.number().min(0).max(100),
    fix: 'use percentage points from 0 to 100: how much the failed-entry rate may rise beyond the noise (0: not at all)',
  },
  rings: {
    schema: z
      .array(environmentName)
      .min(1)
      .max(MAX_RINGS)
      .refine((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, {
        message: 'an environment is named twice',
        params: { reason: true },
      }),
    fix:
      `give 1 to ${MAX_RINGS} GitHub environment names in promotion order, comma-separated or one per line, such as ` +
      'jams-dev, jams-test, jams-prod (letters, digits, _ . and -, up to 100 each)',
  },
  'gate-protection': {
    schema: z.enum(GATE_PROTECTIONS),
    fix: `pass the gates job's gate-protection output (${GATE_PROTECTIONS.join(', ')}), or leave it empty`,
  },
} as const;

/**
 * Secret inputs: masked as soon as they are read, never validated against a pattern (so never echoed in a
 * problem) and never placed in Settings' printable parts.
 */
const SECRET_INPUTS = { scheduler: 'scheduler-password', server: 'server-password' } as const;

type InputName = keyof typeof INPUTS;

/** The inputs action.yml gives a non-empty default: read, they always have a value. */
type DefaultedInput = {
  [N in InputName]: N extends keyof typeof ACTION_DEFAULTS
    ? (typeof ACTION_DEFAULTS)[N] extends ''
      ? never
      : N
    : never;
}[InputName];

/** An input's default from action.yml (src/action-defaults.ts); empty means none. */
function defaultOf(name: InputName): string | undefined {
  return (ACTION_DEFAULTS as Readonly<Record<string, string>>)[name] || undefined;
}

/** A value as a refusal quotes it: control characters made visible (JSON), a very long value shortened. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const shown = value.length > 500 ? `${value.slice(0, 200)}...` : value;
  const quoted = hasControlCharacter(shown) ? JSON.stringify(shown) : `'${shown}'`;
  return value.length > 500 ? `${quoted} (${value.length} characters)` : quoted;
}

/**
 * The only place that reads action inputs. Collects every problem before failing, so a user fixes them
 * in one go; nothing runs until all inputs are valid.
 */
export function getSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  /** `list`: lines and commas; `words`: lines and white space (installer arguments). */
  const read = <N extends InputName>(
    name: N,
    mode: 'value' | 'list' | 'words' = 'value',
  ): z.infer<(typeof INPUTS)[N]['schema']> | undefined => {
    const lines = mode === 'value' ? [] : core.getMultilineInput(name);
    const value =
      mode === 'value'
        ? core.getInput(name).trim() || defaultOf(name)
        : lines
            .flatMap((l) => l.split(mode === 'list' ? ',' : /\s+/))
            .map((s) => s.trim())
            .filter(Boolean);
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
    const parsed = INPUTS[name].schema.safeParse(value);
    if (parsed.success) return parsed.data as z.infer<(typeof INPUTS)[N]['schema']>;
    // A schema may name the exact fix (params.fix), or say what is wrong (params.reason) before the input's fix.
    const custom = (key: string) =>
      parsed.error.issues.find((i) => i.code === 'custom' && i.params?.[key])?.message;
    const reason = custom('reason');
    const fix = custom('fix') ?? (reason ? `${reason}; ${INPUTS[name].fix}` : INPUTS[name].fix);
    if (!Array.isArray(value)) {
      problems.push(`input '${name}' has the value ${describe(value)}: ${fix}.`);
      return undefined;
    }
    // A list is quoted as given, then the items refused, so one bad name among many is found at once.
    const items = parsed.error.issues.map((i) => i.path[0]).filter((p): p is number => typeof p === 'number');
    const bad = [...new Set(items)].map((i) => describe(value[i]));
    const which =
      bad.length && value.length > 1 ? `${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} refused; ` : '';
    problems.push(`input '${name}' has the value ${describe(core.getInput(name).trim())}: ${which}${fix}.`);
    return undefined;
  };
  /** An input with a default; a refused value reads as it only so the rest are still read (the run fails). */
  const readOr = <N extends DefaultedInput>(name: N): z.infer<(typeof INPUTS)[N]['schema']> =>
    read(name) ?? (INPUTS[name].schema.parse(defaultOf(name)) as z.infer<(typeof INPUTS)[N]['schema']>);
  const passwords: Settings['passwords'] = {};
  for (const [kind, name] of Object.entries(SECRET_INPUTS) as [keyof typeof SECRET_INPUTS, string][]) {
    const secret = readSecret(name);
    if (secret) passwords[kind] = secret;
  }

  const stage = read('stage');
  if (stage === undefined && !problems.some((p) => p.includes("'stage'"))) {
    problems.push(`input 'stage' is empty: set it to one of ${STAGE_NAMES.join(', ')}.`);
  }
  const role = read('role');
  const dryRun = read('dry-run') === 'true';
  const shellInput = readOr('shell');
  const overrides: Record<ServiceKind, string | undefined> = {
    scheduler: read('scheduler-service'),
    server: read('server-service'),
    executor: read('executor-service'),
  };
  const configPatterns = read('config-files', 'list') ?? [...DEFAULT_CONFIG_PATTERNS];
  const serviceTimeout = readOr('service-timeout-seconds');
  const roleTimeout = readOr('role-timeout-seconds');
  const callTimeout = readOr('call-timeout-seconds');
  const targetVersion = read('target-version') ?? null;
  const installFolder = readOr('install-folder');
  const stateFolder = readOr('state-folder');
  const runFolderInput = read('run-folder');
  const maintenance = {
    resource: readOr('maintenance-resource'),
    jamsServer: readOr('jams-server'),
    drainTimeoutMs: readOr('drain-timeout-seconds') * 1000,
    onDrainTimeout: readOr('on-drain-timeout'),
    create: read('create-maintenance-resource') === 'true',
  };
  const database = {
    server: read('sql-server') ?? null,
    name: read('sql-database') ?? null,
    auth: readOr('sql-auth'),
    user: read('sql-user') ?? null,
    password: readSecret('sql-password'),
    timeoutSeconds: readOr('backup-timeout-seconds'),
  };
  if (database.auth === 'sql' && (!database.user || !database.password)) {
    problems.push(
      "input 'sql-auth' is 'sql' but 'sql-user' or 'sql-password' is empty: give both (the password as a secret), " +
        'or use sql-auth: windows.',
    );
  }
  const backupPath = read('backup-path') ?? null;
  const snapshot = {
    script: read('snapshot-script') ?? null,
    timeoutSeconds: readOr('snapshot-timeout-seconds'),
  };
  const minFreeGb = readOr('min-free-gb');
  const requireBackup = read('require-backup') !== 'false';
  const upgrade: UpgradeSettings = {
    installerPath: read('installer-path') ?? null,
    installerSha256: read('installer-sha256') ?? null,
    installerArguments: read('installer-arguments', 'words') ?? [...DEFAULT_INSTALLER_ARGUMENTS],
    installTimeoutMs: readOr('install-timeout-seconds') * 1000,
    allowReinstall: read('allow-reinstall') === 'true',
    // The reinstall is the rollback's way back to an older version: the downgrade is its purpose.
    allowDowngrade: read('allow-downgrade') === 'true' || stage === 'reinstall',
    primaryUpgradedVersion: read('primary-upgraded-version') ?? null,
    uninstallFirst: read('uninstall-first') === 'true',
  };
  const stagingTimeoutSeconds = readOr('staging-timeout-seconds');
  const configMode = readOr('config-mode');
  const pipeline = readOr('pipeline');
  const restore = { backupFile: read('restore-backup-file') ?? null };
  if (restore.backupFile && !(backupPath && windowsPathUnder(restore.backupFile, backupPath))) {
    // A restore reads only where the backup stage writes: never a file on any other server or share.
    problems.push(
      `input 'restore-backup-file' has the value ${describe(restore.backupFile)}: ` +
        (backupPath
          ? `it is not under backup-path ${describe(backupPath)}, where the backup stage writes the backups`
          : 'backup-path is empty, so it cannot be checked to lie where the backup stage writes the backups') +
        '; name a .bak file the backup stage took (under backup-path, the JAMS_BACKUP_PATH variable), or set ' +
        'backup-path to the folder it was taken to.',
    );
  }
  const order = readOr('order');
  const resumeGate = readOr('resume-gate');
  if (resumeGate === 'after-primary' && order !== 'resume-after-primary') {
    problems.push(
      `input 'resume-gate' has the value 'after-primary' but 'order' is '${order}': the vendor's order upgrades the ` +
        'secondary inside the downtime, so jobs resume after the agents. Use resume-gate: after-agents, or ' +
        'order: resume-after-primary.',
    );
  }
  if (stage === 'upgrade' || stage === 'reinstall') {
    for (const name of ['installer-path', 'installer-sha256'] as const) {
      if (!core.getInput(name).trim()) {
        problems.push(`input '${name}' is empty: the ${stage} stage needs it to check the JAMS installer.`);
      }
    }
  }
  const rollbackPreflight = stage === 'preflight' && role === 'primary' && pipeline === 'rollback';
  if ((stage === 'restore' || stage === 'reinstall' || rollbackPreflight) && !targetVersion) {
    problems.push(
      `input 'target-version' is empty: the rollback's ${stage} stage needs the version to return to (the version ` +
        'before the upgrade being undone), such as 7.2.100.',
    );
  }
  const agents: AgentSettings = {
    patterns: read('agents', 'list') ?? [],
    method: readOr('agent-method'),
    parallel: readOr('agents-parallel'),
    timeoutMs: readOr('agent-timeout-seconds') * 1000,
    onFailure: readOr('on-agent-failure'),
    clients: read('clients', 'list') ?? [],
    msiSigner: read('agent-msi-signer') ?? null,
    hostsAllowed: read('agent-hosts-allowed', 'list') ?? null,
    clientInstaller: {
      path: read('client-installer-path') ?? null,
      sha256: read('client-installer-sha256') ?? null,
      arguments: read('client-installer-arguments', 'words') ?? [...DEFAULT_INSTALLER_ARGUMENTS],
    },
  };
  if (stage === 'agents' && agents.clients.length > 0) {
    for (const name of ['client-installer-path', 'client-installer-sha256'] as const) {
      if (!core.getInput(name).trim()) {
        problems.push(
          `input '${name}' is empty: the agents stage needs it to upgrade the desktop clients named in 'clients'.`,
        );
      }
    }
  }
  const fileShareRoot = read('file-share-root') ?? null;
  if (fileShareRoot) {
    // Before any gate, preflight reads and copies these: only from under the root the protected environment names.
    const outside = (
      [
        ['installer-path', upgrade.installerPath],
        ['client-installer-path', agents.clientInstaller.path],
        ['restore-backup-file', restore.backupFile],
      ] as const
    ).filter(([, path]) => path && !windowsPathUnder(path, fileShareRoot));
    for (const [name, path] of outside) {
      problems.push(
        `input '${name}' has the value ${describe(path)}: it is not under file-share-root ${fileShareRoot}, the only ` +
          'place files are read from; put the file there, or change file-share-root (the JAMS_FILE_SHARE_ROOT ' +
          'variable of the hosts environment).',
      );
    }
  }
  const recordsFolderInput = read('records-folder');
  const token = readSecret('github-token', true);
  const gates = {
    environment: read('gate-environment') ?? null,
    allowUnprotected: read('allow-unprotected-gates') === 'true',
  };
  // Outside GitHub Actions (a local rehearsal) the gates stage checks nothing, and says so; in a run it needs the name.
  const inActions = env['GITHUB_ACTIONS'] === 'true';
  if (stage === 'gates' && inActions && !gates.environment && !core.getInput('gate-environment').trim()) {
    problems.push(
      "input 'gate-environment' is empty: the gates stage needs the name of the protected environment whose " +
        "required reviewers approve the gates (the reusable workflow's environment).",
    );
  }
  const gateProtection = read('gate-protection') ?? null;
  const soak = { minutes: readOr('soak-minutes'), maxFailureIncrease: readOr('soak-max-failure-increase') };
  const rings = read('rings', 'list') ?? [];
  if (
    (stage === 'fleet-plan' || stage === 'fleet-report') &&
    rings.length === 0 &&
    !core.getInput('rings').trim()
  ) {
    problems.push(
      `input 'rings' is empty: the ${stage} stage needs the environments of the fleet in promotion order, such as ` +
        'jams-dev, jams-test, jams-prod.',
    );
  }

  if (problems.length > 0 || stage === undefined || role === undefined) throw new InputError(problems);

  const lab = env[LAB_VARIABLE]?.trim() || null;
  const runRoot = runFolderInput ?? join(env['RUNNER_TEMP'] ?? process.cwd(), 'jams-upgrade');
  const serviceCandidates = Object.fromEntries(
    (Object.keys(SERVICE_NAME_CANDIDATES) as ServiceKind[]).map((kind) => {
      const override = overrides[kind];
      return [kind, override ? [override] : SERVICE_NAME_CANDIDATES[kind]];
    }),
  ) as Record<ServiceKind, readonly string[]>;

  const runFolder = isAbsolute(runRoot) ? runRoot : resolve(runRoot);
  return {
    stage,
    role,
    dryRun,
    runFolder,
    shell: resolveShell(shellInput),
    installFolder,
    stateFolder,
    serviceCandidates,
    configPatterns,
    serviceTimeoutMs: serviceTimeout * 1000,
    roleTimeoutMs: roleTimeout * 1000,
    callTimeoutMs: callTimeout * 1000,
    pollIntervalMs: POLL_INTERVAL_MS,
    targetVersion,
    maintenance,
    database,
    backupPath,
    snapshot,
    minFreeGb,
    requireBackup,
    upgrade,
    staging: { timeoutSeconds: stagingTimeoutSeconds },
    configMode,
    agents,
    passwords,
    report: { recordsFolder: recordsFolderInput ? resolve(recordsFolderInput) : runFolder, token },
    labFolder: lab ? resolve(lab) : null,
    pipeline,
    order,
    resumeGate,
    restore,
    fileShareRoot,
    gates,
    gateProtection,
    soak,
    fleet: { rings },
  };
}

/**
 * A secret input: masked at once, never validated against a pattern (so never echoed in a problem). Kept as
 * given, spaces too, unless `trim` (a token never has them).
 */
function readSecret(name: string, trim = false): string | null {
  const value = core.getInput(name, { trimWhitespace: trim });
  if (!value) return null;
  core.setSecret(value);
  return value;
}

/** Windows PowerShell 5.1 on Windows (the JAMS cmdlets need it), pwsh elsewhere. */
export function resolveShell(choice: 'auto' | ShellKind): ShellKind {
  if (choice !== 'auto') return choice;
  return process.platform === 'win32' ? 'powershell' : 'pwsh';
}
