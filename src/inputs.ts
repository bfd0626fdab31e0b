import * as core from '@actions/core';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ShellKind } from './host/powershell-session.js';
import type { HostRole } from './jams/roles.js';
import type { ServiceKind } from './jams/services.js';
import {
  DEFAULT_CONFIG_PATTERNS,
  DEFAULT_INSTALL_FOLDER,
  DEFAULT_MAINTENANCE_RESOURCE,
  DEFAULT_STATE_FOLDER,
  SERVICE_NAME_CANDIDATES,
} from './jams/unverified.js';
import { STAGE_NAMES, type StageName } from './stages/names.js';

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
  /** Set only by the JAMS_UPGRADE_LAB environment variable, never by an input. */
  labFolder: string | null;
}

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

const SERVICE_NAME = /^[A-Za-z0-9_.-]{1,80}$/;
const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
const PATTERN = /^[A-Za-z0-9_.*?-]{1,100}$/;
/** JAMS object and host names travel into provider paths (JAMS::server\Resources\name): plain names only. */
const JAMS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}$/;
/** SQL Server instance forms: SQL01, SQL01\INST, tcp:SQL01,1433, (local), . */
const SQL_SERVER = /^[A-Za-z0-9_.\\,:()-]{1,128}$/;
/** A sysname: up to 128 characters with no control characters; it travels as a T-SQL parameter. */
const SQL_NAME = z
  .string()
  .max(128)
  .refine((v) => [...v].every((c) => c.charCodeAt(0) >= 32));
/** A local folder (D:\Backups) or a UNC share (\\server\share\folder), with no wildcard or control characters. */
const WINDOWS_PATH = z
  .string()
  .max(260)
  .regex(/^([A-Za-z]:\\|\\\\[^\\/:*?"<>|]+\\[^\\/:*?"<>|]+)[^/*?"<>|]*$/)
  .refine((v) => [...v].every((c) => c.charCodeAt(0) >= 32));

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
  'scheduler-service': { schema: z.string().regex(SERVICE_NAME), fix: 'give the exact short service name' },
  'server-service': { schema: z.string().regex(SERVICE_NAME), fix: 'give the exact short service name' },
  'executor-service': { schema: z.string().regex(SERVICE_NAME), fix: 'give the exact short service name' },
  'config-files': {
    schema: z.array(z.string().regex(PATTERN)).min(1),
    fix: 'give file names or patterns such as JAMSHost.exe.config or *.config, one per line',
  },
  'service-timeout-seconds': { schema: z.coerce.number().int().min(5).max(3600), fix: 'use 5 to 3600' },
  'role-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'call-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'target-version': { schema: z.string().regex(VERSION), fix: 'use a dotted version such as 7.4.0' },
  'install-folder': { schema: z.string().min(3).max(260), fix: 'give an absolute Windows path' },
  'state-folder': { schema: z.string().min(3).max(260), fix: 'give an absolute Windows path' },
  'run-folder': { schema: z.string().min(1).max(400), fix: 'give a folder path' },
  'maintenance-resource': {
    schema: z.string().regex(JAMS_NAME),
    fix: 'give the name of the JAMS resource the root folder requires, such as Maintenance_Window',
  },
  'jams-server': { schema: z.string().regex(HOST_NAME), fix: 'give a host name such as localhost' },
  'drain-timeout-seconds': { schema: z.coerce.number().int().min(0).max(86400), fix: 'use 0 to 86400' },
  'on-drain-timeout': { schema: z.enum(['fail', 'continue']), fix: 'use fail or continue' },
  'create-maintenance-resource': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
  'sql-server': {
    schema: z.string().regex(SQL_SERVER),
    fix: 'give a SQL Server name such as SQL01, SQL01\\INSTANCE or tcp:SQL01,1433',
  },
  'sql-database': { schema: SQL_NAME, fix: 'give the database name (up to 128 characters)' },
  'sql-auth': {
    schema: z.enum(['windows', 'sql']),
    fix: "use windows (the runner's account) or sql (sql-user and sql-password)",
  },
  'sql-user': { schema: SQL_NAME, fix: 'give the SQL login name (up to 128 characters)' },
  'backup-path': {
    schema: WINDOWS_PATH,
    fix: 'give an absolute folder such as D:\\Backups\\JAMS or a UNC share such as \\\\FILES\\backup\\jams',
  },
  'backup-timeout-seconds': { schema: z.coerce.number().int().min(60).max(86400), fix: 'use 60 to 86400' },
  'snapshot-script': {
    schema: WINDOWS_PATH.regex(/\.ps1$/i),
    fix: 'give the absolute path of a .ps1 script on the host',
  },
  'snapshot-timeout-seconds': { schema: z.coerce.number().int().min(5).max(7200), fix: 'use 5 to 7200' },
  'min-free-gb': {
    schema: z.coerce.number().min(0).max(100000),
    fix: 'use a number of GB, 0 to skip the check',
  },
  'require-backup': { schema: z.enum(['true', 'false']), fix: 'use true or false' },
} as const;

type InputName = keyof typeof INPUTS;

const DEFAULTS: Partial<Record<InputName, string>> = {
  role: 'primary',
  'dry-run': 'false',
  shell: 'auto',
  'service-timeout-seconds': '180',
  'role-timeout-seconds': '600',
  'call-timeout-seconds': '300',
  'maintenance-resource': DEFAULT_MAINTENANCE_RESOURCE,
  'jams-server': 'localhost',
  'drain-timeout-seconds': '3600',
  'on-drain-timeout': 'fail',
  'create-maintenance-resource': 'false',
  'sql-auth': 'windows',
  'backup-timeout-seconds': '3600',
  'snapshot-timeout-seconds': '900',
  'min-free-gb': '10',
  'require-backup': 'true',
};

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/**
 * The only place that reads action inputs. Collects every problem before failing, so a user fixes them
 * in one go; nothing runs until all inputs are valid.
 */
export function getSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const read = <N extends InputName>(
    name: N,
    list = false,
  ): z.infer<(typeof INPUTS)[N]['schema']> | undefined => {
    const raw = list ? core.getMultilineInput(name).flatMap((l) => l.split(',')) : core.getInput(name);
    const value = list
      ? (raw as string[]).map((s) => s.trim()).filter(Boolean)
      : (raw as string).trim() || DEFAULTS[name];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
    const parsed = INPUTS[name].schema.safeParse(value);
    if (parsed.success) return parsed.data as z.infer<(typeof INPUTS)[N]['schema']>;
    problems.push(`input '${name}' has the value ${describe(value)}: ${INPUTS[name].fix}.`);
    return undefined;
  };

  const stage = read('stage');
  if (stage === undefined && !problems.some((p) => p.includes("'stage'"))) {
    problems.push(`input 'stage' is empty: set it to one of ${STAGE_NAMES.join(', ')}.`);
  }
  const role = read('role');
  const dryRun = read('dry-run') === 'true';
  const shellInput = read('shell');
  const overrides: Record<ServiceKind, string | undefined> = {
    scheduler: read('scheduler-service'),
    server: read('server-service'),
    executor: read('executor-service'),
  };
  const configPatterns = read('config-files', true) ?? [...DEFAULT_CONFIG_PATTERNS];
  const serviceTimeout = read('service-timeout-seconds') ?? 180;
  const roleTimeout = read('role-timeout-seconds') ?? 600;
  const callTimeout = read('call-timeout-seconds') ?? 300;
  const targetVersion = read('target-version') ?? null;
  const installFolder = read('install-folder') ?? DEFAULT_INSTALL_FOLDER;
  const stateFolder = read('state-folder') ?? DEFAULT_STATE_FOLDER;
  const runFolderInput = read('run-folder');
  const maintenance = {
    resource: read('maintenance-resource') ?? DEFAULT_MAINTENANCE_RESOURCE,
    jamsServer: read('jams-server') ?? 'localhost',
    drainTimeoutMs: (read('drain-timeout-seconds') ?? 3600) * 1000,
    onDrainTimeout: read('on-drain-timeout') ?? 'fail',
    create: read('create-maintenance-resource') === 'true',
  };
  const database = {
    server: read('sql-server') ?? null,
    name: read('sql-database') ?? null,
    auth: read('sql-auth') ?? 'windows',
    user: read('sql-user') ?? null,
    password: readSecret('sql-password'),
    timeoutSeconds: read('backup-timeout-seconds') ?? 3600,
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
    timeoutSeconds: read('snapshot-timeout-seconds') ?? 900,
  };
  const minFreeGb = read('min-free-gb') ?? 10;
  const requireBackup = read('require-backup') !== 'false';

  if (problems.length > 0 || stage === undefined || role === undefined) throw new InputError(problems);

  const lab = env['JAMS_UPGRADE_LAB']?.trim() || null;
  const runRoot = runFolderInput ?? join(env['RUNNER_TEMP'] ?? process.cwd(), 'jams-upgrade');
  const serviceCandidates = Object.fromEntries(
    (Object.keys(SERVICE_NAME_CANDIDATES) as ServiceKind[]).map((kind) => {
      const override = overrides[kind];
      return [kind, override ? [override] : SERVICE_NAME_CANDIDATES[kind]];
    }),
  ) as Record<ServiceKind, readonly string[]>;

  return {
    stage,
    role,
    dryRun,
    runFolder: isAbsolute(runRoot) ? runRoot : resolve(runRoot),
    shell: resolveShell(shellInput ?? 'auto'),
    installFolder,
    stateFolder,
    serviceCandidates,
    configPatterns,
    serviceTimeoutMs: serviceTimeout * 1000,
    roleTimeoutMs: roleTimeout * 1000,
    callTimeoutMs: callTimeout * 1000,
    pollIntervalMs: lab ? 200 : 2000,
    targetVersion,
    maintenance,
    database,
    backupPath,
    snapshot,
    minFreeGb,
    requireBackup,
    labFolder: lab ? resolve(lab) : null,
  };
}

/** A secret input: masked at once, kept as given (spaces too), never put into a message. */
function readSecret(name: string): string | null {
  const value = core.getInput(name, { trimWhitespace: false });
  if (!value) return null;
  core.setSecret(value);
  return value;
}

/** Windows PowerShell 5.1 on Windows (the JAMS cmdlets need it), pwsh elsewhere. */
export function resolveShell(choice: 'auto' | ShellKind): ShellKind {
  if (choice !== 'auto') return choice;
  return process.platform === 'win32' ? 'powershell' : 'pwsh';
}
