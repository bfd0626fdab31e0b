import { describe } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutputs } from '../../lab/runner.js';
import { TIMING_PROFILES, cloneLab, createLab, setTiming } from '../../lab/control.js';
import { labSession, type LabSessionHooks } from '../../lab/lab-hook.mjs';
import { PowerShellHost, sessionOptions } from '../../src/host/powershell-host.js';
import { PowerShellSession } from '../../src/host/powershell-session.js';
import { DEFAULT_INSTALL_FOLDER } from '../../src/jams/unverified.js';
import { hostOptions, powerShellHost, run, type HostFactory } from '../../src/main.js';
import type { StageRecord } from '../../src/report/record.js';

// Shared with the rehearsal, which reads the outputs of the built action the same way.
export { parseOutputs };

export interface StageResult {
  exitCode: number;
  outputs: Record<string, string>;
  record: StageRecord;
  stdout: string;
}

/**
 * describe on POSIX hosts only: for tests that start the lab installer (a shell-script stub) or kill process groups.
 * The Windows CI job runs the rest under Windows PowerShell 5.1.
 */
export const describeOnPosix = process.platform === 'win32' ? describe.skip : describe;

/** The PowerShell the lab tests drive: pwsh here, Windows PowerShell 5.1 in the Windows CI job. */
export function testShell(): 'pwsh' | 'powershell' {
  return process.env['JAMS_UPGRADE_TEST_SHELL'] === 'powershell' ? 'powershell' : 'pwsh';
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ju-${prefix}-`));
}

/**
 * The healthy pair new labs are copied from: created once per machine and version of the lab's files, since creating
 * one starts PowerShell. Parallel test files race to create it; the first rename wins, the others use it.
 */
async function templateLab(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of readdirSync('lab', { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join('lab', file);
    if (statSync(path).isFile()) hash.update(file).update(readFileSync(path));
  }
  const folder = join(tmpdir(), `ju-lab-template-${testShell()}-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(folder, 'pair', 'state.json'))) {
    const building = tempDir('template');
    await createLab(join(building, 'pair'), testShell());
    try {
      renameSync(building, folder);
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  return join(folder, 'pair');
}

/**
 * A fresh healthy lab pair and an empty run folder, for one test: a copy of the template pair, with the short delays
 * of TIMING_PROFILES.test unless `timing: 'lab'` keeps the lab's own.
 */
export async function freshLab(
  options: { timing?: 'test' | 'lab' } = {},
): Promise<{ lab: string; runs: string }> {
  const lab = join(tempDir('lab'), 'pair');
  cloneLab(await templateLab(), lab);
  if ((options.timing ?? 'test') === 'test') setTiming(lab, TIMING_PROFILES.test);
  return { lab, runs: tempDir('run') };
}

/** A PowerShell host on the lab's primary, for a test that calls the host directly; close it after the test. */
export function labHost(lab: string, installFolder = DEFAULT_INSTALL_FOLDER): PowerShellHost {
  return new PowerShellHost({
    shell: testShell(),
    installFolder,
    callTimeoutMs: 30_000,
    hooks: labSession(lab, 'primary'),
  });
}

/**
 * PowerShell sessions kept across the stages and tests of one test file, one per node, shell and secrets, and pointed
 * at each stage's lab: starting PowerShell and loading the lab costs more CPU than most stages. runStage's `fresh`
 * gives a stage its own process, as on a runner, for tests about what crosses a process boundary. The sessions end
 * with the test file (helpers/setup.ts).
 */
const sessions = new Map<
  string,
  {
    session: PowerShellSession;
    hooks: LabSessionHooks | undefined;
    transcript: { write: (line: string) => void };
  }
>();

const keptSession: HostFactory = (settings, transcript) => {
  const options = hostOptions(settings, transcript);
  const key = JSON.stringify([
    options.shell,
    options.installFolder,
    options.stateFolder,
    options.callTimeoutMs,
    options.secretEnv,
  ]);
  let kept = sessions.get(key);
  if (!kept) {
    const sink = { write: transcript };
    const hooks = settings.labFolder ? labSession(settings.labFolder, settings.role) : undefined;
    kept = {
      session: new PowerShellSession(sessionOptions({ ...options, hooks, transcript: (l) => sink.write(l) })),
      hooks,
      transcript: sink,
    };
    sessions.set(key, kept);
  }
  kept.transcript.write = transcript;
  if (settings.labFolder) kept.hooks?.useLab(settings.labFolder, settings.role);
  const host = new PowerShellHost(options, kept.session);
  return new Proxy(host, {
    get: (target, name, receiver) =>
      name === 'close' ? () => Promise.resolve() : (Reflect.get(target, name, receiver) as unknown),
  });
};

export async function closeSessions(): Promise<void> {
  const kept = [...sessions.values()].map((s) => s.session);
  sessions.clear();
  await Promise.all(kept.map((s) => s.dispose()));
}

/**
 * Runs the action in-process exactly as the runner would (INPUT_* variables, GITHUB_OUTPUT), with the real
 * PowerShell host against the lab, and returns its exit code, outputs and record. `env` adds runner variables for this
 * stage only (GITHUB_RUN_ID: which workflow run it belongs to).
 */
export async function runStage(
  lab: string,
  runFolder: string,
  inputs: Record<string, string>,
  options: { fresh?: boolean; host?: HostFactory; env?: Record<string, string> } = {},
): Promise<StageResult> {
  const saved = { ...process.env };
  process.env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_')));
  Object.assign(process.env, options.env);
  // Outside the run folder, so a test can see that a refused run wrote nothing there.
  const scratch = tempDir('outputs');
  const outputFile = join(scratch, 'github-output.txt');
  writeFileSync(outputFile, '');
  process.env['GITHUB_OUTPUT'] = outputFile;
  delete process.env['GITHUB_STEP_SUMMARY'];
  process.env['JAMS_UPGRADE_LAB'] = lab;
  process.env['INPUT_RUN-FOLDER'] = runFolder;
  process.env['INPUT_SHELL'] = testShell();
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(chunk.toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    await run(options.host ?? (options.fresh ? powerShellHost : keptSession));
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
  rmSync(scratch, { recursive: true, force: true });
  const recordPath = outputs['record-path'];
  const record = recordPath
    ? (JSON.parse(readFileSync(recordPath, 'utf8')) as StageRecord)
    : ({} as StageRecord);
  return { exitCode, outputs, record, stdout: written.join('') };
}

/** Kills a detached child's whole process group (PowerShell included) and waits until the child is gone. */
export async function killGroup(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) =>
    child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null),
  );
  process.kill(-(child.pid ?? 0), 'SIGKILL');
  await gone;
}
