import { beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAB_PASSWORD,
  LAB_MALLORY,
  injectFault,
  labPath,
  readLab,
  securityKey,
  upgradedPair,
  writeLabInstaller,
  type LabInstaller,
} from '../lab/control.js';
import { DEFAULT_STATE_FOLDER } from '../src/jams/unverified.js';
import { describeOnPosix, freshLab, runStage, type StageResult } from './helpers/run-stage.js';

// Issue 17: the state folder, everything under it and a remote host's run folder are writable by administrators alone,
// and the installer that starts is the one whose hash was checked. Real pwsh and the platform file against the lab,
// whose security table (state.json) holds owners and access entries and whose links are real symbolic links.
let lab: string;
let runs: string;

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

const STATE = DEFAULT_STATE_FOLDER;
const state = (node: 'primary' | 'secondary' = 'primary') => labPath(lab, node, STATE);
const failure = (r: StageResult) => r.record.failure?.message ?? '';
const fast = { 'require-backup': 'false', 'service-timeout-seconds': '10', 'role-timeout-seconds': '15' };

describeOnPosix('the state folder', () => {
  let installer: LabInstaller;
  beforeEach(() => {
    installer = writeLabInstaller(lab, '7.3.500');
  });
  const preflight = () =>
    runStage(lab, runs, {
      stage: 'preflight',
      role: 'primary',
      'installer-path': installer.windowsPath,
      'installer-sha256': installer.sha256,
    });

  test('preflight creates it and the staging folders protected: owner Administrators, SYSTEM, Administrators and the runner', async () => {
    const r = await preflight();
    expect(failure(r)).toBe('');
    expect(r.exitCode).toBe(0);
    const security = readLab(lab).security ?? {};
    const key = securityKey('primary', STATE);
    expect(security[key]).toMatchObject({ owner: 'S-1-5-32-544', protected: true });
    expect(security[key]?.aces.map((a) => a.sid)).toEqual([
      'S-1-5-18',
      'S-1-5-32-544',
      'S-1-5-21-3623811015-3361044348-30300820-1013',
    ]);
    // Every folder under it was created the same way: installers and the staged copy's own folder.
    const staged = Object.keys(security).filter((k) => k.startsWith(`${key}/installers`));
    expect(staged).toHaveLength(2);
    for (const k of staged) expect(security[k]).toMatchObject({ owner: 'S-1-5-32-544', protected: true });
    // No temp or partial file is left behind; the records carry their own names.
    const all = readdirSync(state(), { recursive: true, encoding: 'utf8' });
    expect(all.filter((f) => /\.(tmp|partial)$/.test(f))).toEqual([]);
    // A re-run checks the folder it made and goes on.
    expect((await preflight()).exitCode).toBe(0);
  });

  test('a state folder BUILTIN\\Users may write is refused before anything is written, with the icacls line', async () => {
    injectFault(lab, 'state-folder-user-writable');
    const r = await preflight();
    expect(r.exitCode).toBe(1);
    expect(failure(r)).toContain(`${STATE} lets BUILTIN\\Users (S-1-5-32-545) write to it`);
    expect(failure(r)).toContain(
      `icacls "${STATE}" /setowner *S-1-5-32-544 /T /C && icacls "${STATE}" /inheritance:r ` +
        '/grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F /remove:g *S-1-5-32-545 && ' +
        `icacls "${STATE}\\*" /reset /T /C`,
    );
    expect(readdirSync(state())).toEqual([]);
  });

  test('a record file a user made first is refused, naming it; nothing is written through it', async () => {
    injectFault(lab, 'record-pre-created');
    const planted = join(state(), 'installer-staging.json.tmp');
    const r = await preflight();
    expect(r.exitCode).toBe(1);
    expect(failure(r)).toContain(
      `${STATE}\\installer-staging.json.tmp is owned by ${LAB_MALLORY.name} (${LAB_MALLORY.sid}), not by Administrators`,
    );
    expect(failure(r)).toMatch(/nothing was written.*icacls "C:\\ProgramData\\jams-upgrade" \/setowner/);
    expect(readdirSync(state())).toEqual(['installer-staging.json.tmp']);
    expect(readFileSync(planted, 'utf8')).toBe('{"copies":[]}');
  });

  test('a staging folder that is a junction is refused, and nothing is copied where it points', async () => {
    injectFault(lab, 'staging-is-junction');
    const r = await preflight();
    expect(r.exitCode).toBe(1);
    expect(failure(r)).toContain(`${STATE}\\installers is a link (a junction or symbolic link)`);
    expect(failure(r)).toContain(`rmdir "${STATE}\\installers"`);
    expect(readdirSync(labPath(lab, 'primary', 'C:\\Users\\Public\\jams-drop'))).toEqual([]);
    expect(readdirSync(state())).toEqual(['installers']);
  });
});

describeOnPosix('the installer that starts is the one checked', () => {
  let installer: LabInstaller;
  beforeEach(() => {
    installer = writeLabInstaller(lab, '7.3.500');
  });
  const stage = (name: string, extra: Record<string, string> = {}) =>
    runStage(lab, runs, {
      stage: name,
      role: 'primary',
      'installer-path': installer.windowsPath,
      'installer-sha256': installer.sha256,
      'scheduler-password': LAB_PASSWORD,
      'server-password': LAB_PASSWORD,
      ...fast,
      ...extra,
    });
  const prepare = async () => {
    expect((await stage('preflight')).exitCode).toBe(0);
    expect((await stage('stop')).exitCode).toBe(0);
  };

  test('the upgrade starts the installer while the handle that hashed it is still open', async () => {
    await prepare();
    const r = await stage('upgrade');
    expect(failure(r)).toBe('');
    expect(r.exitCode).toBe(0);
    // The lab installer, at its start, could not open its own file for writing: the stage's FileShare.Read handle,
    // opened for the hash, was still held (the operating system's lock, as Windows' sharing check refuses it).
    expect(readLab(lab).nodes.primary.install).toMatchObject({ version: '7.3.500', heldAtStart: true });
  });

  test('an installer rewritten after its checks is refused at the start, and nothing runs', async () => {
    await prepare();
    injectFault(lab, 'installer-swapped');
    const r = await stage('upgrade');
    expect(r.exitCode).toBe(1);
    expect(failure(r)).toMatch(
      /has the SHA-256 [0-9A-F]{64} right before it was to start, not the [0-9A-F]{64}/,
    );
    expect(failure(r)).toContain('Nothing was started.');
    const node = readLab(lab).nodes.primary;
    expect(node.install).toBeNull();
    expect(node.version).not.toBe('7.3.500');
  });
});

describe('the run folder on a remote host', () => {
  const TARGET = '7.4.0';
  beforeEach(() => upgradedPair(lab, TARGET));
  const agents = () =>
    runStage(lab, runs, {
      stage: 'agents',
      role: 'primary',
      'agent-timeout-seconds': '20',
      agents: 'APP01',
      'agent-method': 'msi',
      'agent-msi-signer': 'CN=JAMS Software (lab), O=Lab',
    });
  const temp = () => join(lab, 'remote', 'app01.corp.example', 'C', 'Windows', 'Temp');

  test('is new, random and protected for each run; the MSI starts held open by the handle that hashed it', async () => {
    const r = await agents();
    expect(failure(r)).toBe('');
    const folders = readdirSync(temp());
    expect(folders).toEqual([expect.stringMatching(/^jams-upgrade-[0-9a-f]{32}$/)]);
    expect(existsSync(join(temp(), folders[0] ?? '', 'agent-msi-APP01.log'))).toBe(true);
    const s = readLab(lab);
    const key = `remote/app01.corp.example/c/windows/temp/${folders[0] ?? ''}`;
    expect(s.security?.[key]).toMatchObject({ owner: 'S-1-5-32-544', protected: true });
    expect(s.remoteInstalls.map((i) => i.heldAtStart)).toEqual([true]);
  });

  test('one someone made first is refused with its own message, and nothing is copied into it', async () => {
    injectFault(lab, 'remote-folder-pre-created');
    const r = await agents();
    const row = (
      r.record.data['agents'] as { rows: { name: string; result: string; detail: string }[] }
    ).rows.find((x) => x.name === 'APP01');
    expect(row?.result).toBe('failed');
    expect(row?.detail).toMatch(
      /C:\\Windows\\Temp\\jams-upgrade-[0-9a-f]{32} on app01\.corp\.example existed before this run created it \(owner LAB\\mallory/,
    );
    const folders = readdirSync(temp());
    expect(folders).toHaveLength(1);
    expect(readdirSync(join(temp(), folders[0] ?? ''))).toEqual([]);
    expect(readLab(lab).remoteInstalls).toEqual([]);
  });
});
