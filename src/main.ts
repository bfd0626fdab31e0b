import * as core from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { UNPROTECTED_GATES_BANNER, UNPROTECTED_GATES_WARNING } from './gate-protection.js';
import { getSettings, InputError } from './inputs.js';
import type { Settings } from './settings.js';
import { SQL_PASSWORD_VARIABLE, type Host } from './host/host.js';
import { noHost } from './host/no-host.js';
import { PowerShellHost, type PowerShellHostOptions } from './host/powershell-host.js';
import { installedLab, LAB_VARIABLE, LabRefusedError, loadLab } from './host/session-hooks.js';
import { PASSWORD_VARIABLES } from './jams/accounts.js';
import { RunFolder, runInfo, type StageRecord } from './report/record.js';
import { headline, writeSummary } from './report/summary.js';
import { StageContext, StageError } from './stage-context.js';
import { STAGES } from './stages/registry.js';
import { dataOutputs } from './stage-data.js';

export type HostFactory = (settings: Settings, transcript: (line: string) => void) => Host;

/** What the stage's PowerShell host is built from: the settings, and the stage's transcript. */
export function hostOptions(settings: Settings, transcript: (line: string) => void): PowerShellHostOptions {
  return {
    shell: settings.shell,
    installFolder: settings.installFolder,
    stateFolder: settings.stateFolder,
    callTimeoutMs: settings.callTimeoutMs,
    hooks: settings.labFolder ? installedLab().session(settings.labFolder, settings.role) : undefined,
    secretEnv: secretEnv(settings),
    transcript,
  };
}

export const powerShellHost: HostFactory = (settings, transcript) =>
  new PowerShellHost(hostOptions(settings, transcript));

/** The secrets as PowerShell environment variables (Log On As and SQL passwords); PowerShell is told only their names. */
function secretEnv(settings: Settings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kind of ['scheduler', 'server'] as const) {
    const secret = settings.passwords[kind];
    if (secret !== undefined) env[PASSWORD_VARIABLES[kind]] = secret;
  }
  if (settings.database.password) env[SQL_PASSWORD_VARIABLE] = settings.database.password;
  return env;
}

/**
 * The action: read the inputs once, run one stage on this host, then write the record, outputs and job
 * summary whatever happened. core.setFailed is called in one place.
 */
export async function run(makeHost: HostFactory = powerShellHost): Promise<void> {
  let settings: Settings;
  try {
    settings = getSettings();
    if (settings.labFolder) {
      // The lab comes from the repository beside dist/, never from the bundle; its timing is its profile's.
      const lab = await loadLab(process.env[LAB_VARIABLE] ?? '');
      settings = { ...settings, ...lab.profile(settings.labFolder) };
    }
  } catch (err) {
    core.setOutput('status', 'failed');
    core.setFailed(
      err instanceof InputError || err instanceof LabRefusedError
        ? err.message
        : `Could not read the inputs: ${(err as Error).message}`,
    );
    return;
  }

  const stage = STAGES[settings.stage];
  const role = stage.hostless ? null : settings.role;
  const folder = new RunFolder(settings.runFolder, settings.stage, role);
  const record: StageRecord = {
    tool: 'jams-upgrade',
    stage: settings.stage,
    role: role ?? 'none',
    dryRun: settings.dryRun,
    lab: settings.labFolder !== null,
    run: runInfo(),
    startedAt: new Date().toISOString(),
    status: 'running',
    actions: [],
    warnings: [],
    data: {},
  };
  const host = stage.hostless
    ? noHost(settings.stage)
    : makeHost(settings, (line) => folder.transcript(line));
  const ctx = new StageContext(settings, host, record, folder);
  try {
    // The one place every stage says, first in its log, that the gates of its run were not protected.
    if (settings.gateProtection === 'unprotected') ctx.log.warn(UNPROTECTED_GATES_WARNING);
    if (record.lab) ctx.log.info(`LAB: running against the simulated JAMS pair in ${settings.labFolder}`);
    if (stage.hostless) ctx.log.info(`${settings.stage}: runs without a JAMS host`);
    else await connect(ctx, host);
    await core.group(stage.hostless ? settings.stage : `${settings.stage} (${settings.role})`, () =>
      stage.run(ctx),
    );
    record.status = 'succeeded';
  } catch (err) {
    record.status = 'failed';
    record.failure =
      err instanceof StageError
        ? err.toFailure()
        : {
            message: (err as Error).message,
            hostState:
              'Unknown: the stage stopped on an unexpected error; see the services table and stage.log.',
            nextStep:
              'Read stage.log and powershell-transcript.log in this job artifact, fix the cause, then re-run this job ' +
              '(every stage is safe to re-run).',
          };
  } finally {
    await host.close();
    record.finishedAt = new Date().toISOString();
    folder.writeRecord(record);
    setOutputs(record, folder.recordPath);
    folder.log(headline(record));
    await summarize(record, folder, ctx.summarySections, gatesUnprotected(settings, record)).catch(
      (e: Error) => core.warning(`No job summary: ${e.message}`),
    );
  }
  if (record.failure) {
    core.setFailed(
      `${record.failure.message}\nLeft in: ${record.failure.hostState}\nNext step: ${record.failure.nextStep}`,
    );
  }
}

/** The gates of this run are unprotected: as the gates job found them (gate-protection), or as this gates stage did. */
export function gatesUnprotected(settings: Settings, record: StageRecord): boolean {
  return settings.gateProtection === 'unprotected' || record.data.gates?.verdict === 'unprotected';
}

/**
 * The job summary (src/report/summary.ts), with the unprotected-gates warning above everything else when `banner`:
 * written to the step summary before the stage's (which appends), and put first in the stage folder's summary.md.
 */
async function summarize(
  record: StageRecord,
  folder: RunFolder,
  sections: readonly string[],
  banner: boolean,
): Promise<void> {
  if (banner && process.env['GITHUB_STEP_SUMMARY']) {
    await core.summary.emptyBuffer().addRaw(UNPROTECTED_GATES_BANNER).write();
  }
  await writeSummary(record, folder.recordPath, folder.summaryPath, sections);
  if (banner)
    writeFileSync(folder.summaryPath, UNPROTECTED_GATES_BANNER + readFileSync(folder.summaryPath, 'utf8'));
}

/** Refuses a non-Windows runner outside the lab, then reads which host this is. */
async function connect(ctx: StageContext, host: Host): Promise<void> {
  const { settings, record } = ctx;
  if (!record.lab && process.platform !== 'win32') {
    throw new StageError(
      `jams-upgrade runs on the Windows scheduler host, and this runner is ${process.platform}.`,
      'Nothing was changed.',
      'Run this job on the self-hosted Windows runner of the scheduler (runs-on with its labels).',
    );
  }
  record.host = await host.platform();
  ctx.log.info(
    `${settings.stage} on ${record.host.computerName} (${settings.role}), PowerShell ${record.host.psVersion}` +
      `${settings.dryRun ? ', dry-run: nothing will be changed' : ''}`,
  );
}

function setOutputs(record: StageRecord, recordPath: string): void {
  core.setOutput('status', record.dryRun && record.status === 'succeeded' ? 'dry-run' : record.status);
  core.setOutput('record-path', recordPath);
  if (record.servicesAfter) core.setOutput('services', JSON.stringify(record.servicesAfter));
  for (const [name, value] of dataOutputs(record.data)) core.setOutput(name, value);
}
