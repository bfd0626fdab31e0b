import { describe, expect, test } from '@jest/globals';
import {
  classifyExitCode,
  decodeLog,
  findErrorLine,
  installerArgumentProblem,
  installerArguments,
  isInstallerPath,
} from '../src/jams/installer.js';
import { DEFAULT_INSTALLER_ARGUMENTS } from '../src/jams/unverified.js';

describe('installer arguments', () => {
  test('the default keeps every component, never reboots and writes the log', () => {
    expect(installerArgumentProblem(DEFAULT_INSTALLER_ARGUMENTS)).toBeNull();
    expect(installerArguments(DEFAULT_INSTALLER_ARGUMENTS, 'C:\\run folder\\i.log')).toEqual([
      '/quiet',
      '/norestart',
      '/log',
      'C:\\run folder\\i.log',
    ]);
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
