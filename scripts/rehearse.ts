// `npm run rehearse [-- --fault <name>[@node]] [--order <order>] [--resume-gate <gate>] [--then-rollback |
// --rollback-only] [--profile <name>] [--no-stage] [--dry-run] [--out <folder>]`: the whole upgrade against a fresh lab
// pair, through the built action (dist/), in the pipeline's order (src/pipeline.ts, the graph --order and
// --resume-gate choose), and on request the rollback after it (docs/rollback.md). Gates are approved automatically.
// Each stage's summary is printed; the run folders and the reports stay in ./rehearsal. `--fleet <env>,...` and
// `--status <env>,...` rehearse the fleet workflows instead (scripts/rehearse-fleet.ts, docs/fleet.md).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as control from '../lab/control.js';
import { writeLabInstaller } from '../lab/control.js';
import type { AuditReport } from '../src/report/audit.js';
import {
  RESUME_GATES,
  UPGRADE_ORDERS,
  type ResumeGate,
  type UpgradeOrder,
} from '../src/jams/upgrade-order.js';
import { PREVIOUS_VERSION, rehearsalInputs, rule, runPipeline, type Rehearsal } from './rehearsal-run.js';
import { rehearseFleet } from './rehearse-fleet.js';

/** The rollback's own inputs over the upgrade's: the previous version's installer, and its removal of the newer one. */
function rollbackInputs(labFolder: string, upgrade: Record<string, string>): Record<string, string> {
  const installer = writeLabInstaller(labFolder, PREVIOUS_VERSION);
  return {
    ...upgrade,
    'target-version': PREVIOUS_VERSION,
    'installer-path': installer.windowsPath,
    'installer-sha256': installer.sha256,
    'uninstall-first': 'true',
    'restore-backup-file': '',
  };
}

const { values: args } = parseArgs({
  options: {
    fault: { type: 'string' },
    order: { type: 'string' },
    'resume-gate': { type: 'string' },
    'then-rollback': { type: 'boolean', default: false },
    'rollback-only': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'no-stage': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    out: { type: 'string', default: 'rehearsal' },
    /** A folder for each step's stdout, stderr and outputs, as the runner's job log would show them. */
    logs: { type: 'string' },
    fleet: { type: 'string' },
    status: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const faults = Object.entries(control.FAULTS)
  .map(([name, f]) => `  ${`${name}${f.node ? '[@node]' : ''}`.padEnd(34)} ${f.description}`)
  .join('\n');
const profiles = Object.keys(control.TIMING_PROFILES).join(', ');
const fleetMode = args.fleet !== undefined || args.status !== undefined;
const fault = args.fault === undefined ? null : control.resolveFault(args.fault);
// A fleet rehearsal's fault names a ring instead of a node (installer-1603@test): it checks its own.
const badFault = !fleetMode && args.fault !== undefined && !fault;
const badProfile = args.profile !== undefined && !(args.profile in control.TIMING_PROFILES);
const badOrder = args.order !== undefined && !(UPGRADE_ORDERS as readonly string[]).includes(args.order);
const badGate =
  args['resume-gate'] !== undefined && !(RESUME_GATES as readonly string[]).includes(args['resume-gate']);
if (args.help || badFault || badProfile || badOrder || badGate) {
  if (badFault)
    console.error(`Unknown fault '${args.fault}' (a node's own fault takes @primary or @secondary).`);
  if (badProfile) console.error(`Unknown profile '${args.profile}': use one of ${profiles}.`);
  if (badOrder) console.error(`Unknown order '${args.order}': use one of ${UPGRADE_ORDERS.join(', ')}.`);
  if (badGate)
    console.error(`Unknown resume gate '${args['resume-gate']}': use one of ${RESUME_GATES.join(', ')}.`);
  console.log(
    [
      'npm run rehearse [-- --fault <name>[@node]] [--order <order>] [--resume-gate <gate>]',
      '                 [--then-rollback | --rollback-only] [--profile <name>] [--no-stage] [--dry-run] [--out <folder>]',
      '                 [--logs <folder>]',
      'npm run rehearse -- --fleet <env>,<env>,... [--fault <name>@<env>] [--profile <name>] [--dry-run] [--out <folder>]',
      'npm run rehearse -- --status <env>,<env>,... [--out <folder>]',
      '',
      '  --fleet           promote one installer through a lab pair per environment, in order, each soaked before the',
      '                    next (docs/fleet.md); a fault @<env> lands on that pair only',
      '  --status          the fleet view of a lab pair per environment (the first upgraded, to show drift)',
      `  --order           the upgrade's order (${UPGRADE_ORDERS.join(', ')}; docs/upgrade.md)`,
      `  --resume-gate     where approve resume comes (${RESUME_GATES.join(', ')}; after-primary needs`,
      '                    --order resume-after-primary)',
      '  --then-rollback   after the upgrade (failed or not), roll the pair back (docs/rollback.md)',
      '  --rollback-only   upgrade quietly (it must succeed), then show the rollback of the upgraded pair',
      `  --profile         the lab's delays (${profiles}); realistic is a real pair's, 60 times faster`,
      '  --no-stage        preflight stages no installer (staging-timeout-seconds: 0), so upgrade reads it from the share',
      "  --logs            keep each step's stdout, stderr and outputs in this folder (the job log a runner shows)",
      '  --dry-run         a dry run; with a rollback only the rollback is dry (the upgrade it undoes is real), and',
      '                    its verify fails on the version, since nothing was changed',
      '',
      `Faults (a [@node] fault lands on both nodes, or on one with @primary or @secondary):\n${faults}`,
    ].join('\n'),
  );
  process.exit(args.help ? 0 : 2);
}

/** The rehearsal of one pair: the upgrade, and on request the rollback after it. */
async function rehearsePair(): Promise<void> {
  const rollbackMode = args['then-rollback'] || args['rollback-only'];

  const out = resolve(args.out);
  const labFolder = join(out, 'lab');
  const entry = resolve('dist/index.js');
  if (!existsSync(entry)) {
    console.error('dist/index.js is missing: run `npm run package` first.');
    process.exit(2);
  }

  control.useLabDotnetEnv();
  // The PowerShell the action's shell: auto picks, so the lab is created by the same one.
  await control.createLab(labFolder, process.platform === 'win32' ? 'powershell' : 'pwsh');
  const upgradeRuns = join(out, 'runs');
  console.log(
    `LAB: a fresh simulated JAMS pair in ${relative('.', labFolder)}; run folders in ${relative('.', upgradeRuns)}`,
  );
  if (args.profile) {
    const profile = args.profile as keyof typeof control.TIMING_PROFILES;
    control.setTiming(labFolder, control.TIMING_PROFILES[profile]);
    console.log(`TIMING: the ${profile} profile (lab/control.ts TIMING_PROFILES)`);
  }
  if (args.fault) {
    control.injectFault(labFolder, args.fault);
    console.log(`FAULT injected: ${args.fault}: ${fault?.description}`);
  }
  // After the fault: one that changes the nodes' files (secret-in-config) changes the pair the rollback returns to.
  const before = control.snapshotPair(labFolder);
  const order = (args.order ?? 'vendor') as UpgradeOrder;
  const resumeGate = (args['resume-gate'] ?? 'after-agents') as ResumeGate;
  const rehearsal: Rehearsal = {
    entry,
    labFolder,
    order,
    resumeGate,
    noStage: args['no-stage'],
    logs: args.logs,
  };
  const upgradeTable = rehearsalInputs(labFolder, order, resumeGate);
  const upgrade = runPipeline(
    {
      pipeline: 'upgrade',
      runFolder: upgradeRuns,
      runId: '1001',
      dryRun: args['dry-run'] && !rollbackMode,
      quiet: args['rollback-only'],
      table: upgradeTable,
      outputs: new Map(),
    },
    rehearsal,
  );
  const upgradeLine = `${upgrade.failed ? `the upgrade FAILED at ${upgrade.failed}` : 'the upgrade succeeded'}; its report says: ${upgrade.result ?? 'no report'}`;

  const sameEntries = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

  /** The rollback of what the upgrade left, and the evidence that the pair is back as it was before the upgrade. */
  function rehearseRollback(): boolean {
    rule(`THEN THE ROLLBACK: ${upgradeLine}`);
    const forge = args.fault ? control.resolveFault(args.fault)?.beforeRollback : undefined;
    if (args.fault && forge) {
      forge(labFolder);
      console.log(`FAULT acting now: ${args.fault}: ${control.FAULTS[args.fault]?.description}`);
    } else if (args.fault) {
      control.clearFaults(labFolder);
      console.log(
        `FAULT cleared: ${args.fault} came with the new version, and the rollback returns to ${PREVIOUS_VERSION}.`,
      );
    }
    const rollbackRuns = join(out, 'rollback-runs');
    const rollback = runPipeline(
      {
        pipeline: 'rollback',
        runFolder: rollbackRuns,
        runId: '1002',
        dryRun: args['dry-run'],
        quiet: false,
        table: rollbackInputs(labFolder, upgradeTable),
        outputs: new Map(),
      },
      rehearsal,
    );

    if (args['dry-run']) {
      // verify reads the pair as it is, and a dry run changed nothing: it fails on the version, as it should.
      const shown = !rollback.failed || rollback.failed.startsWith('verify');
      rule(
        `${shown ? 'REHEARSAL SUCCEEDED' : `REHEARSAL FAILED at ${rollback.failed}`} (dry run of the rollback): the ` +
          'restore and reinstall summaries above show what it would do; nothing was changed, so verify finds the pair ' +
          'as the upgrade left it',
      );
      console.log(`Run folders: ${relative('.', upgradeRuns)}, ${relative('.', rollbackRuns)}`);
      return shown;
    }

    if (forge) {
      // A fault the rollback must refuse: it stops before the restore, and the database is untouched.
      rule('EVIDENCE: the rollback refused the backup and restored nothing');
      const sql = control.readLab(labFolder).sql;
      const checks = [
        {
          what: 'the rollback stopped before the restore',
          ok: rollback.failed !== null && /^(preflight|restore)/.test(rollback.failed),
          seen: rollback.failed ?? 'it did not stop',
        },
        {
          what: 'the SQL stand-in received no RESTORE DATABASE',
          ok: !sql.log.some((c) => c.sql.startsWith('RESTORE DATABASE')),
          seen: `${sql.log.filter((c) => c.sql.startsWith('RESTORE DATABASE')).length} RESTORE DATABASE`,
        },
        {
          what: 'no database was restored',
          ok: Object.keys(sql.restored).length === 0,
          seen: Object.keys(sql.restored).join(', ') || 'none',
        },
      ];
      for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.seen}`);
      const refused = checks.every((c) => c.ok);
      rule(
        `${refused ? 'REHEARSAL SUCCEEDED: the rollback refused the forged backup' : 'REHEARSAL FAILED: the forged backup was not refused before the restore'}; ` +
          `the rollback's report says: ${rollback.result ?? 'no report'}`,
      );
      console.log(`Run folders: ${relative('.', upgradeRuns)}, ${relative('.', rollbackRuns)}`);
      return refused;
    }

    // The evidence: the pair as it was before the upgrade, and the RESTORE the SQL stand-in received.
    rule('EVIDENCE: the pair before the upgrade and after the rollback');
    const after = control.snapshotPair(labFolder);
    const checks: { what: string; ok: boolean; seen: string }[] = [];
    for (const node of ['primary', 'secondary'] as const) {
      const want = node === 'primary' ? 'Active' : 'Standby';
      checks.push({
        what: `${node}: version ${PREVIOUS_VERSION}`,
        ok: after[node].version === PREVIOUS_VERSION,
        seen: after[node].version || 'not installed',
      });
      checks.push({
        what: `${node}: failover role ${want}`,
        ok: after[node].role === want,
        seen: after[node].role,
      });
      checks.push({
        what: `${node}: Log On As as before the upgrade`,
        ok: sameEntries(after[node].accounts, before[node].accounts),
        seen: Object.entries(after[node].accounts)
          .map(([s, a]) => `${s} ${a}`)
          .join(', '),
      });
      for (const [name, sha] of Object.entries(before[node].config)) {
        checks.push({
          what: `${node}: ${name} as before the upgrade`,
          ok: after[node].config[name] === sha,
          seen: after[node].config[name] ?? 'missing',
        });
      }
    }
    const sql = control.readLab(labFolder).sql;
    const restores = sql.log.filter((c) => c.sql.startsWith('RESTORE DATABASE'));
    checks.push({
      what: 'the SQL stand-in received the RESTORE with its parameters',
      ok: restores.length === 1,
      seen:
        restores
          .map(
            (c) =>
              `${c.sql} with ${Object.entries(c.parameters)
                .map(([k, v]) => `@${k} = '${v}'`)
                .join(', ')} (from ${c.node})`,
          )
          .join('; ') || 'no RESTORE',
    });
    const restored = Object.entries(sql.restored).map(([db, r]) => `${db} ${r.state} from ${r.file}`);
    checks.push({
      what: 'the database is ONLINE from that backup',
      ok: restored.length === 1 && restored[0]?.includes('ONLINE') === true,
      seen: restored.join('; ') || 'nothing restored',
    });
    for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.seen}`);

    const proven = !rollback.failed && checks.every((c) => c.ok);
    rule(
      `${proven ? 'REHEARSAL SUCCEEDED' : `REHEARSAL FAILED${rollback.failed ? ` at ${rollback.failed}` : ': the evidence does not hold'}`}; ` +
        `${upgradeLine}; the rollback's report says: ${rollback.result ?? 'no report'}`,
    );
    console.log(
      `Run folders: ${relative('.', upgradeRuns)}, ${relative('.', rollbackRuns)}  ` +
        `Reports: ${relative('.', join(upgradeRuns, 'report', 'report.json'))}, ${relative('.', join(rollbackRuns, 'report', 'report.json'))}`,
    );
    return proven;
  }

  /** The downtime the upgrade's report measured, and its longest part. */
  function printDowntime(runFolder: string): void {
    const reportFile = join(runFolder, 'report', 'report.json');
    if (!existsSync(reportFile)) return;
    const audit = JSON.parse(readFileSync(reportFile, 'utf8')) as AuditReport;
    const parts = audit.downtimeBreakdown.parts;
    if (!parts.length) return;
    const sum = parts.reduce((total, p) => total + p.ms, 0) / 1000;
    rule(
      `DOWNTIME ${audit.downtime.seconds} s (measured); its ${parts.length} parts add up to ${sum.toFixed(1)} s` +
        `; the longest: ${parts[0]?.where ? `${parts[0].where}: ` : ''}${parts[0]?.part}`,
    );
    const after = audit.withoutFailover;
    if (after?.from) {
      console.log(
        `AFTER THE DOWNTIME, the pair without failover: ${after.seconds} s${after.open ? ' so far, still open' : ''} ` +
          `(order ${audit.order}): ${after.note}`,
      );
    }
  }

  /** The pair as the lab holds it after the upgrade: each node's version and failover role. */
  function printPair(): void {
    const pair = control.snapshotPair(labFolder);
    const node = (n: 'primary' | 'secondary') => `${n} ${pair[n].version || 'not installed'} ${pair[n].role}`;
    console.log(`PAIR after the upgrade: ${node('primary')}; ${node('secondary')}`);
  }

  if (!rollbackMode) {
    printDowntime(upgradeRuns);
    printPair();
    rule(
      upgrade.failed
        ? `REHEARSAL FAILED at ${upgrade.failed}; the report says: ${upgrade.result ?? 'no report'}`
        : `REHEARSAL SUCCEEDED; the report says: ${upgrade.result ?? 'no report'}`,
    );
    console.log(
      `Run folders: ${relative('.', upgradeRuns)}  Report: ${relative('.', join(upgradeRuns, 'report', 'report.json'))}`,
    );
    process.exitCode = upgrade.failed ? 1 : 0;
  } else if (args['rollback-only'] && upgrade.failed) {
    console.log(
      `--rollback-only rolls back a pair that upgraded fine, and ${upgradeLine}: see the run folders.`,
    );
    process.exitCode = 1;
  } else {
    process.exitCode = rehearseRollback() ? 0 : 1;
  }
}

if (fleetMode) {
  process.exitCode = await rehearseFleet({
    rings: args.fleet ?? args.status ?? '',
    mode: args.fleet !== undefined ? 'promote' : 'status',
    fault: args.fault ?? null,
    profile: (args.profile ?? null) as keyof typeof control.TIMING_PROFILES | null,
    dryRun: args['dry-run'],
    out: resolve(args.out),
    logs: args.logs,
  });
} else {
  await rehearsePair();
}
