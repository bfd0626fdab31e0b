import { describe, expect, test } from '@jest/globals';
import type { UninstallEntry } from '../src/host/host.js';
import { msiProductCode, pickUninstallEntry } from '../src/jams/uninstall.js';
import { configSaveFor } from '../src/tasks/uninstall-first.js';
import type { HostUpgradeRecord } from '../src/state/upgrade-record.js';

// uninstall-first runs nothing but msiexec /x <product code>: which entry, and which code, is decided here.
const CODE = '{6C8A1E2B-7F4D-4B8E-9A51-3D2C7E0B9F11}';
const entry = (over: Partial<UninstallEntry> = {}): UninstallEntry => ({
  key: CODE,
  name: 'JAMS Scheduler',
  version: '7.4.0',
  publisher: 'Fortra',
  hasUninstall: true,
  uninstallString: `MsiExec.exe /X${CODE}`,
  ...over,
});

describe('the product code of an UninstallString', () => {
  test.each([
    [`MsiExec.exe /X${CODE}`, CODE],
    [`MsiExec.exe /I${CODE.toLowerCase()}`, CODE],
    [`"C:\\Windows\\System32\\msiexec.exe" /x ${CODE}`, CODE],
  ])('%s is Windows Installer removing %s', (text, code) => {
    expect(msiProductCode(text)).toBe(code);
  });

  test.each([
    '"C:\\ProgramData\\Package Cache\\{B}\\JAMSSetup.exe" /uninstall',
    `MsiExec.exe /X${CODE} /qn`,
    `MsiExec.exe /X${CODE} & calc.exe`,
    'MsiExec.exe /X{not-a-guid}',
    `cmd /c msiexec /x ${CODE}`,
    '',
  ])('%s is refused', (text) => {
    expect(msiProductCode(text)).toBeNull();
  });
});

describe('the entry uninstall-first removes', () => {
  test('the one Windows Installer entry of the installed version, whose key is its product code', () => {
    const other = entry({
      key: '{0D3B5E7A-2C1F-4E6B-A9D8-7F4E2B1C3A50}',
      name: 'JAMS Client',
      version: '7.2.100',
    });
    expect(pickUninstallEntry([other, entry()], '7.4.0')).toEqual({
      ok: true,
      entry: entry(),
      productCode: CODE,
    });
  });

  test('refuses a bundle, a key that is not the product code, or two products, naming what it saw', () => {
    const bundle = pickUninstallEntry([entry({ uninstallString: 'setup.exe /uninstall' })], '7.4.0');
    expect(bundle).toEqual({
      ok: false,
      problem: expect.stringMatching(
        /no Uninstall entry of JAMS 7.4.0 is a Windows Installer product .*setup.exe \/uninstall/,
      ),
    });
    expect(pickUninstallEntry([entry({ key: 'JAMS' })], '7.4.0').ok).toBe(false);
    const two = pickUninstallEntry(
      [
        entry(),
        entry({
          key: CODE.replace('6C8A', '7C8A'),
          uninstallString: `MsiExec.exe /X${CODE.replace('6C8A', '7C8A')}`,
        }),
      ],
      '7.4.0',
    );
    expect(two).toEqual({ ok: false, problem: expect.stringMatching(/^2 Uninstall entries of JAMS 7.4.0/) });
    expect(pickUninstallEntry([entry()], '7.3.0').ok).toBe(false);
  });
});

describe('the config files a reinstall puts back', () => {
  const record = (over: Partial<HostUpgradeRecord>): HostUpgradeRecord =>
    ({
      runKey: 'run-1',
      targetVersion: '7.4.0',
      versionBefore: '7.2.100',
      configSaveKey: 'run-1',
      ...over,
    }) as HostUpgradeRecord;

  test("the save from before the upgrade away from the version returned to, or this reinstall's own choice", () => {
    expect(configSaveFor(record({}), '7.2.100', 'run-2')).toBe('run-1');
    expect(
      configSaveFor(
        record({ runKey: 'run-2', targetVersion: '7.2.100', versionBefore: '7.4.0' }),
        '7.2.100',
        'run-2',
      ),
    ).toBe('run-1');
  });

  test("never an older upgrade's save, nor one of another version", () => {
    // An upgrade to 7.2.100 long ago: its save holds the files of the version before that.
    expect(
      configSaveFor(record({ targetVersion: '7.2.100', versionBefore: '7.1.0' }), '7.2.100', 'run-2'),
    ).toBeNull();
    expect(configSaveFor(record({ versionBefore: '7.3.0' }), '7.2.100', 'run-2')).toBeNull();
    expect(configSaveFor(null, '7.2.100', 'run-2')).toBeNull();
  });
});
