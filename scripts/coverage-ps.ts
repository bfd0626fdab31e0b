// `npm run coverage:ps [-- --report <folder>]`: line coverage of src/host/ps/Platform.Windows.ps1, the file that meets
// a real host, measured while `npm test` runs it against the lab. Every lab session records the lines it ran (lab/ps/
// Lab.Coverage.ps1) into one folder; this merges them. With --report it only merges a folder an earlier run filled
// (CI runs the suite once, with JAMS_UPGRADE_PS_COVERAGE set). The last line is `Platform.Windows.ps1: N of M lines run`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COVERAGE_VARIABLE } from '../lab/lab-hook.mjs';

const PLATFORM = 'src/host/ps/Platform.Windows.ps1';
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

// Statement lines of the Platform* functions, by line number: the same list the sessions count.
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
if (listed.status !== 0) throw new Error(`Could not list the platform file's lines: ${listed.stderr}`);
const lines = new Map(
  Object.entries(JSON.parse(listed.stdout) as Record<string, string>).map(([l, f]) => [Number(l), f]),
);

const hits = new Set<number>();
for (const file of existsSync(folder) ? readdirSync(folder) : []) {
  if (!file.endsWith('.json')) continue;
  const report = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { script: string; hits: number[] };
  if (report.script === 'Platform.Windows.ps1') report.hits.forEach((h) => hits.add(h));
}

const functions = new Map<string, { run: number; total: number; missed: number[] }>();
for (const [line, name] of [...lines].sort((a, b) => a[0] - b[0])) {
  const f = functions.get(name) ?? { run: 0, total: 0, missed: [] };
  f.total++;
  if (hits.has(line)) f.run++;
  else f.missed.push(line);
  functions.set(name, f);
}
for (const [name, f] of functions) {
  const missed = f.missed.length ? `; not run: lines ${f.missed.join(', ')}` : '';
  console.log(`${f.run === 0 ? 'NEVER RUN ' : ''}${name}: ${f.run} of ${f.total}${missed}`);
}
const run = [...lines.keys()].filter((l) => hits.has(l)).length;
console.log(`Platform.Windows.ps1: ${run} of ${lines.size} lines run`);
process.exitCode = status;
