import { beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  injectFault,
  labPath,
  manyAgents,
  readLab,
  upgradedPair,
  writeLabInstaller,
} from '../lab/control.js';
import { describeOnPosix, freshLab, runStage, type StageResult } from './helpers/run-stage.js';
import type { AgentRow, AgentsData } from '../src/stage-data.js';
import type { HostUpgradeRecord } from '../src/state/upgrade-record.js';

// The agents stage against the lab's agents and workstations: real pwsh, the platform file, the lab's JAMS module, its
// deploy jobs and its remote hosts.
let lab: string;
let runs: string;
const TARGET = '7.4.0';
/** Who signs the lab's installers and agent MSI (lab/control.ts). */
const LAB_SIGNER = 'CN=JAMS Software (lab), O=Lab';

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
  upgradedPair(lab, TARGET);
});

const run = (inputs: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'agents', role: 'primary', 'agent-timeout-seconds': '20', ...inputs });
const data = (r: StageResult) => r.record.data['agents'] as AgentsData;
const rows = (r: StageResult) =>
  Object.fromEntries(data(r).rows.map((row) => [row.name, row])) as Record<string, AgentRow>;
const results = (r: StageResult) =>
  Object.fromEntries(data(r).rows.map((row) => [row.name, row.result])) as Record<string, string>;
const versions = () =>
  Object.fromEntries(Object.entries(readLab(lab).agents).map(([n, a]) => [n, a.version]));
const stageLog = () => readFileSync(join(runs, 'agents-primary', 'stage.log'), 'utf8');

describe('agents: the deploy method', () => {
  test('deploys every agent it can, lists the others with their step; a re-run skips them all', async () => {
    const r = await run({ agents: 'all' });
    expect(r.record.failure).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(results(r)).toEqual({
      APP01: 'upgraded',
      APP02: 'upgraded',
      DESK01: 'manual',
      FILE01: 'manual',
      LNX01: 'upgraded',
      SFTP01: 'skipped',
    });
    expect(versions()).toMatchObject({ APP01: TARGET, APP02: TARGET, LNX01: TARGET, FILE01: '7.2.100' });
    expect(rows(r)['FILE01']?.manualStep).toMatch(/deploy job .* agent-method: msi/);
    expect(rows(r)['DESK01']?.detail).toMatch(/JAMS Agent Interactive/);
    expect(r.outputs).toMatchObject({
      'agents-upgraded': '3',
      'agents-skipped': '1',
      'agents-failed': '0',
      'agents-manual': '2',
    });
    // Each deploy is one recorded change, from its submission to the agent online on the new version.
    const deploys = r.record.actions.filter((a) => a.what === 'deploy agent');
    expect(deploys.map((a) => [a.target, a.outcome]).sort()).toEqual([
      ['APP01 (7.2.100 -> 7.4.0)', 'done'],
      ['APP02 (7.2.100 -> 7.4.0)', 'done'],
      ['LNX01 (7.2.100 -> 7.4.0)', 'done'],
    ]);
    expect(stageLog()).toMatch(/deploy agent: 3 done, 0 failed, 0 left \(0 in flight\)/);
    expect(r.record.warnings).toEqual([expect.stringMatching(/^2 of the agents .* DESK01 .* FILE01 /)]);
    const summary = readFileSync(join(runs, 'agents-primary', 'summary.md'), 'utf8');
    expect(summary).toContain('Agents and desktop clients');
    expect(summary).toMatch(/Desktop clients: none named/);

    const again = await run({ agents: 'all' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['agents-upgraded']).toBe('0');
    expect(results(again)).toMatchObject({ APP01: 'skipped', APP02: 'skipped', LNX01: 'skipped' });
    expect(again.record.actions.some((a) => a.what === 'deploy agent')).toBe(false);
  });

  test('a dry-run lists each agent and what it would do, and deploys nothing', async () => {
    const r = await run({ agents: 'APP*, LNX01', 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['status']).toBe('dry-run');
    expect(results(r)).toEqual({ APP01: 'would', APP02: 'would', LNX01: 'would' });
    expect(r.stdout).toContain('[dry-run] would deploy agent: APP01 (7.2.100 -> 7.4.0)');
    expect(readLab(lab).deploys).toEqual([]);
    expect(versions()['APP01']).toBe('7.2.100');
  });

  test('an unreachable machine warns by name and the rest are upgraded; on-agent-failure fail then fails', async () => {
    injectFault(lab, 'agent-unreachable');
    const r = await run({ agents: 'APP01,APP02,LNX01' });
    expect(r.exitCode).toBe(0);
    expect(results(r)).toEqual({ APP01: 'upgraded', APP02: 'failed', LNX01: 'upgraded' });
    const warning = r.record.warnings.find((w) => w.includes('APP02'));
    expect(warning).toMatch(
      /^Agent APP02 on app02\.corp\.example was not upgraded: its deploy job \(entry \d+\) ended with Error: .*network path was not found/,
    );
    expect(rows(r)['APP02']?.manualStep).toMatch(/msiexec \/i SetupAgentx64\.msi/);
    expect(r.outputs['agents-failed']).toBe('1');

    const strict = await run({ agents: 'APP01,APP02,LNX01', 'on-agent-failure': 'fail' });
    expect(strict.exitCode).toBe(1);
    expect(strict.record.failure?.message).toBe(
      '1 of the agents and clients named were not upgraded: APP02.',
    );
    expect(strict.record.failure?.hostState).toMatch(/window is still closed/);
    expect(results(strict)).toMatchObject({ APP01: 'skipped', APP02: 'failed' });
  });

  test('a deploy job that fails is a failure with its reason, as soon as its entry ends', async () => {
    injectFault(lab, 'agent-deploy-fails');
    const r = await run({ agents: 'APP01' });
    expect(results(r)).toEqual({ APP01: 'failed' });
    expect(rows(r)['APP01']?.detail).toMatch(
      /^its deploy job \(entry \d+\) ended with Error: .*Access is denied/,
    );
    expect(rows(r)['APP01']?.seconds).toBeLessThan(10);
    expect(r.record.warnings).toEqual([
      expect.stringMatching(/^Agent APP01 on app01\.corp\.example was not upgraded/),
    ]);
  });

  test('an entry shown as CompletedKept has completed: its failure is read as soon as it ends', async () => {
    injectFault(lab, 'agent-deploy-fails');
    injectFault(lab, 'kept-entries');
    const r = await run({ agents: 'APP01' });
    expect(results(r)).toEqual({ APP01: 'failed' });
    expect(rows(r)['APP01']?.detail).toMatch(/^its deploy job \(entry \d+\) ended with Error/);
    expect(rows(r)['APP01']?.seconds).toBeLessThan(10);
  });

  test('a name JAMS does not define stops the stage before any change', async () => {
    const r = await run({ agents: 'APP01, NOPE01' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(/names 'NOPE01', which JAMS on localhost does not define/);
    expect(readLab(lab).deploys).toEqual([]);
  });

  test('no agent and no client: nothing to upgrade, and the summary says the clients need upgrading', async () => {
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(data(r).rows).toEqual([]);
    expect(r.stdout).toContain('nothing to upgrade');
    expect(readFileSync(join(runs, 'agents-primary', 'summary.md'), 'utf8')).toMatch(
      /Desktop clients: none named.*run the JAMS installer the scheduler was upgraded with/,
    );
  });

  test('200 agents, 16 at a time: every one upgraded', async () => {
    manyAgents(lab, 200, '7.2.100');
    const r = await run({ agents: 'AGENT*', 'agents-parallel': '16' });
    expect(r.record.failure).toBeUndefined();
    expect(r.outputs['agents-upgraded']).toBe('200');
    expect(new Set(Object.values(versions()))).toEqual(new Set([TARGET]));
    expect(stageLog()).toMatch(/deploy agent: 200 done, 0 failed, 0 left/);
  });
});

describe('agents: the msi method over WinRM', () => {
  test('runs the agent MSI on each Windows agent, brings the log back; 1603 fails with its line', async () => {
    injectFault(lab, 'agent-msi-1603');
    // The MSI's signer is held to the scheduler installer's, which the upgrade recorded on the host.
    const record = labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\upgrade-record.json');
    mkdirSync(join(record, '..'), { recursive: true });
    writeFileSync(
      record,
      JSON.stringify({
        computerName: 'SCHED01',
        runKey: 'run-1',
        targetVersion: TARGET,
        versionBefore: '7.2.100',
        versionAfter: TARGET,
        installer: { path: '\\\\FILES\\jams\\setup.exe', sha256: '', version: TARGET, signer: LAB_SIGNER },
        phase: 'completed',
        install: null,
        configSaveKey: null,
        configReappliedAt: null,
        updatedAt: '2026-01-01T00:00:00.000Z',
      } satisfies HostUpgradeRecord),
    );
    const r = await run({ agents: 'APP01,FILE01,LNX01', 'agent-method': 'msi' });
    expect(r.exitCode).toBe(0);
    expect(results(r)).toEqual({ APP01: 'upgraded', FILE01: 'failed', LNX01: 'manual' });
    expect(versions()).toMatchObject({ APP01: TARGET, FILE01: '7.2.100', LNX01: '7.2.100' });
    const app01 = rows(r)['APP01'];
    expect(app01?.method).toBe('msi');
    expect(app01?.log).toBe(join(runs, 'agents-primary', 'agent-msi-APP01.log'));
    expect(readFileSync(app01?.log ?? '').toString('utf16le')).toMatch(
      /SetupAgentx64\.msi \/qn \/norestart \/l\*v/,
    );
    expect(rows(r)['FILE01']?.detail).toMatch(
      /^msiexec exited with 1603: a fatal error during installation .*line \d+ reports the error: ".*Return value 3\."/,
    );
    expect(rows(r)['LNX01']?.detail).toMatch(/covers Windows agents only/);
    // The copied packages are removed from the hosts; the logs stay there too, in the run's own folder.
    const temp = join(lab, 'remote', 'app01.corp.example', 'C', 'Windows', 'Temp');
    const remote = join(
      temp,
      readdirSync(temp).find((f) => f.startsWith('jams-upgrade-')) ?? 'jams-upgrade-',
    );
    expect(existsSync(join(remote, 'SetupAgentx64.msi'))).toBe(false);
    expect(existsSync(join(remote, 'agent-msi-APP01.log'))).toBe(true);
  });

  test("an agent MSI signed by anyone but agent-msi-signer (or the installer's signer) reaches no host", async () => {
    const before = versions();
    const pinned = await run({ agents: 'APP01', 'agent-method': 'msi', 'agent-msi-signer': 'F'.repeat(40) });
    expect(pinned.exitCode).toBe(1);
    const thumbprint = createHash('sha1').update(LAB_SIGNER).digest('hex').toUpperCase();
    expect(pinned.record.failure?.message).toBe(
      `The agent MSI C:\\Program Files\\MVPSI\\JAMS\\Scheduler\\Agents\\SetupAgentx64.msi is signed by ${LAB_SIGNER}, ` +
        `thumbprint ${thumbprint}, and agent-msi-signer is ${'F'.repeat(40)}.`,
    );
    // No signer known at all (no input, no upgrade record on the host): refused too.
    const unknown = await run({ agents: 'APP01', 'agent-method': 'msi' });
    expect(unknown.record.failure?.message).toMatch(/no signer to hold it to is known/);
    expect(unknown.record.failure?.nextStep).toMatch(/JAMS_AGENT_MSI_SIGNER/);
    // The thumbprint itself passes.
    const ok = await run({
      agents: 'APP01',
      'agent-method': 'msi',
      'agent-msi-signer': thumbprint.toLowerCase(),
    });
    expect(ok.record.failure).toBeUndefined();
    expect(results(ok)).toEqual({ APP01: 'upgraded' });
    expect(before['APP01']).toBe('7.2.100');
  });

  test('agent-hosts-allowed: a host JAMS names outside the list stops the stage before any change', async () => {
    const r = await run({ agents: 'APP01,APP02', 'agent-hosts-allowed': 'app01.corp.example' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /^1 host\(s\) the agents stage would reach are not in agent-hosts-allowed \(app01\.corp\.example\): app02\.corp\.example \(agent APP02\)\.$/,
    );
    expect(readLab(lab).deploys).toEqual([]);
    // A workstation outside the list is refused before any WinRM session is opened to it.
    const clients = await run({
      clients: 'ws09.corp.example',
      'client-installer-path': '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe',
      'client-installer-sha256': 'A'.repeat(64),
      'agent-hosts-allowed': 'app*',
    });
    expect(clients.record.failure?.message).toMatch(/ws09\.corp\.example \(clients input\)/);
  });
});

describeOnPosix('agents: the desktop clients', () => {
  test('upgrades each workstation with the JAMS installer and verifies the version; a re-run skips them', async () => {
    const installer = writeLabInstaller(lab, TARGET);
    const inputs = {
      clients: 'ws01.corp.example, ws02.corp.example',
      'client-installer-path': installer.windowsPath,
      'client-installer-sha256': installer.sha256,
    };
    const r = await run(inputs);
    expect(r.record.failure).toBeUndefined();
    expect(results(r)).toEqual({ 'ws01.corp.example': 'upgraded', 'ws02.corp.example': 'upgraded' });
    expect(readLab(lab).remoteHosts['ws01.corp.example']?.client?.version).toBe(TARGET);
    expect(rows(r)['ws01.corp.example']).toMatchObject({
      versionBefore: '7.2.100',
      versionAfter: TARGET,
      method: 'installer',
    });
    expect(readFileSync(rows(r)['ws02.corp.example']?.log ?? '').toString('utf16le')).toMatch(
      /\/quiet \/norestart \/log/,
    );

    const again = await run(inputs);
    expect(results(again)).toEqual({ 'ws01.corp.example': 'skipped', 'ws02.corp.example': 'skipped' });

    const wrong = await run({ ...inputs, 'client-installer-sha256': '0'.repeat(64) });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.record.failure?.message).toMatch(/and client-installer-sha256 expects 0{64}/);
  });

  test('an installer whose kind does not take client-installer-arguments is refused before any workstation', async () => {
    const installer = writeLabInstaller(lab, TARGET, { kind: 'installshield' });
    const r = await run({
      clients: 'ws01.corp.example',
      'client-installer-path': installer.windowsPath,
      'client-installer-sha256': installer.sha256,
    });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /^The JAMS installer for the desktop clients .* is an InstallShield setup .* and client-installer-arguments is '\/quiet \/norestart \/log \{log\}': InstallShield's Setup\.exe does not take \/quiet, \/log/,
    );
    expect(r.record.failure?.nextStep).toMatch(/point client-installer-path at it/);
    expect(r.record.data['clientInstallerKind']).toMatchObject({ kind: 'installshield', suits: false });
    expect(readLab(lab).remoteInstalls).toEqual([]);
  });
});
