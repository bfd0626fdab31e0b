import { describe, expect, test } from '@jest/globals';
import { resolveShellExecutable, windowsPowerShellPath } from '../src/host/shell-path.js';

// The PowerShell a session starts is an absolute path, never a bare name Windows would look up in the working folder
// (the runner's workspace) first; a pwsh found under the workspace or the current folder is refused.
const found = (path: string) => () => Promise.resolve(path);

describe('the shell executable', () => {
  test('Windows PowerShell is always the system copy under %SystemRoot%, whatever PATH holds', async () => {
    const find = () => Promise.reject(new Error('not asked'));
    await expect(
      resolveShellExecutable('powershell', {
        platform: 'win32',
        env: { SystemRoot: 'D:\\WINDOWS' },
        cwd: 'C:\\actions-runner\\_work\\jams\\jams',
        find,
      }),
    ).resolves.toBe('D:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    // A SystemRoot that is not a plain drive path falls back to C:\Windows.
    expect(windowsPowerShellPath({ SystemRoot: '.\\evil' })).toBe(
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(windowsPowerShellPath({})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  test('pwsh is found once on PATH and started by its absolute path', async () => {
    await expect(
      resolveShellExecutable('pwsh', {
        platform: 'win32',
        env: { GITHUB_WORKSPACE: 'C:\\actions-runner\\_work\\jams\\jams' },
        cwd: 'C:\\actions-runner\\_work\\jams\\jams',
        find: found('C:\\Program Files\\PowerShell\\7\\pwsh.exe'),
      }),
    ).resolves.toBe('C:\\Program Files\\PowerShell\\7\\pwsh.exe');
    await expect(
      resolveShellExecutable('pwsh', {
        platform: 'linux',
        env: {},
        cwd: '/work',
        find: found('/usr/bin/pwsh'),
      }),
    ).resolves.toBe('/usr/bin/pwsh');
  });

  test.each([
    [
      'under the workspace',
      'C:\\actions-runner\\_work\\jams\\jams\\tools\\pwsh.exe',
      /under the workspace \(GITHUB_WORKSPACE\)/,
    ],
    [
      'in the workspace, another case',
      'c:\\ACTIONS-RUNNER\\_work\\JAMS\\jams\\pwsh.exe',
      /under the workspace/,
    ],
    ['in the current folder (a relative PATH entry)', '.\\pwsh.exe', /under the current folder D:\\work/],
  ])('a pwsh %s is refused, naming the shell input and the fix', async (_what, path, why) => {
    const attempt = resolveShellExecutable('pwsh', {
      platform: 'win32',
      env: { GITHUB_WORKSPACE: 'C:\\actions-runner\\_work\\jams\\jams' },
      cwd: 'D:\\work',
      find: found(path),
    });
    await expect(attempt).rejects.toThrow(why);
    await expect(attempt).rejects.toThrow(
      /^The 'shell' input is pwsh, .* Install PowerShell 7 .* use the 'shell' input powershell/,
    );
  });

  test('a pwsh under the POSIX workspace is refused; a file system root as the current folder refuses nothing', async () => {
    await expect(
      resolveShellExecutable('pwsh', {
        platform: 'linux',
        env: { GITHUB_WORKSPACE: '/home/runner/work/x/x' },
        cwd: '/',
        find: found('/home/runner/work/x/x/node_modules/.bin/pwsh'),
      }),
    ).rejects.toThrow(/under the workspace/);
    await expect(
      resolveShellExecutable('pwsh', { platform: 'linux', env: {}, cwd: '/', find: found('/opt/pwsh') }),
    ).resolves.toBe('/opt/pwsh');
  });

  test('a pwsh missing from PATH is a clear error naming the shell input', async () => {
    await expect(
      resolveShellExecutable('pwsh', {
        platform: 'win32',
        env: {},
        cwd: 'D:\\work',
        find: () => Promise.reject(new Error('Unable to locate executable file: pwsh.')),
      }),
    ).rejects.toThrow(
      /^The 'shell' input is pwsh, and pwsh was not found on PATH \(Unable to locate .*\): install PowerShell 7/,
    );
  });
});
