// Installs a package on remote Windows hosts over PowerShell remoting, held to the scheduler installer's rules: the
// package's SHA-256 checked on the host before it runs, an unattended run with a verbose log, the exit code read with
// the same table (src/jams/installer.ts), the log brought back into the run folder with its error line. The item is
// done once `verify` sees the new version.
import { join } from 'node:path';
import type { RemoteStatus } from '../host/host.js';
import type { ItemOutcome } from '../jams/agent-rules.js';
import { classifyExitCode } from '../jams/installer.js';
import { AGENT_SERVICE_NAME } from '../jams/unverified.js';
import type { StageContext } from '../stage-context.js';
import type { Flight, PoolWork, Started } from './bounded-pool.js';
import { readErrorLine } from './installer-run.js';

interface RemoteHandle {
  computer: string;
  processId: number;
  /** The log on the host, and its copy in the run folder. */
  remoteLog: string;
  localLog: string;
  /** Set once the installer ended well: its code, and whether it asked for a reboot. */
  exit: { code: number; reboot: boolean } | null;
}

export type Verified = { version: string } | { waiting: string };

export interface RemoteJob<I> {
  /** What runs, for the messages: "msiexec", "the JAMS installer". */
  label: string;
  computer(item: I): string;
  logName(item: I): string;
  package: { path: string; sha256: string };
  runner: 'msiexec' | 'package';
  /** The arguments, with {package} and {log} for the paths on the host. */
  args: readonly string[];
  /** After the installer ended well: each item's new version, or what is still awaited. */
  verify(items: I[], statuses: ReadonlyMap<string, RemoteStatus>): Promise<Map<I, Verified>>;
}

const key = (computer: string) => computer.toLowerCase();
const seconds = (ms: number) => Math.round(ms / 1000);

export function remoteInstallWork<I>(
  ctx: StageContext,
  job: RemoteJob<I>,
): PoolWork<I, RemoteHandle, ItemOutcome> {
  const timeoutMs = ctx.settings.agents.timeoutMs;
  const fail = (detail: string, ms: number | null, log: string | null = null): ItemOutcome => ({
    ok: false,
    versionAfter: null,
    detail,
    log,
    seconds: ms === null ? null : seconds(ms),
    reboot: false,
  });

  /** Brings the log back; a log that cannot be fetched is noted, never the item's failure. */
  async function fetchLog(h: RemoteHandle): Promise<{ log: string | null; note: string }> {
    try {
      await ctx.host.receiveRemoteFile(h.computer, h.remoteLog, h.localLog);
      return { log: h.localLog, note: `log ${h.localLog}` };
    } catch (err) {
      return {
        log: null,
        note: `the log ${h.remoteLog} on ${h.computer} could not be fetched: ${(err as Error).message}`,
      };
    }
  }

  return {
    async start(items) {
      // One host at a time: each start copies the package over that host's session.
      const started: Started<I, RemoteHandle>[] = [];
      for (const item of items) {
        const computer = job.computer(item);
        try {
          const s = await ctx.host.startRemoteInstall(
            computer,
            job.package,
            job.runner,
            job.args,
            job.logName(item),
          );
          ctx.log.info(`${computer}: ${job.label} started (process ${s.processId}): ${s.commandLine}`);
          started.push({
            item,
            handle: {
              computer,
              processId: s.processId,
              remoteLog: s.log,
              localLog: join(ctx.folder, job.logName(item)),
              exit: null,
            },
          });
        } catch (err) {
          started.push({ item, error: err as Error });
        }
      }
      return started;
    },
    async poll(flights, nowMs) {
      const computers = [...new Set(flights.map((f) => f.handle.computer))];
      const statuses = new Map(
        (await ctx.host.remoteStatus(computers, AGENT_SERVICE_NAME)).map((s) => [key(s.computerName), s]),
      );
      const ended = new Map<I, ItemOutcome>();
      const installed: Flight<I, RemoteHandle>[] = [];
      for (const f of flights) {
        const h = f.handle;
        const elapsed = nowMs - f.startedMs;
        if (h.exit) {
          installed.push(f);
          continue;
        }
        const status = statuses.get(key(h.computer));
        const run = status?.installs.find((i) => i.processId === h.processId);
        if (!status?.reachable || !run) {
          ended.set(
            f.item,
            fail(
              `the remoting session to ${h.computer} was lost while ${job.label} ran (process ${h.processId})` +
                `${status?.error ? `: ${status.error}` : ''}`,
              elapsed,
            ),
          );
          continue;
        }
        if (run.running) {
          if (elapsed >= timeoutMs) {
            ended.set(
              f.item,
              fail(
                `${job.label} (process ${h.processId}) is still running on ${h.computer} after ${seconds(elapsed)} s`,
                elapsed,
              ),
            );
          }
          continue;
        }
        const code = run.exitCode;
        const kind = code === null ? null : classifyExitCode(code);
        const { log, note } = await fetchLog(h);
        if (code === null || !kind || kind.outcome === 'failure') {
          const line = log ? readErrorLine(log) : null;
          ended.set(
            f.item,
            fail(
              `${job.label} exited with ${code ?? 'an unknown code'}: ${kind?.meaning ?? 'the exit code could not be read'}; ` +
                `${note}${line ? `; line ${line.line} reports the error: "${line.text}"` : ''}`,
              elapsed,
              log,
            ),
          );
          continue;
        }
        h.exit = { code, reboot: kind.outcome === 'reboot' };
        ctx.log.info(`${h.computer}: ${job.label} exited with ${code} (${kind.meaning}); ${note}`);
        installed.push(f);
      }
      if (installed.length === 0) return ended;
      const verified = await job.verify(
        installed.map((f) => f.item),
        statuses,
      );
      for (const f of installed) {
        const v = verified.get(f.item) ?? { waiting: 'no answer' };
        const exit = f.handle.exit as NonNullable<RemoteHandle['exit']>;
        const elapsed = nowMs - f.startedMs;
        if ('version' in v) {
          ended.set(f.item, {
            ok: true,
            versionAfter: v.version,
            detail: `${job.label} exit code ${exit.code}${exit.reboot ? ' (a reboot is required; nothing was rebooted)' : ''}; version ${v.version} seen`,
            log: f.handle.localLog,
            seconds: seconds(elapsed),
            reboot: exit.reboot,
          });
        } else if (elapsed >= timeoutMs) {
          ended.set(
            f.item,
            fail(
              `${job.label} exited with ${exit.code}, and after ${seconds(elapsed)} s ${v.waiting}`,
              elapsed,
              f.handle.localLog,
            ),
          );
        }
      }
      return ended;
    },
    failed: (item, err) =>
      fail(`${job.label} could not be started on ${job.computer(item)}: ${err.message}`, 0),
    succeeded: (r) => r.ok,
    halt: () => null,
    notStarted: (_item, reason) => fail(`not started: ${reason}`, null),
  };
}
