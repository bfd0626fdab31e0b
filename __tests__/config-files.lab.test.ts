import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labPath } from '../lab/control.js';
import type { PowerShellHost } from '../src/host/powershell-host.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import { StageContext } from '../src/stage-context.js';
import { saveConfigFiles } from '../src/tasks/config-files.js';
import { DEFAULT_INSTALL_FOLDER, SERVICE_NAME_CANDIDATES } from '../src/jams/unverified.js';
import type { Settings } from '../src/settings.js';
import { freshLab, labHost, tempDir, testShell } from './helpers/run-stage.js';

let lab: string;
let host: PowerShellHost;

function context(dryRun = false): StageContext {
  const settings: Settings = {
    stage: 'preflight',
    role: 'primary',
    dryRun,
    runFolder: tempDir('cfg-run'),
    shell: testShell(),
    installFolder: DEFAULT_INSTALL_FOLDER,
    stateFolder: 'C:\\ProgramData\\jams-upgrade',
    serviceCandidates: SERVICE_NAME_CANDIDATES,
    configPatterns: ['JAMS*.config'],
    serviceTimeoutMs: 5000,
    roleTimeoutMs: 5000,
    callTimeoutMs: 30000,
    pollIntervalMs: 100,
    targetVersion: null,
    maintenance: {
      resource: 'Maintenance_Window',
      jamsServer: 'localhost',
      drainTimeoutMs: 5000,
      onDrainTimeout: 'fail',
      create: false,
    },
    database: { server: null, name: null, auth: 'windows', user: null, password: null, timeoutSeconds: 60 },
    backupPath: null,
    snapshot: { script: null, timeoutSeconds: 60 },
    minFreeGb: 0,
    requireBackup: true,
    upgrade: {
      installerPath: null,
      installerSha256: null,
      installerArguments: [],
      installTimeoutMs: 60000,
      allowReinstall: false,
      allowDowngrade: false,
      primaryUpgradedVersion: null,
      uninstallFirst: false,
    },
    staging: { timeoutSeconds: 0 },
    configMode: 'merge',
    agents: {
      patterns: [],
      method: 'deploy',
      parallel: 1,
      timeoutMs: 5000,
      onFailure: 'warn',
      clients: [],
      msiSigner: null,
      hostsAllowed: null,
      clientInstaller: { path: null, sha256: null, arguments: [] },
    },
    passwords: {},
    report: { recordsFolder: '', token: null },
    labFolder: lab,
    pipeline: 'upgrade',
    order: 'vendor',
    resumeGate: 'after-agents',
    restore: { backupFile: null },
    fileShareRoot: null,
    gates: { environment: null, allowUnprotected: false },
    gateProtection: null,
    soak: { minutes: 1440, maxFailureIncrease: 0 },
    fleet: { rings: [] },
  };
  const record = { run: { id: '42' }, actions: [], warnings: [], data: {} } as unknown as StageRecord;
  return new StageContext(settings, host, record, new RunFolder(settings.runFolder, 'backup', 'primary'));
}

beforeEach(async () => {
  ({ lab } = await freshLab());
  host = labHost(lab);
});

afterEach(() => host.close());

test('saves the customised config files on the host and in the run folder, once per run', async () => {
  const ctx = context();
  const saved = await saveConfigFiles(ctx);
  expect(saved?.files.map((f) => f.name).sort()).toEqual(['JAMSHost.exe.config', 'JAMSScheduler.exe.config']);
  const onHost = labPath(
    lab,
    'primary',
    'C:\\ProgramData\\jams-upgrade\\config\\run-42\\JAMSHost.exe.config',
  );
  const original = labPath(lab, 'primary', `${DEFAULT_INSTALL_FOLDER}\\JAMSHost.exe.config`);
  expect(readFileSync(onHost, 'utf8')).toBe(readFileSync(original, 'utf8'));
  expect(readFileSync(join(ctx.folder, 'config', 'JAMSHost.exe.config'), 'utf8')).toContain('WebClientUrl');

  // The installer overwrites the file; a re-run of the same run must keep the customised copy.
  writeFileSync(original, '<configuration />');
  const again = context();
  await saveConfigFiles(again);
  expect(again.record.actions).toEqual([
    expect.objectContaining({ what: 'save config files', outcome: 'skipped' }),
  ]);
  expect(readFileSync(onHost, 'utf8')).toContain('WebClientUrl');
});

test('a dry-run saves nothing', async () => {
  const ctx = context(true);
  expect(await saveConfigFiles(ctx)).toBeNull();
  expect(ctx.record.actions).toEqual([expect.objectContaining({ outcome: 'would' })]);
});
