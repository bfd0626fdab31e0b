// Upgrades 200 lab agents through the agents stage (deploy method), first 16 at a time and then one at a time, in one
// run on one machine; each run is the action in-process with a fresh PowerShell, as on a runner. Prints the wall times,
// the bound the parallel run must stay within (1.3 x ceil(200/16) x one agent's simulated deploy time, plus the
// start-up, measured as a run that selects no agent) and, last, `ratio: N` (serial time over parallel time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLab, manyAgents, readLab, setTiming, upgradedPair } from '../lab/control.js';
import { lab as labHook } from '../lab/lab-hook.mjs';
import { installLab } from '../src/host/session-hooks.js';
import { run } from '../src/main.js';

const AGENTS = 200;
const PARALLEL = 16;
/** One agent's simulated deploy: long enough that the agents, not the lab's bookkeeping, set the pace. */
const DEPLOY_MS = 1200;
const TARGET = '7.4.0';
const shell = process.platform === 'win32' ? 'powershell' : 'pwsh';

installLab(labHook);
const root = mkdtempSync(join(tmpdir(), 'ju-bench-agents-'));
const lab = join(root, 'pair');
await createLab(lab, shell);
upgradedPair(lab, TARGET);
setTiming(lab, { agentDeployMs: DEPLOY_MS });

/** The agents stage, as the runner starts it; returns its wall time in seconds. */
async function stage(inputs: Record<string, string>): Promise<number> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    JAMS_UPGRADE_LAB: lab,
    INPUT_STAGE: 'agents',
    INPUT_ROLE: 'primary',
    INPUT_SHELL: shell,
    'INPUT_RUN-FOLDER': join(root, 'runs'),
    'INPUT_AGENT-TIMEOUT-SECONDS': '120',
  });
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const t = performance.now();
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  if (process.exitCode) throw new Error(`the agents stage failed (inputs ${JSON.stringify(inputs)})`);
  return (performance.now() - t) / 1000;
}

function upgraded(): number {
  return Object.values(readLab(lab).agents).filter((a) => a.version === TARGET).length;
}

manyAgents(lab, AGENTS, '7.2.100');
const startup = await stage({ agents: 'NONE-*' });
const parallel = await stage({ agents: 'AGENT*', 'agents-parallel': String(PARALLEL) });
if (upgraded() !== AGENTS) throw new Error(`the parallel run upgraded ${upgraded()} of ${AGENTS} agents`);
manyAgents(lab, AGENTS, '7.2.100');
const serial = await stage({ agents: 'AGENT*', 'agents-parallel': '1' });
if (upgraded() !== AGENTS) throw new Error(`the serial run upgraded ${upgraded()} of ${AGENTS} agents`);
rmSync(root, { recursive: true, force: true });

const bound = 1.3 * Math.ceil(AGENTS / PARALLEL) * (DEPLOY_MS / 1000) + startup;
console.log(`shell: ${shell}; ${AGENTS} agents, deploy method, one agent's simulated deploy ${DEPLOY_MS} ms`);
console.log(`start-up (a run that selects no agent): ${startup.toFixed(1)} s`);
console.log(
  `agents-parallel ${PARALLEL}: ${parallel.toFixed(1)} s (bound ${bound.toFixed(1)} s: ${parallel <= bound ? 'within' : 'OVER'})`,
);
console.log(`agents-parallel 1: ${serial.toFixed(1)} s`);
console.log(`ratio: ${(serial / parallel).toFixed(1)}`);
