// `npm run rehearse [-- --fault <name>] [--profile <name>] [--no-stage] [--dry-run] [--out <folder>]`: the whole
// upgrade against a fresh lab pair, through the built action (dist/), in the pipeline's order (src/pipeline.ts). Gates
// are approved automatically. Each stage's summary is printed; the run folders and the report stay in ./rehearsal.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { convert } from 'html-to-text';
import * as control from '../lab/control.js';
import { LAB_PASSWORD, writeLabInstaller } from '../lab/control.js';
import { runBuiltAction } from '../lab/runner.js';
import type { AuditReport } from '../src/report/audit.js';
import { PIPELINE, type StageStep } from '../src/pipeline.js';
import { REPORT_MARKDOWN } from '../src/stages/report.js';

const TARGET_VERSION = '7.4.0';

/**
 * The one table of stage inputs for the rehearsal, by action input name. Each stage gets the ones its pipeline
 * step names (src/pipeline.ts), exactly as the workflow passes them.
 */
function rehearsalInputs(labFolder: string): Record<string, string> {
  const installer = writeLabInstaller(labFolder, TARGET_VERSION);
  return {
    'target-version': TARGET_VERSION,
    'installer-path': installer.windowsPath,
    'installer-sha256': installer.sha256,
    'install-folder': '',
    'install-timeout-seconds': '120',
    'backup-path': '\\\\FILES\\backup\\jams',
    'sql-server': 'SQL01',
    'sql-database': 'JAMS',
    'sql-auth': 'windows',
    'sql-user': '',
    'sql-password': '',
    'snapshot-script': '',
    'maintenance-resource': 'Maintenance_Window',
    'drain-timeout-seconds': '60',
    'service-timeout-seconds': '30',
    'role-timeout-seconds': '60',
    'scheduler-password': LAB_PASSWORD,
    'server-password': LAB_PASSWORD,
    agents: 'all',
    'agent-method': 'deploy',
    'agents-parallel': '8',
    'agent-timeout-seconds': '60',
    'on-agent-failure': 'warn',
    // The desktop clients get the installer the scheduler was upgraded with.
    clients: 'ws01.corp.example, ws02.corp.example',
    'client-installer-path': installer.windowsPath,
    'client-installer-sha256': installer.sha256,
    'client-installer-arguments': '',
  };
}

const { values: args } = parseArgs({
  options: {
    fault: { type: 'string' },
    profile: { type: 'string' },
    'no-stage': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    out: { type: 'string', default: 'rehearsal' },
    help: { type: 'boolean', default: false },
  },
});
const faults = Object.entries(control.FAULTS)
  .map(([name, f]) => `  ${name.padEnd(24)} ${f.description}`)
  .join('\n');
const profiles = Object.keys(control.TIMING_PROFILES).join(', ');
const badFault = args.fault !== undefined && !(args.fault in control.FAULTS);
const badProfile = args.profile !== undefined && !(args.profile in control.TIMING_PROFILES);
if (args.help || badFault || badProfile) {
  if (badFault) console.error(`Unknown fault '${args.fault}'.`);
  if (badProfile) console.error(`Unknown profile '${args.profile}': use one of ${profiles}.`);
  console.log(
    'npm run rehearse [-- --fault <name>] [--profile <name>] [--no-stage] [--dry-run] [--out <folder>]\n\n' +
      `--profile: the lab's delays (${profiles}); realistic is a real pair's, 60 times faster.\n` +
      '--no-stage: preflight stages no installer (staging-timeout-seconds: 0), so upgrade reads it from the share.\n' +
      `\nFaults:\n${faults}`,
  );
  process.exit(args.help ? 0 : 2);
}

const out = resolve(args.out);
const labFolder = join(out, 'lab');
const runFolder = join(out, 'runs');
const entry = resolve('dist/index.js');
if (!existsSync(entry)) {
  console.error('dist/index.js is missing: run `npm run package` first.');
  process.exit(2);
}

const rule = (title: string) => console.log(`\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`);
/** summary.md is the job summary's HTML: shown as text with its tables. */
const asText = (html: string) =>
  convert(html, {
    wordwrap: 120,
    selectors: [
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  });

function inputsFor(
  step: StageStep,
  table: Record<string, string>,
  outputs: Map<string, Record<string, string>>,
) {
  const inputs: Record<string, string> = {
    stage: step.stage,
    ...(step.role ? { role: step.role } : {}),
    'dry-run': String(args['dry-run']),
    'run-folder': runFolder,
  };
  for (const name of [...step.inputs, ...Object.keys(step.secrets)]) inputs[name] = table[name] ?? '';
  for (const [name, from] of Object.entries(step.fromJobs)) {
    inputs[name] = outputs.get(from.job)?.[from.output] ?? '';
  }
  if (args['no-stage'] && step.stage === 'preflight') inputs['staging-timeout-seconds'] = '0';
  return inputs;
}

function runStep(
  step: StageStep,
  table: Record<string, string>,
  outputs: Map<string, Record<string, string>>,
) {
  rule(`${step.title}: node dist/index.js`);
  const r = runBuiltAction(inputsFor(step, table, outputs), {
    entry,
    env: {
      JAMS_UPGRADE_LAB: labFolder,
      GITHUB_ACTOR: userInfo().username,
      GITHUB_TRIGGERING_ACTOR: userInfo().username,
      GITHUB_WORKFLOW: 'npm run rehearse',
      GITHUB_JOB: step.job,
    },
  });
  outputs.set(step.job, r.outputs);
  const folder = join(runFolder, step.role ? `${step.stage}-${step.role}` : step.stage);
  const summary = join(folder, step.role ? 'summary.md' : REPORT_MARKDOWN);
  if (existsSync(summary)) {
    const text = readFileSync(summary, 'utf8');
    console.log(step.role ? asText(text) : text);
  } else {
    // No summary (the inputs were refused): the action's own error lines say why.
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    console.log(errors.map((l) => l.replace(/^::error::/, '').replace(/%0A/g, '\n')).join('\n') || r.stderr);
  }
  console.log(
    `-> exit ${r.status}, status ${r.outputs['status'] ?? 'none'}; logs in ${relative('.', folder)}`,
  );
  return r.status === 0;
}

// The PowerShell the action's shell: auto picks, so the lab is created by the same one.
await control.createLab(labFolder, process.platform === 'win32' ? 'powershell' : 'pwsh');
rmSync(runFolder, { recursive: true, force: true });
console.log(
  `LAB: a fresh simulated JAMS pair in ${relative('.', labFolder)}; run folders in ${relative('.', runFolder)}`,
);
if (args.profile) {
  const profile = args.profile as keyof typeof control.TIMING_PROFILES;
  control.setTiming(labFolder, control.TIMING_PROFILES[profile]);
  console.log(`TIMING: the ${profile} profile (lab/control.ts TIMING_PROFILES)`);
}
if (args.fault) {
  control.injectFault(labFolder, args.fault);
  console.log(`FAULT injected: ${args.fault}: ${control.FAULTS[args.fault]?.description}`);
}
const table = rehearsalInputs(labFolder);
const outputs = new Map<string, Record<string, string>>();
const report = PIPELINE.flat().find((s): s is StageStep => s.kind === 'stage' && s.role === null);
let failed: string | null = null;

for (const step of PIPELINE.flat()) {
  if (step === report) continue;
  if (failed) {
    console.log(`-- ${step.title}: not run, ${failed} failed`);
    continue;
  }
  if (step.kind === 'gate') {
    rule(`${step.title}: AUTO-APPROVED by the rehearsal`);
    console.log(`In a workflow run, a reviewer of the protected environment approves ${step.approves}.`);
    continue;
  }
  if (!runStep(step, table, outputs)) failed = step.title;
}
// The report runs whatever happened, as in the workflow.
if (report) runStep(report, table, outputs);

const result = report ? outputs.get(report.job)?.['result'] : undefined;
const reportFile = join(runFolder, 'report', 'report.json');
if (existsSync(reportFile)) {
  const audit = JSON.parse(readFileSync(reportFile, 'utf8')) as AuditReport;
  const parts = audit.downtimeBreakdown.parts;
  if (parts.length) {
    const sum = parts.reduce((total, p) => total + p.ms, 0) / 1000;
    rule(
      `DOWNTIME ${audit.downtime.seconds} s (measured); its ${parts.length} parts add up to ${sum.toFixed(1)} s` +
        `; the longest: ${parts[0]?.where ? `${parts[0].where}: ` : ''}${parts[0]?.part}`,
    );
  }
}
rule(
  `${failed ? `REHEARSAL FAILED at ${failed}` : 'REHEARSAL SUCCEEDED'}; the report says: ${result ?? 'no report'}`,
);
console.log(
  `Run folders: ${relative('.', runFolder)}  Report: ${relative('.', join(runFolder, 'report', 'report.json'))}`,
);
process.exitCode = failed ? 1 : 0;
