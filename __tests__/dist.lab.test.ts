import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { injectFault } from '../lab/control.js';
import { freshLab, parseOutputs, testShell } from './helpers/run-stage.js';

// The built bundle, started the way the runner starts it: `node dist/index.js` with INPUT_* variables.
function runDist(lab: string, runs: string, inputs: Record<string, string>) {
  const outputs = join(runs, `out-${Object.values(inputs).join('-')}.txt`);
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_')),
  );
  writeFileSync(outputs, '');
  Object.assign(env, {
    JAMS_UPGRADE_LAB: lab,
    GITHUB_OUTPUT: outputs,
    'INPUT_RUN-FOLDER': runs,
    INPUT_SHELL: testShell(),
  });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, ['dist/index.js'], { env, encoding: 'utf8', timeout: 120_000 });
  return {
    status: r.status,
    stdout: r.stdout,
    outputs: existsSync(outputs) ? parseOutputs(readFileSync(outputs, 'utf8')) : {},
  };
}

const fast = { 'service-timeout-seconds': '10', 'role-timeout-seconds': '20', 'require-backup': 'false' };

describe('dist/index.js against the lab', () => {
  let lab: string;
  let runs: string;
  beforeAll(async () => {
    ({ lab, runs } = await freshLab());
  });

  // Every stage's logic is tested in-process; `npm run rehearse` runs the whole pipeline through dist/. This proves the
  // bundle itself: it starts, finds its PowerShell files, reads the inputs the runner's way and sets its outputs.
  test('runs preflight and verify on both nodes and exits 0, with the outputs set', () => {
    for (const [stage, role] of [
      ['preflight', 'primary'],
      ['preflight', 'secondary'],
      ['verify', 'primary'],
      ['verify', 'secondary'],
    ] as const) {
      const r = runDist(lab, runs, { stage, role, ...fast });
      expect({ stage, role, status: r.status, out: r.status === 0 ? '' : r.stdout }).toEqual({
        stage,
        role,
        status: 0,
        out: '',
      });
      expect(r.outputs['status']).toBe('succeeded');
      expect(r.outputs['node-role']).toBe(role === 'primary' ? 'Active' : 'Standby');
      expect(r.outputs['installed-version']).toBe('7.2.100');
    }
  });

  test('with an injected fault it exits non-zero and names the service, its state and the next step', async () => {
    const { lab: faulty } = await freshLab();
    injectFault(faulty, 'stuck-stop');
    const r = runDist(faulty, runs, {
      stage: 'stop',
      role: 'primary',
      'service-timeout-seconds': '5',
      'require-backup': 'false',
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/::error::JAMSScheduler is still StopPending on JAMS-PRI \(primary\)/);
    // Windows stops the Executor only after the Scheduler, which depends on it: it is waiting, not stuck.
    expect(r.stdout).toMatch(
      /and JAMSExecutor is still Running: Windows stops a service only after the services/,
    );
    expect(r.stdout).toMatch(
      /Left in: JAMS-PRI \(primary\): JAMS Executor Running, JAMS Server Running, JAMS Scheduler StopPending/,
    );
    expect(r.stdout).toMatch(/Next step: Find out why JAMSScheduler does not stop/);
  });
});
