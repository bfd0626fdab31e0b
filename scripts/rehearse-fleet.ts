// `npm run rehearse -- --fleet dev,test,prod` and `-- --status dev,test,prod`: the fleet workflows (docs/fleet.md)
// against one lab pair per environment, through the built action. A promotion runs each ring's upgrade pipeline, the
// soak's wait (the profile's, seconds instead of a day) and the soak, and stops at the first ring that fails; the
// fleet report then reads every ring. The status rehearsal upgrades the first pair, then reads them all.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as control from '../lab/control.js';
import { MAX_RINGS } from '../src/fleet.js';
import { environmentName } from '../src/input-schemas.js';
import { FLEET, type StageStep } from '../src/pipeline.js';
import type { FleetPromotion } from '../src/report/fleet-promotion.js';
import type { FleetStatus } from '../src/report/fleet-status.js';
import { FLEET_REPORT_JSON } from '../src/stages/fleet-report.js';
import {
  PREVIOUS_VERSION,
  TARGET_VERSION,
  rehearsalInputs,
  rule,
  runPipeline,
  runStep,
  stepFolder,
  type Phase,
  type Rehearsal,
} from './rehearsal-run.js';

export interface FleetRehearsalOptions {
  rings: string;
  mode: 'promote' | 'status';
  /** A lab fault and the ring it lands on: installer-1603@test. */
  fault: string | null;
  profile: keyof typeof control.TIMING_PROFILES | null;
  dryRun: boolean;
  out: string;
  logs?: string;
}

/** The soak's length in the lab: long enough for 30 of the lab's history completions on each side of the upgrade. */
function soakSeconds(labFolder: string): number {
  return Math.max(3, (30 * control.readLab(labFolder).timing.historyPeriodMs) / 1000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ring {
  index: number;
  environment: string;
  rehearsal: Rehearsal;
}

/** Parses and checks the options; a problem is printed and the rehearsal does not start. */
function plan(
  o: FleetRehearsalOptions,
): { rings: string[]; fault: { name: string; ring: string } | null } | string {
  const rings = o.rings
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!rings.length || rings.length > MAX_RINGS)
    return `--${o.mode === 'promote' ? 'fleet' : 'status'} '${o.rings}': give 1 to ${MAX_RINGS} environments, comma-separated.`;
  const bad = rings.find((r) => !environmentName.safeParse(r).success);
  if (bad) return `The environment '${bad}' has characters other than letters, digits, _ . and -.`;
  if (new Set(rings).size !== rings.length) return `'${o.rings}' names an environment twice.`;
  if (!o.fault) return { rings, fault: null };
  const at = o.fault.lastIndexOf('@');
  const name = at < 0 ? o.fault : o.fault.slice(0, at);
  const ring = at < 0 ? '' : o.fault.slice(at + 1);
  if (!rings.includes(ring) || !control.resolveFault(name))
    return (
      `--fault '${o.fault}': give <fault>@<environment>, with an environment of the fleet (${rings.join(', ')}) and ` +
      `one of the lab's faults (${Object.keys(control.FAULTS).join(', ')}).`
    );
  return { rings, fault: { name, ring } };
}

/** One lab pair per environment: the first created, the others copied from it. */
async function createLabs(o: FleetRehearsalOptions, rings: string[]): Promise<Ring[]> {
  control.useLabDotnetEnv();
  const entry = join(process.cwd(), 'dist', 'index.js');
  const made: Ring[] = [];
  for (const [i, environment] of rings.entries()) {
    const labFolder = join(o.out, environment, 'lab');
    if (i === 0) await control.createLab(labFolder, process.platform === 'win32' ? 'powershell' : 'pwsh');
    else control.cloneLab(made[0]?.rehearsal.labFolder ?? '', labFolder);
    if (o.profile) control.setTiming(labFolder, control.TIMING_PROFILES[o.profile]);
    made.push({
      index: i + 1,
      environment,
      rehearsal: {
        entry,
        labFolder,
        order: 'vendor',
        resumeGate: 'after-agents',
        noStage: false,
        logs: o.logs ? join(o.logs, environment) : undefined,
      },
    });
  }
  return made;
}

function phase(
  runFolder: string,
  runId: string,
  table: Record<string, string>,
  dryRun: boolean,
  quiet: boolean,
): Phase {
  return { pipeline: 'fleet', runFolder, runId, dryRun, quiet, table, outputs: new Map() };
}

/** The fleet report the last step wrote. */
function readFleetReport<T>(runs: string): T | null {
  const path = join(stepFolder(FLEET.report, phase(runs, '', {}, false, true)), FLEET_REPORT_JSON);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
}

function evidence(checks: { what: string; ok: boolean; seen: string }[]): boolean {
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.seen}`);
  return checks.every((c) => c.ok);
}

async function promote(
  o: FleetRehearsalOptions,
  rings: Ring[],
  fault: { name: string; ring: string } | null,
) {
  const runs = join(o.out, 'runs');
  rmSync(runs, { recursive: true, force: true });
  const ringsText = rings.map((r) => r.environment).join(', ');
  const first = rings[0] as Ring;
  runStep(FLEET.plan, phase(runs, '3000', { rings: ringsText }, o.dryRun, false), first.rehearsal);

  let stopped: Ring | null = null;
  for (const ring of rings) {
    const seconds = soakSeconds(ring.rehearsal.labFolder);
    const table = {
      ...rehearsalInputs(ring.rehearsal.labFolder),
      'gate-environment': ring.environment,
      'soak-minutes': String(seconds / 60),
      'soak-max-failure-increase': '0',
    };
    const folder = join(runs, `jams-upgrade-ring-${ring.index}`);
    rule(
      `RING ${ring.index}: ${ring.environment}: the upgrade workflow (each step on one line; its report follows)`,
    );
    const upgrade = runPipeline(
      {
        pipeline: 'upgrade',
        runFolder: folder,
        runId: `${3000 + ring.index}`,
        dryRun: o.dryRun,
        quiet: true,
        table,
        outputs: new Map(),
      },
      ring.rehearsal,
    );
    console.log(
      `RING ${ring.index} ${ring.environment}: the upgrade ${upgrade.failed ? `FAILED at ${upgrade.failed}` : 'succeeded'}`,
    );
    if (upgrade.failed) {
      stopped = ring;
      break;
    }
    if (!o.dryRun) {
      rule(
        `RING ${ring.index}: ${ring.environment}: SOAK WAIT of ${seconds} s (on GitHub: the ${ring.environment}-soak environment's wait timer)`,
      );
      await sleep(seconds * 1000);
    }
    const soak = phase(folder, `${3000 + ring.index}`, table, o.dryRun, false);
    const healthy = FLEET.soak.map((step: StageStep) => runStep(step, soak, ring.rehearsal)).every(Boolean);
    console.log(
      `RING ${ring.index} ${ring.environment}: the soak ${healthy ? 'found it healthy' : 'FAILED'}`,
    );
    if (!healthy) {
      stopped = ring;
      break;
    }
  }
  runStep(FLEET.report, phase(runs, '3000', { rings: ringsText }, o.dryRun, false), first.rehearsal);

  rule('EVIDENCE: the promotion against what the fault predicts');
  const report = readFleetReport<FleetPromotion>(runs);
  for (const r of report?.rings ?? [])
    console.log(`FLEET ring ${r.ring} ${r.environment}: ${r.result}${r.why ? `: ${r.why}` : ''}`);
  const expected = fault ? (rings.find((r) => r.environment === fault.ring) ?? null) : null;
  const after = expected ? rings.filter((r) => r.index > expected.index) : [];
  const checks = [
    {
      what: 'the fleet report was written',
      ok: report !== null,
      seen: report ? `result ${report.result}` : `no ${FLEET_REPORT_JSON}`,
    },
    {
      what: expected
        ? `the promotion stopped at ${expected.environment}`
        : 'every ring upgraded and soaked healthy',
      ok: expected
        ? stopped === expected && report?.stoppedAt?.environment === expected.environment
        : stopped === null && report?.result === 'succeeded',
      seen: report?.stoppedAt
        ? `stopped at ${report.stoppedAt.environment}: ${report.stoppedAt.why}`
        : (report?.result ?? 'none'),
    },
    ...after.map((r) => {
      const pair = control.snapshotPair(r.rehearsal.labFolder);
      const untouched =
        pair.primary.version === PREVIOUS_VERSION &&
        pair.secondary.version === PREVIOUS_VERSION &&
        !existsSync(join(runs, `jams-upgrade-ring-${r.index}`));
      return {
        what: `${r.environment} was never touched`,
        ok: untouched,
        seen: `primary ${pair.primary.version}, secondary ${pair.secondary.version}, ${existsSync(join(runs, `jams-upgrade-ring-${r.index}`)) ? 'a run folder' : 'no run folder'}`,
      };
    }),
  ];
  if (fault?.name === 'failure-rate' && expected) {
    const rates = report?.rings[expected.index - 1]?.soak.find((s) => s.role === 'primary')?.data?.rates;
    checks.push({
      what: `the report has ${expected.environment}'s failed-entry rates, up beyond the noise`,
      ok: rates !== undefined && rates.ok === false && (rates.increase ?? 0) > rates.noise,
      seen: rates ? rates.reason : 'no rates in the report',
    });
  }
  const proven = evidence(checks);
  rule(
    `${proven ? 'REHEARSAL SUCCEEDED' : 'REHEARSAL FAILED'}: the promotion ${report?.result ?? 'has no report'}` +
      `${report?.stoppedAt ? ` at ring ${report.stoppedAt.ring} (${report.stoppedAt.environment})` : ''}`,
  );
  console.log(
    `Fleet report: ${relative('.', join(stepFolder(FLEET.report, phase(runs, '', {}, false, true)), 'fleet-report.md'))}`,
  );
  return proven ? 0 : 1;
}

async function status(o: FleetRehearsalOptions, rings: Ring[]) {
  const runs = join(o.out, 'status-runs');
  rmSync(runs, { recursive: true, force: true });
  const first = rings[0] as Ring;
  rule(`${first.environment}: upgraded to ${TARGET_VERSION} first (quietly), so the others show drift`);
  const upgraded = runPipeline(
    {
      pipeline: 'upgrade',
      runFolder: join(o.out, 'upgrade-runs'),
      runId: '4000',
      dryRun: false,
      quiet: true,
      table: { ...rehearsalInputs(first.rehearsal.labFolder), 'gate-environment': first.environment },
      outputs: new Map(),
    },
    first.rehearsal,
  );
  const ringsText = rings.map((r) => r.environment).join(', ');
  runStep(FLEET.plan, phase(runs, '4001', { rings: ringsText }, false, true), first.rehearsal);
  for (const ring of rings) {
    for (const step of FLEET.status) {
      const folder = join(runs, `jams-status-${ring.environment}-${step.role}-attempt-1`);
      runStep(
        step,
        phase(folder, '4001', rehearsalInputs(ring.rehearsal.labFolder), false, true),
        ring.rehearsal,
      );
    }
  }
  runStep(FLEET.report, phase(runs, '4001', { rings: ringsText }, false, false), first.rehearsal);
  const report = readFleetReport<FleetStatus>(runs);
  rule('THE FLEET: one row per node');
  for (const n of report?.nodes ?? [])
    console.log(
      `STATUS ${n.environment} ${n.role} ${n.host ?? '-'} ${n.status?.version ?? 'not read'} ${n.status?.roleLabel ?? '-'} ${n.drift}`,
    );
  const nodes = report?.nodes ?? [];
  const proven = evidence([
    {
      what: `the upgrade of ${first.environment}`,
      ok: !upgraded.failed,
      seen: upgraded.failed ?? 'succeeded',
    },
    { what: 'one row per node', ok: nodes.length === rings.length * 2, seen: `${nodes.length} rows` },
    {
      what: `${first.environment} newest on ${TARGET_VERSION}, the others behind it`,
      ok:
        report?.newest === TARGET_VERSION &&
        nodes.every((n) =>
          n.environment === first.environment ? n.drift === 'newest' : n.drift === `behind ${TARGET_VERSION}`,
        ),
      seen: nodes.map((n) => `${n.environment} ${n.role} ${n.drift}`).join(', '),
    },
  ]);
  rule(`${proven ? 'REHEARSAL SUCCEEDED' : 'REHEARSAL FAILED'}: the fleet view of ${ringsText}`);
  return proven ? 0 : 1;
}

/** The fleet rehearsal; returns the exit code. */
export async function rehearseFleet(o: FleetRehearsalOptions): Promise<number> {
  const planned = plan(o);
  if (typeof planned === 'string') {
    console.error(planned);
    return 2;
  }
  if (!existsSync(join(process.cwd(), 'dist', 'index.js'))) {
    console.error('dist/index.js is missing: run `npm run package` first.');
    return 2;
  }
  const rings = await createLabs(o, planned.rings);
  console.log(
    `LAB: a simulated JAMS pair per environment: ${rings.map((r) => `${r.environment} in ${relative('.', r.rehearsal.labFolder)}`).join('; ')}`,
  );
  if (planned.fault) {
    const ring = rings.find((r) => r.environment === planned.fault?.ring) as Ring;
    control.injectFault(ring.rehearsal.labFolder, planned.fault.name);
    console.log(
      `FAULT injected into ${ring.environment}: ${planned.fault.name}: ${control.FAULTS[planned.fault.name]?.description}`,
    );
  }
  return o.mode === 'promote' ? promote(o, rings, planned.fault) : status(o, rings);
}
