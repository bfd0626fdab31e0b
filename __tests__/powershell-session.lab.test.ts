import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labSession } from '../lab/lab-hook.mjs';
import { assetPaths } from '../src/host/powershell-host.js';
import { PowerShellSession, PrimitiveError, SessionError } from '../src/host/powershell-session.js';
import type { ShellKind } from '../src/host/shell-path.js';
import { tempDir, testShell } from './helpers/run-stage.js';

const sessions: PowerShellSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});

function session(
  overrides: Partial<{
    shell: string;
    callTimeoutMs: number;
    transcript: (l: string) => void;
    folder: string;
    secretEnv: Record<string, string>;
  }> = {},
) {
  const paths = assetPaths();
  const s = new PowerShellSession({
    shell: (overrides.shell ?? testShell()) as ShellKind,
    modulePath: paths.module,
    platformPath: paths.windows,
    platformOptions: { installFolder: 'C:\\JAMS' },
    hooks: labSession(overrides.folder ?? join(tempDir('sess'), 'pair'), 'primary'),
    callTimeoutMs: overrides.callTimeoutMs ?? 60_000,
    transcript: overrides.transcript,
    ...(overrides.secretEnv ? { secretEnv: overrides.secretEnv } : {}),
  });
  sessions.push(s);
  return s;
}

describe('PowerShell session', () => {
  test('values cross as data: quotes, subexpressions and non-ASCII text come back unchanged and run nothing', async () => {
    const dir = tempDir('inject');
    const hostile = `C:\\x'; New-Item ${join(dir, 'a')} #$(New-Item ${join(dir, 'b')})"; New-Item ${join(dir, 'c')}; \`$x Zürich ✓`;
    const s = session();
    const result = await s.call<{ folder: string; exists: boolean }>('Get-JuFiles', {
      Folder: hostile,
      Include: ['*'],
    });
    expect(result).toEqual({ folder: hostile, exists: false, files: [] });
    for (const f of ['a', 'b', 'c']) expect(existsSync(join(dir, f))).toBe(false);
  });

  test('only module primitives can be called', async () => {
    const s = session();
    await expect(s.call('Remove-Item')).rejects.toThrow(/not a primitive name/);
    await expect(s.call('Get-JuNothing')).rejects.toThrow(PrimitiveError);
    await expect(s.call('Get-JuNothing')).rejects.toThrow(/Unknown primitive 'Get-JuNothing'/);
  });

  test('a primitive that throws is a PrimitiveError and the session stays usable', async () => {
    const s = session();
    await expect(s.call('Stop-JuService', { Name: 'JAMS*' })).rejects.toThrow(/not a plain service name/);
    const platform = await s.call<{ computerName: string }>('Get-JuPlatform');
    expect(platform.computerName).toBe('JAMS-PRI');
  });

  test('a call past its time limit ends the session with a clear error; the next call gets a new, equally bounded session', async () => {
    const s = session({ callTimeoutMs: 50 });
    await expect(s.call('Get-JuPlatform')).rejects.toThrow(SessionError);
    await expect(s.call('Get-JuPlatform')).rejects.toThrow(
      /did not answer within 0 s; the PowerShell session was ended/,
    );
  });

  test('a missing PowerShell executable is a clear error, not a hang or an unhandled rejection', async () => {
    const s = session({ shell: 'pwsh-that-does-not-exist' });
    await expect(s.call('Get-JuPlatform')).rejects.toThrow(
      /The 'shell' input is pwsh-that-does-not-exist, and .* was not found on PATH/,
    );
  });

  test('the transcript shows each call and hides secret arguments', async () => {
    const lines: string[] = [];
    const s = session({ transcript: (l) => lines.push(l) });
    await expect(
      s.call('Get-JuFiles', { Folder: 'C:\\none', Include: ['*'], Password: 'hunter2' }, ['Password']),
    ).rejects.toThrow(/has no parameter 'Password'/);
    expect(lines.join('\n')).toContain('> Get-JuFiles');
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  test("the transcript hides replies' secret fields: a config file's text, a connection-string password, a held secret", async () => {
    const lines: string[] = [];
    const folder = join(tempDir('sess'), 'pair');
    const s = session({
      transcript: (l) => lines.push(l),
      folder,
      secretEnv: { JU_SQL_PASSWORD: 'held-secret-17b' },
    });
    const config = join(folder, 'primary', 'C', 'Cfg');
    mkdirSync(config, { recursive: true });
    const text =
      '<configuration><connectionStrings><add name="x" connectionString="Server=.;Password=&quot;cfg;secret17b&quot;" />' +
      '</connectionStrings></configuration>';
    writeFileSync(join(config, 'common.config'), text);
    const [file] = await s.call<{ name: string; text: string }[]>('Read-JuTextFiles', {
      Folder: 'C:\\Cfg',
      Names: ['common.config'],
    });
    // The caller gets the text whole (start needs it); the transcript shows the marker in its place.
    expect(file?.text).toBe(text);
    await expect(
      s.call('Get-JuFiles', { Folder: 'C:\\Password=plain17b;held-secret-17b', Include: ['*'] }),
    ).resolves.toBeDefined();
    const transcript = lines.join('\n');
    expect(transcript).toContain('< Read-JuTextFiles');
    expect(transcript).toContain('"text":"***"');
    for (const secret of ['secret17b', 'plain17b', 'held-secret-17b'])
      expect(transcript).not.toContain(secret);
  });
});
