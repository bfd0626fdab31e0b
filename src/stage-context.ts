import * as core from '@actions/core';
import type { Host } from './host/host.js';
import { actionIdentity } from './report/action-identity.js';
import type { Settings } from './settings.js';
import type { PhaseMark, PhaseName, RunFolder, StageRecord } from './report/record.js';
import { StageError } from './stage-error.js';

export { StageError };

/** The first pause between two looks in ctx.waitFor; each next one doubles, up to pollIntervalMs. */
const FIRST_POLL_MS = 50;

/**
 * A line the runner would read as a workflow command (`::set-output ...`, `::add-mask::`, `::stop-commands::`, or the
 * older `##[...]`) once printed: every line of `text` that starts with one, after any blanks, gets `| ` in front, so
 * it prints as plain text. Host data (a workstation's reply, an agent's version, an error) reaches the log through
 * here.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/(^|[\r\n\u2028\u2029])([^\S\r\n\u2028\u2029]*)(?=::|##\[)/g, '$1$2| ');
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a stage works with. Stages decide; the host only reads and changes. */
export class StageContext {
  constructor(
    readonly settings: Settings,
    readonly host: Host,
    readonly record: StageRecord,
    private readonly runFolder: RunFolder,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    // Every stage's record names the build that ran it, so the report can tell one version per run.
    record.action ??= actionIdentity();
  }

  /** Markdown a stage adds to its job summary, after the standard tables. */
  readonly summarySections: string[] = [];

  /** This stage's folder in the run folder, uploaded as the job's artifact. */
  get folder(): string {
    return this.runFolder.path;
  }

  readonly log: Logger = {
    // The one place a stage prints: host data in a message is neutralised here (core.warning escapes its own).
    info: (message) => {
      core.info(neutralizeCommands(message));
      this.runFolder.log(message);
    },
    warn: (message) => {
      core.warning(neutralizeCommands(message));
      this.runFolder.log(`WARNING ${message}`);
      this.record.warnings.push(message);
    },
  };

  /** Whether this run only shows what it would change. Stages read it to label their records, never to skip a change. */
  get dryRun(): boolean {
    return this.settings.dryRun;
  }

  /**
   * A precondition that fails: a real run stops with `error`; a dry-run says what a real run would refuse and goes on,
   * since only an earlier stage's real changes (which a dry-run does not make) could meet it.
   */
  refuse(error: StageError): void {
    if (!this.settings.dryRun) throw error;
    this.log.warn(`[dry-run] a real run would stop here: ${error.message}`);
  }

  /**
   * A step a real run takes around its changes (a wait for a service to settle, a check of what a change did). A dry-run
   * changed nothing, so there is nothing to read: the step is skipped with a line saying so. Returns the step's value,
   * or undefined in a dry-run.
   */
  async aroundChanges<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    if (this.settings.dryRun) {
      this.log.info(`[dry-run] would ${what}`);
      return undefined;
    }
    return step();
  }

  /**
   * The host's own record of what this run did (state-folder records a re-run reads): written in a real run, not in a
   * dry-run, which did nothing to record. Not listed among the actions: the change it records is.
   */
  async keepRecord(write: () => Promise<unknown>): Promise<void> {
    if (!this.settings.dryRun) await write();
  }

  /**
   * Changes made together (agents upgraded in a pool): `run` makes them and records each through change() as it goes.
   * A dry-run records each target as "would" and does not call `run`. Returns whether they were made.
   */
  async changeTogether(what: string, targets: readonly string[], run: () => Promise<void>): Promise<boolean> {
    if (this.settings.dryRun) {
      for (const target of targets) await this.change(what, target, () => Promise.resolve());
      return false;
    }
    await run();
    return true;
  }

  /**
   * Every change goes through here: in a dry run it is printed and recorded as "would", never made.
   * Returns whether the change was made; a string the change returns is kept as its detail.
   */
  async change(what: string, target: string, apply: () => Promise<unknown>): Promise<boolean> {
    const at = new Date().toISOString();
    if (this.settings.dryRun) {
      this.log.info(`[dry-run] would ${what}: ${target}`);
      this.record.actions.push({ at, what, target, outcome: 'would' });
      return false;
    }
    this.log.info(`${what}: ${target}`);
    try {
      const result = await apply();
      const detail = typeof result === 'string' ? result : undefined;
      this.record.actions.push({ at, what, target, outcome: 'done', ...(detail ? { detail } : {}) });
      return true;
    } catch (err) {
      this.record.actions.push({ at, what, target, outcome: 'failed', detail: (err as Error).message });
      throw err;
    }
  }

  /**
   * Marks the start of a phase in the record (services stopping, the installer running, ...) for the report's
   * breakdown of the downtime; call end() on what it returns when the phase is over. A phase a failure cuts short
   * ends with the stage.
   */
  phase(name: PhaseName): { end(): void } {
    const mark: PhaseMark = { phase: name, startedAt: new Date().toISOString() };
    (this.record.phases ??= []).push(mark);
    return { end: () => void (mark.endedAt ??= new Date().toISOString()) };
  }

  /** Records something found already done, so a re-run shows why it did nothing. */
  skip(what: string, target: string, why: string): void {
    this.log.info(`${what}: ${target}: ${why}`);
    this.record.actions.push({ at: new Date().toISOString(), what, target, outcome: 'skipped', detail: why });
  }

  /**
   * Polls `probe` until `done` holds or the timeout passes. Returns the last value and whether it held;
   * the caller turns a timeout into a StageError with the host state.
   */
  async waitFor<T>(
    probe: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs: number,
    progress?: (value: T, elapsedMs: number) => string,
  ): Promise<{ value: T; ok: boolean }> {
    const start = Date.now();
    let lastReport = 0;
    let polls = 0;
    for (;;) {
      const value = await probe();
      if (done(value)) return { value, ok: true };
      const elapsed = Date.now() - start;
      if (elapsed >= timeoutMs) return { value, ok: false };
      if (progress && elapsed - lastReport >= 10_000) {
        lastReport = elapsed;
        this.log.info(progress(value, elapsed));
      }
      // Quick at first, since most waits end soon; then no more often than pollIntervalMs.
      const interval = Math.min(this.settings.pollIntervalMs, FIRST_POLL_MS * 2 ** polls++);
      await this.sleep(Math.min(interval, Math.max(0, timeoutMs - elapsed)));
    }
  }
}

export interface Stage {
  /** true: the stage needs no JAMS host (no PowerShell, any runner); ctx.host then refuses every call. */
  readonly hostless?: boolean;
  run(ctx: StageContext): Promise<void>;
}
