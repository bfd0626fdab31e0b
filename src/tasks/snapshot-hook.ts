// The VM snapshot hook: the user's script, run with named parameters and a timeout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HookResult } from '../host/host.js';
import type { SnapshotRun } from '../state/backup-record.js';
import { StageError, type StageContext } from '../stage-context.js';

/**
 * Runs the user's VM-snapshot hook with -HostName -Role -RunId, bounded by snapshot-timeout-seconds. Its
 * output goes to snapshot-hook.log in the run folder; a failure or a timeout fails the stage before any
 * service is stopped. A hook that succeeded for this run is not run again.
 */
export async function runSnapshotHook(
  ctx: StageContext,
  script: string,
  earlier: SnapshotRun | null,
  persist: (run: SnapshotRun) => Promise<void>,
): Promise<SnapshotRun | null> {
  if (earlier?.ok && earlier.path === script) {
    ctx.skip('run snapshot hook', script, `succeeded at ${earlier.ranAt} for this run`);
    return earlier;
  }
  const parameters = {
    HostName: ctx.record.host?.computerName ?? '',
    Role: ctx.settings.role,
    RunId: String(ctx.record.run['id'] ?? 'local'),
  };
  const timeout = ctx.settings.snapshot.timeoutSeconds;
  let run: SnapshotRun | null = null;
  await ctx.change(
    'run snapshot hook',
    `${script} -HostName ${parameters.HostName} -Role ${parameters.Role} -RunId ${parameters.RunId}`,
    async () => {
      let result: HookResult;
      try {
        result = await ctx.host.runHook(script, parameters, timeout);
      } catch (err) {
        throw failure(script, (err as Error).message.replace(/^Invoke-JuHook: /, ''), false);
      }
      run = { ...result, parameters, ranAt: new Date().toISOString() };
      writeFileSync(
        join(ctx.folder, 'snapshot-hook.log'),
        [...result.output, ...result.errors.map((e) => `ERROR ${e}`)].join('\n') + '\n',
      );
      await persist(run);
      if (result.timedOut)
        throw failure(script, `it did not finish within ${timeout} s and was stopped`, true);
      if (!result.ok) throw failure(script, result.errors.at(-1) ?? 'it reported an error', false);
      return `succeeded in ${(result.durationMs / 1000).toFixed(1)} s`;
    },
  );
  return run;
}

function failure(script: string, why: string, timedOut: boolean): StageError {
  return new StageError(
    `The snapshot hook ${script} failed: ${why}.`,
    'No JAMS service was stopped. The config files (and on the primary the verified database backup) are saved; ' +
      `the VM snapshot may not exist${timedOut ? ', or the hypervisor may still be taking it' : ''}.`,
    'Read snapshot-hook.log in this job artifact and check the hypervisor, fix the cause, then re-run this job: ' +
      'the saved backup is kept and only the hook runs again.',
  );
}
