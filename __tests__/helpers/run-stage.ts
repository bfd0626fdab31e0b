import { describe } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutputs } from '../../lab/runner.js';
import { createLab } from '../../lab/control.js';
import { run } from '../../src/main.js';
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

/** A fresh healthy lab pair and an empty run folder, for one test. */
export async function freshLab(): Promise<{ lab: string; runs: string }> {
  const lab = join(tempDir('lab'), 'pair');
  await createLab(lab);
  return { lab, runs: tempDir('run') };
}

/**
 * Runs the action in-process exactly as the runner would (INPUT_* variables, GITHUB_OUTPUT), with the real
 * PowerShell host against the lab, and returns its exit code, outputs and record.
 */
export async function runStage(
  lab: string,
  runFolder: string,
  inputs: Record<string, string>,
): Promise<StageResult> {
  const saved = { ...process.env };
  process.env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_')));
  const outputFile = join(runFolder, `outputs-${Date.now()}-${Math.random().toString(16).slice(2)}.txt`);
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
    await run();
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
  rmSync(outputFile);
  const recordPath = outputs['record-path'];
  const record = recordPath
    ? (JSON.parse(readFileSync(recordPath, 'utf8')) as StageRecord)
    : ({} as StageRecord);
  return { exitCode, outputs, record, stdout: written.join('') };
}
