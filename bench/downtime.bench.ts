// What staging the installer saves, measured in one run on one machine: the rehearsal of the whole upgrade with a real
// pair's delays (--profile realistic) and a slow installer share (lab fault slow-share), once as it runs by default
// (preflight stages the installer before the stop) and once with --no-stage (upgrade reads the share during the
// downtime). Then the order: the staged run (the vendor's order) against order resume-after-primary, staged too, whose
// downtime leaves out the secondary's install. Prints the downtimes and where they went; the line before the last is
// `order ratio: N`, vendor over resume-after-primary, and the last `ratio: N`, unstaged over staged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditReport } from '../src/report/audit.js';
import type { Breakdown } from '../src/report/breakdown.js';
import { formatMs } from '../src/report/audit-markdown.js';

const scratch = mkdtempSync(join(tmpdir(), 'ju-bench-downtime-'));

function rehearse(name: string, extra: string[]): Breakdown {
  const out = join(scratch, name);
  const started = Date.now();
  const args = [
    'scripts/rehearse.ts',
    '--profile',
    'realistic',
    '--fault',
    'slow-share',
    '--out',
    out,
    ...extra,
  ];
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = join(out, 'runs', 'report', 'report.json');
  if (run.status !== 0 || !existsSync(report)) {
    console.error(`${run.stdout.split('\n').slice(-40).join('\n')}\n${run.stderr}`);
    throw new Error(`npm run rehearse -- ${args.slice(1).join(' ')} failed (exit ${run.status}).`);
  }
  const audit = JSON.parse(readFileSync(report, 'utf8')) as AuditReport;
  console.log(`${name}: the rehearsal took ${formatMs(Date.now() - started)}; run folders in ${out}`);
  return audit.downtimeBreakdown;
}

function show(title: string, b: Breakdown): void {
  console.log(`\n${title}: downtime ${formatMs(b.totalMs)}`);
  for (const p of b.parts.slice(0, 6)) {
    console.log(`  ${formatMs(p.ms).padStart(8)}  ${p.where ? `${p.where}: ` : ''}${p.part}`);
  }
}

if (!existsSync('dist/index.js')) {
  console.error('dist/index.js is missing: run `npm run package` first.');
  process.exit(2);
}
const staged = rehearse('staged', []);
const unstaged = rehearse('unstaged', ['--no-stage']);
const afterPrimary = rehearse('resume-after-primary', ['--order', 'resume-after-primary']);
show('staged (preflight copies the installer before the stop)', staged);
show('unstaged (--no-stage: upgrade reads the slow share during the downtime)', unstaged);
show('order resume-after-primary, staged (the secondary is upgraded after the downtime)', afterPrimary);
const seconds = (b: Breakdown) => `${(b.totalMs / 1000).toFixed(1)} s`;
console.log(`\nstaged downtime: ${seconds(staged)}`);
console.log(`unstaged downtime: ${seconds(unstaged)}`);
console.log(`resume-after-primary downtime: ${seconds(afterPrimary)}`);
console.log(`order ratio: ${(staged.totalMs / afterPrimary.totalMs).toFixed(2)}`);
console.log(`ratio: ${(unstaged.totalMs / staged.totalMs).toFixed(2)}`);
