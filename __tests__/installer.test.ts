import { describe, expect, test } from '@jest/globals';
import {
  classifyExitCode,
  decodeLog,
  findErrorLine,
  installerArgumentProblem,
  installerKindMismatch,
  isInstallerPath,
} from '../src/jams/installer.js';
import { DEFAULT_INSTALLER_ARGUMENTS } from '../src/jams/unverified.js';

describe('installer arguments', () => {
  test('the default keeps every component, never reboots and writes the log', () => {
    expect(installerArgumentProblem(DEFAULT_INSTALLER_ARGUMENTS)).toBeNull();
  });

  test.each([
    [['/quiet', '/norestart', '/log', '{log}', 'REMOVE=Agent'], /REMOVE=/],
    [['/quiet', '/norestart', '/log', '{log}', 'ADDLOCAL=Scheduler'], /ADDLOCAL=/],
    [['/quiet', '/norestart', '/forcerestart', '/log', '{log}'], /restart switches/],
    [['/quiet', '/log', '{log}'], /\/norestart/],
    [['/quiet', '/norestart'], /\{log\}/],
    [['/quiet', '/norestart', '/log', '{log}', 'X="y"'], /double quote/],
  ])('refuses %j', (args, problem) => {
    expect(installerArgumentProblem(args)).toMatch(problem);
  });

  test('ADDLOCAL=ALL and REBOOT=ReallySuppress are fine', () => {
    expect(
      installerArgumentProblem(['/qn', 'REBOOT=ReallySuppress', 'ADDLOCAL=ALL', '/l*v', '{log}']),
    ).toBeNull();
  });
});

test.each([
  ['D:\\Installers\\JAMS 7.3\\setup.exe', true],
  ['\\\\fileserver\\jams\\JAMS-7.3.500.exe', true],
  ['\\\\fileserver\\jams', false],
  ['relative\\setup.exe', false],
  ['D:\\x"; calc.exe', false],
  ['D:\\Installers\\*.exe', false],
  ['D:\\Installers\\', false],
])('isInstallerPath(%j) is %s', (path, ok) => {
  expect(isInstallerPath(path)).toBe(ok);
});

test('exit codes: 0 succeeds, 3010 and 1641 ask for a reboot, the rest fail with their meaning', () => {
  expect(classifyExitCode(0).outcome).toBe('success');
  expect(classifyExitCode(3010)).toEqual(expect.objectContaining({ outcome: 'reboot' }));
  expect(classifyExitCode(1641)).toEqual(expect.objectContaining({ outcome: 'reboot' }));
  expect(classifyExitCode(1603)).toEqual({
    outcome: 'failure',
    meaning: expect.stringMatching(/fatal error/),
  });
  expect(classifyExitCode(1618).meaning).toMatch(/another installation/);
  expect(classifyExitCode(1602).meaning).toMatch(/cancelled/);
  expect(classifyExitCode(42)).toEqual({ outcome: 'failure', meaning: 'an installer error' });
});

test('reads UTF-16 msiexec logs and finds the line that reports the error', () => {
  const log = [
    '=== Verbose logging started ===',
    'Action start: InstallFiles',
    'Action ended: InstallFinalize. Return value 3.',
    'Installation failed.',
  ].join('\r\n');
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log, 'utf16le')]);
  const text = decodeLog(bytes);
  expect(findErrorLine(text)).toEqual({ line: 3, text: 'Action ended: InstallFinalize. Return value 3.' });
  expect(findErrorLine('all good\nMainEngineThread is returning 0')).toBeNull();
  expect(decodeLog(Buffer.from('\ufeffplain', 'utf8'))).toBe('plain');
});

describe("installer arguments against the setup's kind", () => {
  const inputs = { path: 'installer-path', args: 'installer-arguments' };
  const words = (text: string) => text.split(' ');
  const mismatch = (kind: Parameters<typeof installerKindMismatch>[0], args: string, path = 'D:\\JAMS.exe') =>
    installerKindMismatch(kind, path, words(args), inputs);

  test('the default arguments suit a Burn bundle and an .msi, not an InstallShield setup', () => {
    expect(installerKindMismatch('burn', 'D:\\JAMS.exe', DEFAULT_INSTALLER_ARGUMENTS, inputs)).toBeNull();
    expect(installerKindMismatch('msi', 'D:\\JAMS.msi', DEFAULT_INSTALLER_ARGUMENTS, inputs)).toBeNull();
    expect(
      installerKindMismatch('installshield', 'D:\\setup.exe', DEFAULT_INSTALLER_ARGUMENTS, inputs),
    ).toEqual({
      problem: "InstallShield's Setup.exe does not take /quiet, /log (Burn's or msiexec's)",
      fix: expect.stringMatching(
        /^InstallShield's Setup\.exe is silent with \/s .*\/s \/v"\/qn \/norestart \/l\*v C:\\Temp\\jams-setup\.log"\. installer-arguments cannot carry that yet/,
      ),
    });
  });

  test.each([
    ['burn', '/passive /norestart /log {log}'],
    ['burn', '-s -norestart -l {log}'],
    ['msi', '/qn /norestart /l*v {log}'],
    ['msi', '/passive REBOOT=ReallySuppress /log {log}'],
    ['installshield', '/s /v/qn /norestart {log}'],
  ] as const)('%s takes %s', (kind, args) => {
    expect(mismatch(kind, args, kind === 'msi' ? 'D:\\JAMS.msi' : 'D:\\JAMS.exe')).toBeNull();
  });

  test.each([
    [
      'burn',
      '/norestart /log {log}',
      /no \/quiet or \/passive/,
      /for example: \/quiet \/norestart \/log \{log\}/,
    ],
    ['burn', '/qn /norestart /l*v {log}', /does not take \/qn, \/l\*v/, /Burn bundle's switches/],
    [
      'msi',
      '/i /qn /norestart /l*v {log}',
      /gives msiexec \/i and the path itself: leave out \/i/,
      /\/qn \/norestart \/l\*v \{log\}/,
    ],
    ['msi', '/qb /norestart /l*v {log}', /\/qb shows a user interface/, /msiexec's switches/],
    ['msi', '/s /norestart /log {log}', /msiexec does not take \/s/, /msiexec's switches/],
    ['msi', '/norestart /log {log}', /no \/qn or \/quiet/, /msiexec's switches/],
    ['installshield', '/norestart {log}', /no \/s, so Setup\.exe would show its UI/, /\/s \/v"\/qn/],
  ] as const)('%s refuses %s', (kind, args, problem, fix) => {
    const found = mismatch(kind, args, kind === 'msi' ? 'D:\\JAMS.msi' : 'D:\\JAMS.exe');
    expect(found?.problem).toMatch(problem);
    expect(found?.fix).toMatch(fix);
  });

  test('a package whose name does not match its kind: msiexec runs only .msi names, and no program', () => {
    expect(mismatch('msi', '/qn /norestart /l*v {log}', 'D:\\JAMS.exe')?.problem).toMatch(
      /does not end in \.msi/,
    );
    expect(mismatch('burn', '/quiet /norestart /log {log}', 'D:\\JAMS.msi')?.problem).toMatch(
      /ends in \.msi/,
    );
  });

  test('an unknown kind is never a mismatch (the stage warns instead)', () => {
    expect(mismatch('unknown', '/anything {log}')).toBeNull();
  });
});
