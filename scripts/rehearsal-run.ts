// Runs the pipeline model's steps through the built action (dist/) against a lab pair, as the workflow's jobs would:
// each stage step is one `node dist/index.js` with its inputs, gates are approved by the rehearsal. `npm run rehearse`
// (scripts/rehearse.ts) and its fleet rehearsals (scripts/rehearse-fleet.ts) run through here.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { userInfo } from 'node:os';
import { convert } from 'html-to-text';
import { INSTALLER_SHARE, LAB_PASSWORD, writeLabInstaller } from '../lab/control.js';
import { runBuiltAction } from '../lab/runner.js';
import { pipelineFor, type PipelineName, type StageStep } from '../src/pipeline.js';
import type { ResumeGate, UpgradeOrder } from '../src/jams/upgrade-order.js';
import { FLEET_REPORT_MARKDOWN } from '../src/stages/fleet-report.js';
import { REPORT_MARKDOWN } from '../src/stages/report.js';

export const rule = (title: string) => console.log(`\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`);

/** summary.md is the job summary's HTML: shown as text with its tables. */
const asText = (html: string) =>
  convert(html, {
    wordwrap: 120,
    selectors: [
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  });

export const TARGET_VERSION = '7.4.0';
/** The lab pair's own version, the one a rollback returns to. */
export const PREVIOUS_VERSION = '7.2.100';

/**
 * The one table of stage inputs for the rehearsal, by action input name. Each stage gets the ones its pipeline
 * step names (src/pipeline.ts), exactly as the workflow passes them.
 */
export function rehearsalInputs(
  labFolder: string,
  order: UpgradeOrder = 'vendor',
  resumeGate: ResumeGate = 'after-agents',
): Record<string, string> {
  const installer = writeLabInstaller(labFolder, TARGET_VERSION);
  return {
    'target-version': TARGET_VERSION,
    'installer-path': installer.windowsPath,
    'installer-sha256': installer.sha256,
    'staging-timeout-seconds': '120',
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
    // The trust roots, as the hosts environment's variables give them (JAMS_FILE_SHARE_ROOT, ...).
    'file-share-root': `\\\\${INSTALLER_SHARE}`,
    'agent-hosts-allowed': '*.corp.example',
    'agent-msi-signer': '',
    // The gate check has no GitHub here (no token): it says so and checks nothing.
    'gate-environment': 'jams-lab',
    'allow-unprotected-gates': '',
    order,
    'resume-gate': resumeGate,
  };
}

/** How a rehearsal runs the action: the build, the lab pair, the graph and where the job logs go. */
export interface Rehearsal {
  entry: string;
  labFolder: string;
  order: UpgradeOrder;
  resumeGate: ResumeGate;
  /** preflight stages no installer (staging-timeout-seconds: 0). */
  noStage: boolean;
  /** A folder for each step's stdout, stderr and outputs, as the runner's job log would show them. */
  logs?: string;
}

/** One workflow run of a pipeline: its own run folder and run id, as two workflow runs on GitHub have. */
export interface Phase {
  pipeline: PipelineName | 'fleet';
  runFolder: string;
  runId: string;
  dryRun: boolean;
  /** One line per step instead of each summary. */
  quiet: boolean;
  table: Record<string, string>;
  outputs: Map<string, Record<string, string>>;
}

function inputsFor(step: StageStep, phase: Phase, rehearsal: Rehearsal) {
  const inputs: Record<string, string> = {
    stage: step.stage,
    ...(step.role ? { role: step.role } : {}),
    'dry-run': String(phase.dryRun),
    'run-folder': phase.runFolder,
    ...step.fixed,
  };
  for (const name of [...step.inputs, ...step.trusted, ...Object.keys(step.secrets)]) {
    inputs[name] = phase.table[name] ?? '';
  }
  for (const [name, from] of Object.entries(step.fromJobs)) {
    inputs[name] = phase.outputs.get(from.job)?.[from.output] ?? '';
  }
  if (rehearsal.noStage && step.stage === 'preflight') inputs['staging-timeout-seconds'] = '0';
  return inputs;
}

const OWN_MARKDOWN: Readonly<Record<string, string>> = {
  report: REPORT_MARKDOWN,
  'fleet-report': FLEET_REPORT_MARKDOWN,
};

/** The folder a step writes into (the report stages' own names are their stage's). */
export function stepFolder(step: StageStep, phase: Phase): string {
  return join(phase.runFolder, step.role ? `${step.stage}-${step.role}` : step.stage);
}

/** One stage step: its summary printed (or one line, quiet); true when it succeeded. */
export function runStep(step: StageStep, phase: Phase, rehearsal: Rehearsal): boolean {
  if (!phase.quiet) rule(`${phase.pipeline}: ${step.title}: node dist/index.js`);
  const r = runBuiltAction(inputsFor(step, phase, rehearsal), {
    entry: rehearsal.entry,
    env: {
      JAMS_UPGRADE_LAB: rehearsal.labFolder,
      GITHUB_RUN_ID: phase.runId,
      GITHUB_ACTOR: userInfo().username,
      GITHUB_TRIGGERING_ACTOR: userInfo().username,
      GITHUB_WORKFLOW: `npm run rehearse (${phase.pipeline})`,
      GITHUB_JOB: step.job,
    },
  });
  phase.outputs.set(step.job, r.outputs);
  if (rehearsal.logs) {
    mkdirSync(rehearsal.logs, { recursive: true });
    const name = `${phase.pipeline}-${step.job}`;
    writeFileSync(join(rehearsal.logs, `${name}.stdout.log`), r.stdout);
    writeFileSync(join(rehearsal.logs, `${name}.stderr.log`), r.stderr);
    writeFileSync(join(rehearsal.logs, `${name}.outputs.json`), JSON.stringify(r.outputs, null, 2));
  }
  const folder = stepFolder(step, phase);
  // The report stages' own Markdown, else the job summary (HTML tables).
  const own = OWN_MARKDOWN[step.stage];
  const summary = join(folder, own && existsSync(join(folder, own)) ? own : 'summary.md');
  if (phase.quiet) {
    console.log(
      `${phase.pipeline}: ${step.title}: exit ${r.status}, status ${r.outputs['status'] ?? 'none'}`,
    );
    return r.status === 0;
  }
  if (existsSync(summary)) {
    const text = readFileSync(summary, 'utf8');
    console.log(summary.endsWith('summary.md') ? asText(text) : text);
  } else {
    // No summary (the inputs were refused, or a stage of its own report): the action's own lines say why.
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    console.log(errors.map((l) => l.replace(/^::error::/, '').replace(/%0A/g, '\n')).join('\n') || r.stderr);
  }
  console.log(
    `-> exit ${r.status}, status ${r.outputs['status'] ?? 'none'}; logs in ${relative('.', folder)}`,
  );
  return r.status === 0;
}

/** The pipeline's steps in order; the first failed stage stops it, and the report runs anyway, as in the workflow. */
export function runPipeline(
  phase: Phase & { pipeline: PipelineName },
  rehearsal: Rehearsal,
): { failed: string | null; result: string | undefined } {
  rmSync(phase.runFolder, { recursive: true, force: true });
  const steps = pipelineFor(phase.pipeline, rehearsal.order, rehearsal.resumeGate).flat();
  const report = steps.find((s): s is StageStep => s.kind === 'stage' && s.stage === 'report');
  let failed: string | null = null;
  for (const step of steps) {
    if (step === report) continue;
    if (failed) {
      if (!phase.quiet) console.log(`-- ${step.title}: not run, ${failed} failed`);
      continue;
    }
    if (step.kind === 'gate') {
      if (phase.quiet) continue;
      rule(`${phase.pipeline}: ${step.title}: AUTO-APPROVED by the rehearsal`);
      console.log(`In a workflow run, a reviewer of the protected environment approves ${step.approves}.`);
      // The downtime gate's job shows the order preflight (primary) states (output order-plan).
      const order = phase.outputs.get('preflight-primary')?.['order-plan'];
      if (step.job === 'approve-downtime' && order) console.log(order);
      // The rollback gate's job shows the backup from preflight (primary)'s restore-plan output.
      const plan = phase.outputs.get('preflight-primary')?.['restore-plan'];
      if (step.job === 'approve-rollback' && plan) {
        const shown = JSON.parse(plan) as Record<string, string>;
        for (const [key, value] of Object.entries(shown)) console.log(`  ${key.padEnd(12)} ${value}`);
      }
      continue;
    }
    if (!runStep(step, phase, rehearsal)) failed = step.title;
  }
  if (report) runStep(report, phase, rehearsal);
  return { failed, result: report ? phase.outputs.get(report.job)?.['result'] : undefined };
}
