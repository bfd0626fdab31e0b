import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  LAB_PASSWORD,
  labPath,
  readLab,
  setTiming,
  writeLabInstaller,
  type LabInstaller,
} from '../lab/control.js';
import type { StagingRecord } from '../src/state/installer-staging.js';
import { describeOnPosix, freshLab, runStage } from './helpers/run-stage.js';
import type { StagingData } from '../src/stage-data.js';

// The installer staged on the host before the downtime (preflight), run from there (upgrade), cleared by verify.
let lab: string;
let runs: string;
let installer: LabInstaller;

const STATE = 'C:\\ProgramData\\jams-upgrade';
const fast = { 'require-backup': 'false', 'service-timeout-seconds': '10', 'role-timeout-seconds': '15' };
const savedEnv = { ...process.env };

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
  installer = writeLabInstaller(lab, '7.3.500');
});
afterEach(() => {
  process.env = { ...savedEnv };
});

const withInstaller = (i: LabInstaller = installer) => ({
  'installer-path': i.windowsPath,
  'installer-sha256': i.sha256,
});
const preflight = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'preflight', role: 'primary', ...withInstaller(), ...extra });
const upgrade = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, {
    stage: 'upgrade',
    role: 'primary',
    ...withInstaller(),
    'scheduler-password': LAB_PASSWORD,
    'server-password': LAB_PASSWORD,
    ...fast,
    ...extra,
  });

/** The staged copy's Windows path and its file in the lab. */
function staged(i: LabInstaller = installer): { windows: string; file: string } {
  const windows = `${STATE}\\installers\\${i.sha256.slice(0, 16)}\\${i.windowsPath.split('\\').pop()}`;
  return { windows, file: labPath(lab, 'primary', windows) };
}

function stagingRecord(): StagingRecord | null {
  const file = labPath(lab, 'primary', `${STATE}\\installer-staging.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StagingRecord) : null;
}

const action = (r: { record: { actions: { what: string }[] } }, what: string) =>
  r.record.actions.find((a) => a.what === what);

describeOnPosix('the installer staged before the downtime', () => {
  test('preflight copies it and checks it on the host; a re-run does not copy again; upgrade runs the copy', async () => {
    const first = await preflight();
    expect(first.record.failure).toBeUndefined();
    // The second durable write, after the Log On As record.
    expect(first.record.actions.map((a) => [a.what, a.outcome])).toEqual([
      ['record Log On As accounts', 'done'],
      ['stage the installer', 'done'],
    ]);
    expect(action(first, 'stage the installer')).toMatchObject({
      detail: expect.stringMatching(/copied in .* s; SHA-256 and signature checked$/),
    });
    expect(readFileSync(staged().file, 'utf8')).toBe(readFileSync(installer.file, 'utf8'));
    expect(first.record.data['installerStaging']).toMatchObject({
      outcome: 'staged',
      path: staged().windows,
    });
    expect(stagingRecord()?.copies).toEqual([
      expect.objectContaining({ sha256: installer.sha256, path: staged().windows, runKey: 'local' }),
    ]);
    const copiedAt = statSync(staged().file).mtimeMs;

    const again = await preflight();
    expect(action(again, 'stage the installer')).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/its SHA-256 and signature hold$/),
    });
    expect(statSync(staged().file).mtimeMs).toBe(copiedAt);

    // The installer starts the services; JAMS Scheduler, which depends on JAMS Executor, takes longer to start (a
    // real pair's spread): upgrade lets it finish starting before it stops JAMS Executor, as Windows cannot stop it
    // while it starts.
    setTiming(lab, { services: { 'JAMS Scheduler': { startMs: 2000 } } });
    expect((await runStage(lab, runs, { stage: 'stop', role: 'primary', ...fast })).exitCode).toBe(0);
    const r = await upgrade();
    expect(r.record.failure).toBeUndefined();
    expect(r.record.warnings.filter((w) => /staged/.test(w))).toEqual([]);
    expect(r.record.data['installerStaging']).toMatchObject({ outcome: 'runs the staged copy' });
    const data = r.record.data['upgrade'] as { installer: { path: string }; commandLine: string };
    expect(data.installer.path).toBe(staged().windows);
    expect(data.commandLine).toContain(`/installers/${installer.sha256.slice(0, 16)}/JAMS-7.3.500-setup.exe`);
    expect(readLab(lab).nodes.primary.version).toBe('7.3.500');
    // The phases the report's breakdown reads, in the order they began.
    expect(r.record.phases?.map((p) => [p.phase, typeof p.endedAt])).toEqual([
      ['installer-check', 'string'],
      ['installer', 'string'],
      ['services-stop', 'string'],
      ['accounts-restore', 'string'],
    ]);
  });

  test('a dry-run copies nothing and says what it would copy', async () => {
    const r = await preflight({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(action(r, 'stage the installer')).toMatchObject({
      outcome: 'would',
      target: expect.stringContaining(`${installer.windowsPath} to ${staged().windows}`),
    });
    expect(r.stdout).toContain(`[dry-run] would stage the installer: ${installer.windowsPath} to`);
    expect(existsSync(dirname(staged().file))).toBe(false);
    expect(stagingRecord()).toBeNull();
  });

  test('a source whose SHA-256 differs is not staged, and preflight says what to do', async () => {
    const r = await preflight({ 'installer-sha256': 'AB'.repeat(32) });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /The SHA-256 of .*JAMS-7.3.500-setup.exe is [0-9A-F]{64}, and installer-sha256 expects (AB){32}: the copy was not kept/,
    );
    expect(r.record.failure?.hostState).toMatch(/no installer is staged/);
    expect(r.record.failure?.nextStep).toMatch(/download the installer again/);
    const folder = labPath(lab, 'primary', `${STATE}\\installers\\ABABABABABABABAB`);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    expect(stagingRecord()).toBeNull();
  });

  test('upgrade refuses a staged copy changed after preflight, and says to re-run preflight', async () => {
    expect((await preflight()).exitCode).toBe(0);
    appendFileSync(staged().file, '# changed\n');
    const before = readLab(lab).nodes.primary;
    const r = await upgrade();
    expect(r.exitCode).toBe(1);
    expect(r.record.failure).toEqual({
      message: expect.stringMatching(
        /^The installer preflight staged on JAMS-PRI \(primary\) \(.*\) changed after preflight checked it: its SHA-256 is now [0-9A-F]{64}/,
      ),
      hostState: 'Nothing was changed.',
      nextStep: expect.stringMatching(/^Do not run it\. Re-run preflight for this host \(role: primary\)/),
    });
    expect(r.record.actions).toEqual([]);
    expect(readLab(lab).nodes.primary).toEqual(before);
  });

  test('without a staged copy upgrade reads installer-path, with a warning', async () => {
    const r = await preflight({ 'staging-timeout-seconds': '0' });
    expect(action(r, 'stage the installer')).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/staging-timeout-seconds is 0/),
    });
    expect(existsSync(dirname(staged().file))).toBe(false);
    const dry = await upgrade({ 'dry-run': 'true' });
    expect(dry.record.warnings).toContainEqual(
      expect.stringMatching(
        /^No staged copy of the installer on JAMS-PRI \(primary\): upgrade reads \\\\fileserver\\jams\\JAMS-7\.3\.500-setup\.exe now, during the downtime/,
      ),
    );
    expect((dry.record.data['upgrade'] as { installer: { path: string } }).installer.path).toBe(
      installer.windowsPath,
    );
    expect(dry.record.data['installerStaging'] as StagingData).toMatchObject({ outcome: 'not staged' });
  });

  test("verify removes what earlier runs staged, keeps the current run's, and a dry-run removes nothing", async () => {
    const other = writeLabInstaller(lab, '7.4.0');
    process.env['GITHUB_RUN_ID'] = '101';
    expect((await preflight()).exitCode).toBe(0);
    process.env['GITHUB_RUN_ID'] = '102';
    expect((await preflight(withInstaller(other))).exitCode).toBe(0);
    // Run 103 finds the first installer staged and keeps it for itself, without a copy.
    process.env['GITHUB_RUN_ID'] = '103';
    const keep = await preflight();
    expect(keep.record.actions.map((a) => [a.what, a.outcome])).toEqual([
      ['record Log On As accounts', 'done'],
      ['stage the installer', 'skipped'],
      ['keep the staged installer for this run', 'done'],
    ]);

    const dry = await runStage(lab, runs, { stage: 'verify', role: 'primary', 'dry-run': 'true' });
    expect(dry.record.actions.map((a) => [a.what, a.target, a.outcome])).toEqual([
      ['remove an installer an earlier run staged', `${staged(other).windows} (run-102)`, 'would'],
    ]);
    expect(existsSync(staged(other).file)).toBe(true);

    const verify = await runStage(lab, runs, { stage: 'verify', role: 'primary' });
    expect(verify.record.failure).toBeUndefined();
    expect(verify.record.actions.map((a) => [a.what, a.outcome])).toEqual([
      ['remove an installer an earlier run staged', 'done'],
    ]);
    expect(existsSync(dirname(staged(other).file))).toBe(false);
    expect(existsSync(staged().file)).toBe(true);
    expect(stagingRecord()?.copies.map((c) => [c.sha256, c.runKey])).toEqual([[installer.sha256, 'run-103']]);
  });
});
