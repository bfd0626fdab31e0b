// Runs the built action the way the Actions runner does: `node dist/index.js` with one INPUT_<NAME> variable per
// input (hyphens kept) and a GITHUB_OUTPUT file, then reads the outputs back. Used by `npm run rehearse`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Parses the runner's GITHUB_OUTPUT file format (name<<delimiter / value / delimiter). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const end = lines.indexOf(m[2] ?? '', i + 1);
    outputs[m[1] ?? ''] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export interface ActionRun {
  /** The process exit code; null when it was killed (timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/**
 * Starts `node <entry>` with the inputs as INPUT_* variables (and no INPUT_* inherited from this process), the
 * extra environment given, and a fresh GITHUB_OUTPUT file.
 */
export function runBuiltAction(
  inputs: Record<string, string>,
  options: { env?: NodeJS.ProcessEnv; entry?: string; timeoutMs?: number } = {},
): ActionRun {
  const scratch = mkdtempSync(join(tmpdir(), 'ju-outputs-'));
  const outputFile = join(scratch, 'github-output.txt');
  writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_') && key !== 'GITHUB_STEP_SUMMARY'),
  );
  Object.assign(env, options.env, { GITHUB_OUTPUT: outputFile });
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  try {
    const r = spawnSync(process.execPath, [options.entry ?? 'dist/index.js'], {
      env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return {
      status: r.status,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
