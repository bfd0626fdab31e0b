// Runs the JAMS installer unattended and waits for it, keeping the host's upgrade record current.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyExitCode, decodeLog, findErrorLine } from '../jams/installer.js';
import { StageError, type StageContext } from '../stage-context.js';
import { describeStates, hostLabel, readServices } from './services.js';
import type { ServiceNames } from '../jams/services.js';
import { saveUpgradeRecord, type HostUpgradeRecord } from '../state/upgrade-record.js';
import type { InstallOutcome } from '../stage-data.js';

/**
 * Runs the installer unattended and waits for it within install-timeout-seconds, keeping the host record up
 * to date so a re-run knows an installer was started. Returns null in a dry-run. A failing exit code is
 * returned, not thrown: the caller leaves the services stopped before it reports the failure.
 */
export async function runInstaller(
  ctx: StageContext,
  names: ServiceNames,
  base: HostUpgradeRecord,
): Promise<InstallOutcome | null> {
  const log = join(ctx.folder, `jams-installer-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  // The host fills {log} (PlatformCommandLine, the one place placeholders are filled).
  const args = ctx.settings.upgrade.installerArguments;
  const timeoutMs = ctx.settings.upgrade.installTimeoutMs;
  let result: InstallOutcome | null = null;
  try {
    await ctx.change(
      'run the JAMS installer',
      `${base.installer.path} (${base.targetVersion}), log ${log}`,
      async () => {
        await saveUpgradeRecord(ctx, { ...base, phase: 'installing', install: null });
        const installing = ctx.phase('installer');
        const started = await ctx.host.startInstaller(base.installer.path, args, base.installer.sha256, log);
        const install: NonNullable<HostUpgradeRecord['install']> = {
          processId: started.processId,
          startedAt: started.startedAt,
          log,
          exitCode: null,
          finishedAt: null,
          rebootRequired: false,
        };
        await saveUpgradeRecord(ctx, { ...base, phase: 'installing', install });
        ctx.log.info(`installer process ${started.processId}: ${started.commandLine}`);
        const waited = await ctx.waitFor(
          () => ctx.host.installerStatus(started.processId, started.startedAt),
          (s) => !s.running,
          timeoutMs,
          (_s, ms) => `the installer is running (${Math.round(ms / 1000)} s)`,
        );
        installing.end();
        if (!waited.ok) {
          const now = await readServices(ctx, names);
          ctx.record.servicesAfter = Object.values(now);
          throw new StageError(
            `The JAMS installer (process ${started.processId}) is still running on ${hostLabel(ctx)} ` +
              `${Math.round(timeoutMs / 1000)} s after it started.`,
            `${describeStates(hostLabel(ctx), now)} The installer is still running: it was not ended, because an ` +
              'installer ended half-way can leave JAMS half-installed.',
            `Watch ${log}. When the installer has ended, re-run this job: it does not start a second installer while ` +
              'this one runs, and goes on from the installed version. If it waits on a prompt (from JAMS 7.7.2 a SQL ' +
              'Server certificate-trust prompt when the database connection is unencrypted), end it, fix the cause ' +
              'and re-run.',
          );
        }
        const code = waited.value.exitCode;
        const kind =
          code === null
            ? { outcome: 'failure' as const, meaning: 'the exit code could not be read' }
            : classifyExitCode(code);
        result = {
          exitCode: code,
          ...kind,
          log,
          commandLine: started.commandLine,
          errorLine: kind.outcome === 'failure' ? readErrorLine(log) : null,
        };
        install.exitCode = code;
        install.finishedAt = new Date().toISOString();
        install.rebootRequired = kind.outcome === 'reboot';
        await saveUpgradeRecord(ctx, {
          ...base,
          phase: kind.outcome === 'failure' ? 'install-failed' : 'installed',
          install,
        });
        const detail = `exit code ${code ?? 'unknown'}: ${kind.meaning}`;
        if (kind.outcome === 'failure') throw new Error(detail);
        return detail;
      },
    );
  } catch (err) {
    if ((result as InstallOutcome | null)?.outcome !== 'failure') throw err;
  }
  return result;
}

/** The line of an installer log in the run folder (this runner) that reports the error. */
export function readErrorLine(log: string): InstallOutcome['errorLine'] {
  if (!existsSync(log)) return null;
  return findErrorLine(decodeLog(readFileSync(log)));
}
