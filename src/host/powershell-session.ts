import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { PowerShell } from 'node-powershell';
import { resolveShellExecutable, type ShellKind } from './shell-path.js';
import type { HookStep, SessionHooks } from './session-hooks.js';
import { redactConnectionPasswords, SECRET_MARKER } from '../jams/config-merge.js';
// Each primitive's secret reply fields come from its declaration, so a direct call is redacted too.
import { SECRET_REPLY_FIELDS } from './calls.js';

export interface SessionOptions {
  shell: ShellKind;
  /** The module file and the platform file it dot-sources. */
  modulePath: string;
  platformPath: string;
  platformOptions: Record<string, unknown>;
  /** Additions the lab makes (only with JAMS_UPGRADE_LAB set); none on a real host. */
  hooks?: SessionHooks;
  /** Upper bound for one primitive call; a call past it kills the session. */
  callTimeoutMs: number;
  /**
   * Secrets reach PowerShell only through its process environment, never through command text (which
   * script-block logging would keep); a primitive is told the variable name and reads it itself.
   */
  secretEnv?: Record<string, string>;
  /** Receives one line per call (name, redacted arguments, outcome) for the transcript. */
  transcript?: (line: string) => void;
}

/** A primitive that ran and threw inside PowerShell: the host is alive, the operation failed. */
export class PrimitiveError extends Error {
  constructor(
    readonly command: string,
    message: string,
    readonly psType: string,
  ) {
    super(`${command}: ${message}`);
    this.name = 'PrimitiveError';
  }
}

/** The PowerShell process is gone, hung, or answered with something that is not the protocol. */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

const COMMAND_NAME = /^[A-Za-z]+-Ju[A-Za-z]+$/;

/** Keys whose value is a secret in any argument or reply, whatever the primitive. */
const SECRET_KEYS = /^(password|pwd|secret|token|connectionString|startPassword)$/i;

interface Envelope {
  ok: boolean;
  data?: unknown;
  error?: { message: string; type: string };
}

function withoutInputs(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith('INPUT_')));
}

/** Base64 of UTF-8 JSON: the only form in which a value ever reaches PowerShell text. */
export function encodeArgs(args: unknown): string {
  return Buffer.from(JSON.stringify(args ?? {}), 'utf8').toString('base64');
}

/** PowerShell that sets `$<variable>` to `values`, decoded from base64 JSON. */
function decoded(variable: string, values: unknown): string {
  return `$${variable} = ConvertFrom-Json ([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${encodeArgs(values)}'))); `;
}

/**
 * One long-lived PowerShell process running the jams-upgrade module. Each call sends one line that names
 * a primitive and carries its arguments as base64 JSON, and reads back one JSON envelope between markers.
 */
export class PowerShellSession {
  private shell: PowerShell | undefined;
  private exited: Error | undefined;
  private readonly marker = `JU-${randomBytes(8).toString('hex')}`;
  /** The shell's absolute path, resolved once per session (never a bare name the working folder could answer). */
  private executable: string | undefined;

  constructor(private readonly options: SessionOptions) {}

  /** Starts the process and imports the module; a missing executable becomes a clear error here. */
  async start(): Promise<void> {
    if (this.shell) return;
    if (this.executable === undefined) {
      try {
        this.executable = await resolveShellExecutable(this.options.shell);
      } catch (err) {
        throw new SessionError((err as Error).message);
      }
      if (this.shell) return;
    }
    const hooks = this.options.hooks;
    for (const file of [this.options.modulePath, this.options.platformPath, ...(hooks?.files ?? [])]) {
      if (!existsSync(file)) throw new SessionError(`The PowerShell module file ${file} is missing.`);
    }
    this.exited = undefined;
    // node-powershell lets NODE_POWERSHELL override the executable; the `shell` input is the one choice.
    const override = process.env['NODE_POWERSHELL'];
    delete process.env['NODE_POWERSHELL'];
    let shell: PowerShell;
    try {
      shell = new PowerShell({
        executable: this.executable,
        executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
        throwOnInvocationError: false,
        // A dumb terminal keeps pwsh from writing cursor escape codes into the output.
        // The action's INPUT_* variables (secret inputs among them) stay out of PowerShell's environment: it gets
        // only the secrets it is meant to read, by name.
        spawnOptions: {
          env: { ...withoutInputs(process.env), ...this.options.secretEnv, TERM: 'dumb', NO_COLOR: '1' },
        },
      });
    } finally {
      if (override !== undefined) process.env['NODE_POWERSHELL'] = override;
    }
    this.shell = shell;
    // A spawn failure rejects this promise; without a handler it would be an unhandled rejection.
    const exitPromise = (shell as unknown as { exitPromise: Promise<void> }).exitPromise;
    exitPromise.then(
      () => (this.exited ??= new SessionError(`${this.options.shell} exited.`)),
      (err: Error) => (this.exited ??= this.died(err)),
    );
    const setup = {
      module: this.options.modulePath,
      platform: this.options.platformPath,
      options: JSON.stringify(this.options.platformOptions),
      seams: hooks?.seams ?? '',
    };
    const first = hooks?.start();
    const line =
      `[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; $ErrorActionPreference = 'Stop'; ` +
      decoded('ju', setup) +
      (first ? `${decoded('juHook', first.values ?? {})}${first.script}; ` : '') +
      `Import-Module -Name $ju.module -ArgumentList $ju.platform, $ju.options, $ju.seams -DisableNameChecking -Force; ` +
      this.ok();
    const reply = await this.send('Import-Module', line);
    if (!reply.ok) throw new SessionError(`The jams-upgrade module did not load: ${reply.error?.message}`);
  }

  /**
   * Runs one primitive; arguments cross as data. `secrets` are redacted from the transcript. `timeoutMs`
   * replaces the session's call timeout for a call known to take long (a database backup, a hook).
   */
  async call<T>(
    command: string,
    args: Record<string, unknown> = {},
    secrets: readonly string[] = [],
    timeoutMs: number = this.options.callTimeoutMs,
  ): Promise<T> {
    if (!COMMAND_NAME.test(command)) throw new Error(`Refusing to call '${command}': not a primitive name.`);
    await this.start();
    const before = this.options.hooks?.beforeCall();
    if (before) {
      const reply = await this.send('the session hook', this.hookLine(before));
      if (!reply.ok) throw new SessionError(`The session hook failed: ${reply.error?.message}`);
    }
    const line = `Invoke-JuCall -Command '${command}' -ArgsBase64 '${encodeArgs(args)}' -Marker '${this.marker}'`;
    this.options.transcript?.(`> ${command} ${this.redacted(args, secrets)}`);
    const reply = await this.send(command, line, timeoutMs);
    this.options.transcript?.(`< ${command} ${this.redacted(reply, SECRET_REPLY_FIELDS[command] ?? [])}`);
    if (!reply.ok) {
      throw new PrimitiveError(command, reply.error?.message ?? 'failed', reply.error?.type ?? 'unknown');
    }
    return reply.data as T;
  }

  /**
   * An argument list or a reply as the transcript shows it: the named fields and every secret-looking key as the
   * marker, and in every other text each connection-string password and each secret this session holds replaced.
   */
  private redacted(value: unknown, fields: readonly string[]): string {
    return JSON.stringify(value, (key, v: unknown) =>
      fields.includes(key) || SECRET_KEYS.test(key)
        ? SECRET_MARKER
        : typeof v === 'string'
          ? this.scrub(v)
          : v,
    );
  }

  /** A text with each connection-string password and each of this session's secret values replaced by the marker. */
  private scrub(text: string): string {
    let out = redactConnectionPasswords(text);
    for (const secret of Object.values(this.options.secretEnv ?? {})) {
      if (secret.length >= 4) out = out.split(secret).join(SECRET_MARKER);
    }
    return out;
  }

  async dispose(): Promise<void> {
    const shell = this.shell;
    this.shell = undefined;
    const last = shell && !this.exited ? this.options.hooks?.exit() : null;
    if (last) await this.send('the exit hook', this.hookLine(last), 10_000, shell).catch(() => undefined);
    if (shell) await shell.dispose().catch(() => undefined);
  }

  /** A hook's step as one line: its values as data, its script, then the envelope. */
  private hookLine(step: HookStep): string {
    return `${decoded('juHook', step.values ?? {})}${step.script}; ${this.ok()}`;
  }

  /** The envelope of a line that only has to run. */
  private ok(): string {
    return `[Console]::Out.WriteLine('${this.marker}'); [Console]::Out.WriteLine('{"ok":true}'); [Console]::Out.WriteLine('${this.marker}')`;
  }

  private async send(
    what: string,
    line: string,
    timeoutMs: number = this.options.callTimeoutMs,
    shell: PowerShell | undefined = this.shell,
  ): Promise<Envelope> {
    if (!shell) throw new SessionError('The PowerShell session is not started.');
    if (this.exited) throw this.exited;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([
        shell.invoke(line).catch((err: Error) => {
          throw this.exited ?? this.died(err);
        }),
        timeout,
      ]);
      if (result === 'timeout') {
        // The command keeps running inside the shell; only a new process is clean.
        await this.dispose();
        throw new SessionError(
          `${what} did not answer within ${Math.round(timeoutMs / 1000)} s; the PowerShell session was ended.`,
        );
      }
      if (this.exited) throw this.exited;
      return this.parse(what, result.stdout?.toString('utf8') ?? '', result.stderr?.toString('utf8') ?? '');
    } finally {
      clearTimeout(timer);
    }
  }

  private died(err: Error): SessionError {
    return new SessionError(
      `${this.options.shell} could not be started or died: ${err.message.replace(/\s+/g, ' ')}. ` +
        `Check that '${this.options.shell}' is installed and on PATH, or choose another with the 'shell' input.`,
    );
  }

  private parse(what: string, stdout: string, stderr: string): Envelope {
    const parts = stdout.split(this.marker);
    const body = parts.length >= 3 ? parts[1]?.trim() : undefined;
    const noise = [parts[0], parts.slice(2).join('')].join('').trim();
    if (noise) this.options.transcript?.(`! ${what} printed: ${this.scrub(noise)}`);
    if (stderr.trim()) this.options.transcript?.(`! ${what} stderr: ${this.scrub(stderr.trim())}`);
    if (!body) {
      throw new SessionError(
        `${what} returned no result. PowerShell said: ${(stderr || stdout).trim().slice(0, 2000) || '(nothing)'}`,
      );
    }
    try {
      return JSON.parse(body) as Envelope;
    } catch {
      throw new SessionError(`${what} returned text that is not JSON: ${body.slice(0, 500)}`);
    }
  }
}
