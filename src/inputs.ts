import * as core from '@actions/core';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ShellKind } from './host/powershell-session.js';
import type { HostRole } from './jams/roles.js';
import type { ServiceKind } from './jams/services.js';
import {
  DEFAULT_CONFIG_PATTERNS,
  DEFAULT_INSTALL_FOLDER,
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
  /** The report stage: where the stage records are, and the token that reads the run's approvals. */
  report: { recordsFolder: string; token: string | null };
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
  'records-folder': { schema: z.string().min(1).max(400), fix: 'give a folder path' },
} as const;

type InputName = keyof typeof INPUTS;

const DEFAULTS: Partial<Record<InputName, string>> = {
  role: 'primary',
  'dry-run': 'false',
  shell: 'auto',
  'service-timeout-seconds': '180',
  'role-timeout-seconds': '600',
  'call-timeout-seconds': '300',
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
  const recordsFolderInput = read('records-folder');
  // A token is a secret: masked at once, never validated against a pattern (so never echoed in a problem).
  const token = core.getInput('github-token') || null;
  if (token) core.setSecret(token);

  if (problems.length > 0 || stage === undefined || role === undefined) throw new InputError(problems);

  const lab = env['JAMS_UPGRADE_LAB']?.trim() || null;
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
    report: { recordsFolder: recordsFolderInput ? resolve(recordsFolderInput) : runFolder, token },
    labFolder: lab ? resolve(lab) : null,
  };
}

/** Windows PowerShell 5.1 on Windows (the JAMS cmdlets need it), pwsh elsewhere. */
export function resolveShell(choice: 'auto' | ShellKind): ShellKind {
  if (choice !== 'auto') return choice;
  return process.platform === 'win32' ? 'powershell' : 'pwsh';
}
