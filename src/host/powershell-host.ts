import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HAND_WRITTEN, HOST_CALLS, type Forwarded, type HostCall, type StoredState } from './calls.js';
import type { Host } from './host.js';
import { PowerShellSession, type SessionOptions } from './powershell-session.js';
import type { ShellKind } from './shell-path.js';
import type { SessionHooks } from './session-hooks.js';
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

/** One method per declared call: its arguments become the primitive's, and its reply is returned as it came. */
function forwarders(session: PowerShellSession): Forwarded {
  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [method, call] of Object.entries(HOST_CALLS as Record<string, HostCall<never[], unknown>>)) {
    if ((HAND_WRITTEN as readonly string[]).includes(method)) continue;
    methods[method] = (...args) =>
      session.call(call.command, call.args(...args), call.secretArgs, call.timeoutMs?.(...args));
  }
  return methods as unknown as Forwarded;
}

/** The forwarders as a base class, so PowerShellHost keeps its constructor and adds only what is written by hand. */
const Forwarders = function (this: Forwarded, session: PowerShellSession) {
  Object.assign(this, forwarders(session));
} as unknown as new (session: PowerShellSession) => Forwarded;

export class PowerShellHost extends Forwarders implements Host {
  /** A session of its own, or one a caller keeps across hosts (tests). */
  constructor(
    options: PowerShellHostOptions,
    private readonly session: PowerShellSession = new PowerShellSession(sessionOptions(options)),
  ) {
    super(session);
  }

  async readState<T>(folder: string, name: string): Promise<{ path: string; data: T | null }> {
    const call = HOST_CALLS.readState;
    const found = await this.session.call<StoredState>(call.command, call.args(folder, name));
    return { path: found.path, data: found.exists && found.json ? (JSON.parse(found.json) as T) : null };
  }

  close(): Promise<void> {
    return this.session.dispose();
  }
}
