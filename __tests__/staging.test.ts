import { describe, expect, test } from '@jest/globals';
import type { FreeSpace, Host } from '../src/host/host.js';
import { SessionError } from '../src/host/powershell-session.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import type { Settings } from '../src/settings.js';
import { StageContext, StageError } from '../src/stage-context.js';
import { checkFreeSpace } from '../src/tasks/disk-space.js';
import { stageInstaller, stagedName } from '../src/tasks/installer-staging.js';
import { tempDir } from './helpers/run-stage.js';

const GB = 1024 ** 3;

/** A preflight context on a host that has only the methods given, with only the settings given. */
function contextWith(host: Partial<Host>, settings: Partial<Settings>): StageContext {
  const record = { actions: [], warnings: [], data: {}, run: {} } as unknown as StageRecord;
  return new StageContext(
    { role: 'primary', dryRun: false, ...settings } as Settings,
    host as Host,
    record,
    new RunFolder(tempDir('staging'), 'preflight', 'primary'),
  );
}

/** A host that reports one drive C: with `freeGb` free for every folder asked. */
function onDriveWith(freeGb: number): StageContext {
  const freeSpace = (paths: readonly string[]): Promise<FreeSpace[]> =>
    Promise.resolve(paths.map((path) => ({ path, available: true, root: 'C:\\', freeBytes: freeGb * GB })));
  return contextWith({ freeSpace }, { minFreeGb: 10 });
}

const folders = (stagedBytes: number) => [
  { path: 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler', purpose: 'the installer' },
  { path: 'C:\\ProgramData\\jams-upgrade', purpose: 'the staged installer', extraBytes: stagedBytes },
];

describe('the free-space check counts the staged installer', () => {
  test('min-free-gb must be left after the copy: 10.2 GB free is too little for a 0.5 GB installer', async () => {
    const error = await checkFreeSpace(onDriveWith(10.2), folders(0.5 * GB)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).message).toMatch(
      /C:\\ has 10\.2 GB free for the staged installer \(10\.5 GB needed with the staged installer\)/,
    );
  });

  test('10.6 GB free is enough, and with nothing to copy 10 GB is', async () => {
    await expect(checkFreeSpace(onDriveWith(10.6), folders(0.5 * GB))).resolves.toBeUndefined();
    await expect(checkFreeSpace(onDriveWith(10), folders(0))).resolves.toBeUndefined();
  });
});

test("the staged copy keeps the installer's name where it is plain", () => {
  expect(stagedName('\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe')).toBe('JAMS-7.4.0-setup.exe');
  expect(stagedName('D:\\Installers\\JAMS Setup (x64).msi')).toBe('JAMS Setup (x64).msi');
  expect(stagedName('D:\\Installers\\JAMS&Co~1.exe')).toBe('JAMS_Co_1.exe');
});

test('a copy past staging-timeout-seconds fails preflight naming the share, with nothing staged', async () => {
  const copyInstaller = () =>
    Promise.reject(
      new SessionError('Copy-JuInstaller did not answer within 60 s; the PowerShell session was ended.'),
    );
  const ctx = contextWith({ copyInstaller }, { staging: { timeoutSeconds: 60 } });
  const plan = {
    source: '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe',
    sha256: 'AB'.repeat(32),
    folder: 'C:\\ProgramData\\jams-upgrade\\installers\\ABABABABABABABAB',
    name: 'JAMS-7.4.0-setup.exe',
    reuse: null,
    size: 300 * 1024 ** 2,
    record: { copies: [] },
  };
  const error = await stageInstaller(ctx, plan).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StageError);
  expect(error).toMatchObject({
    message: expect.stringMatching(
      /^Copying \\\\fileserver\\jams\\JAMS-7\.4\.0-setup\.exe to this host \(primary\) did not finish within staging-timeout-seconds \(60 s\)/,
    ),
    hostState: expect.stringMatching(/no installer is staged .*No service was touched/),
    nextStep: expect.stringMatching(/raise staging-timeout-seconds/),
  });
  expect(ctx.record.actions).toEqual([
    expect.objectContaining({ what: 'stage the installer', outcome: 'failed' }),
  ]);
});
