// `npm run coverage:ps [-- --report <folder>]`: line coverage of src/host/ps/platform/*.ps1, the code that meets a real
// host, measured while `npm test` runs it against the lab. Every lab session records the lines it ran (lab/ps/
// Lab.Coverage.ps1) into one folder; this merges them. With --report it only merges a folder an earlier run filled
// (CI runs the suite once, with JAMS_UPGRADE_PS_COVERAGE set). The last line is `platform: N of M lines run`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COVERAGE_VARIABLE } from '../lab/lab-hook.mjs';

const PLATFORM = 'src/host/ps/platform';
const { values: args } = parseArgs({ options: { report: { type: 'string' } } });

const folder = args.report ?? mkdtempSync(join(tmpdir(), 'ju-ps-coverage-'));
let status = 0;
if (!args.report) {
  const run = spawnSync('npm', ['test', '--', '--ci'], {
    stdio: 'inherit',
    env: { ...process.env, [COVERAGE_VARIABLE]: folder },
  });
  status = run.status ?? 1;
}

// Statement lines of the Platform* functions, as '<file>:<line>': the same list the sessions count.
const listed = spawnSync(
  'pwsh',
  [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `. ./lab/ps/Lab.Coverage.ps1; Get-LabCoverageLines -Script ${PLATFORM} | ConvertTo-Json`,
  ],
  { encoding: 'utf8' },
);
if (listed.status !== 0) throw new Error(`Could not list the platform's lines: ${listed.stderr}`);
const at = (key: string) => {
  const [file = '', line = '0'] = key.split(':');
  return { file, line: Number(line) };
};
const lines = new Map(
  Object.entries(JSON.parse(listed.stdout) as Record<string, string>).sort(([a], [b]) => {
    const [x, y] = [at(a), at(b)];
    return x.file === y.file ? x.line - y.line : x.file < y.file ? -1 : 1;
  }),
);

const hits = new Set<string>();
for (const file of existsSync(folder) ? readdirSync(folder) : []) {
  if (!file.endsWith('.json')) continue;
  const report = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { script: string; hits: string[] };
  report.hits.forEach((h) => hits.add(h));
}

const functions = new Map<string, { file: string; run: number; total: number; missed: number[] }>();
for (const [key, name] of lines) {
  const { file, line } = at(key);
  const f = functions.get(name) ?? { file, run: 0, total: 0, missed: [] };
  f.total++;
  if (hits.has(key)) f.run++;
  else f.missed.push(line);
  functions.set(name, f);
}
for (const [name, f] of functions) {
  const missed = f.missed.length ? `; not run: lines ${f.missed.join(', ')}` : '';
  console.log(`${f.run === 0 ? 'NEVER RUN ' : ''}${f.file} ${name}: ${f.run} of ${f.total}${missed}`);
}
const run = [...lines.keys()].filter((l) => hits.has(l)).length;
console.log(`platform: ${run} of ${lines.size} lines run (${((100 * run) / lines.size).toFixed(1)} %)`);
process.exitCode = status;
