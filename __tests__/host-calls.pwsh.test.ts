import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAND_WRITTEN, HOST_CALLS, SECRET_REPLY_FIELDS, type HostCall } from '../src/host/calls.js';
import type { Host } from '../src/host/host.js';
import { PowerShellHost } from '../src/host/powershell-host.js';
import type { PowerShellSession } from '../src/host/powershell-session.js';

// Each host call is declared once (src/host/calls.ts); the PowerShell side must agree with that table.
const PS = 'src/host/ps';
const calls = Object.entries(HOST_CALLS as Record<string, HostCall<unknown[], unknown>>);
const declared = calls.map(([, c]) => c.command);

/** The dispatcher's allow-list, $script:Commands, as written in the module's files. */
function allowList(): string[] {
  const files = [
    join(PS, 'JamsUpgrade.psm1'),
    ...readdirSync(join(PS, 'module')).map((f) => join(PS, 'module', f)),
  ];
  const lists = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\$script:Commands\s*=\s*@\(([\s\S]*?)\n\)/g)].map(
      (m) => m[1] ?? '',
    ),
  );
  expect(lists).toHaveLength(1);
  return [...(lists[0] ?? '').matchAll(/'([\w-]+)'/g)].map((m) => m[1] ?? '');
}

/** The functions of module/*.ps1 and their parameters, as PowerShell's parser reads them. */
function moduleFunctions(): Map<string, string[]> {
  const files = readdirSync(join(PS, 'module'))
    .filter((f) => f.endsWith('.ps1'))
    .map((f) => join(PS, 'module', f));
  const out = execFileSync(
    'pwsh',
    ['-NoProfile', '-NonInteractive', '-File', 'scripts/Read-PsLayout.ps1', ...files],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const layout = JSON.parse(out) as { functions: { name: string; parameters: string[] }[] }[];
  return new Map(layout.flatMap((l) => l.functions).map((f) => [f.name, f.parameters]));
}

// Any value at all: each of its properties is another, so a declaration's argument names can be read without samples.
const anything: unknown = new Proxy(() => undefined, {
  get: (_target, key) => (typeof key === 'symbol' || key === 'toJSON' ? undefined : anything),
});

describe('the host calls, declared once', () => {
  test("the dispatcher's allow-list is exactly the declared primitives", () => {
    const list = allowList();
    expect(list.filter((n, i) => list.indexOf(n) !== i)).toEqual([]);
    expect(declared.filter((n, i) => declared.indexOf(n) !== i)).toEqual([]);
    expect([...list].sort()).toEqual([...declared].sort());
  });

  test('each declared primitive is a function of module/*.ps1 that takes every argument its declaration sends', () => {
    const functions = moduleFunctions();
    const problems = calls.flatMap(([method, call]) => {
      const parameters = functions.get(call.command);
      if (!parameters) return [`${method}: no function ${call.command} in ${PS}/module`];
      const sent = Object.keys(call.args(...Array<unknown>(call.args.length).fill(anything)));
      return [...sent, ...call.secretArgs]
        .filter((name) => !parameters.some((p) => p.toLowerCase() === name.toLowerCase()))
        .map((name) => `${method}: ${call.command} has no parameter ${name}`);
    });
    expect(problems).toEqual([]);
  });

  test('every Host method is declared, and PowerShellHost has exactly those', () => {
    // Compile time: a Host method outside the table (besides close) fails the type check.
    const undeclared: Exclude<keyof Host, keyof typeof HOST_CALLS | 'close'> extends never ? true : false =
      true;
    expect(undeclared).toBe(true);
    const host = new PowerShellHost(
      { shell: 'pwsh', installFolder: '', callTimeoutMs: 1000 },
      {} as PowerShellSession,
    );
    const methods = new Set([
      ...Object.keys(host).filter(
        (k) => typeof (host as unknown as Record<string, unknown>)[k] === 'function',
      ),
      ...Object.getOwnPropertyNames(PowerShellHost.prototype).filter((k) => k !== 'constructor'),
    ]);
    expect([...methods].sort()).toEqual([...Object.keys(HOST_CALLS), 'close'].sort());
    for (const method of HAND_WRITTEN) expect(Object.hasOwn(PowerShellHost.prototype, method)).toBe(true);
  });

  test('a forwarder passes the declared arguments, secret argument names and time limit to the session', async () => {
    const seen: unknown[][] = [];
    const session = {
      call: (...args: unknown[]) => {
        seen.push(args);
        return Promise.resolve({ path: 'p', exists: true, json: '{"a":1}' });
      },
    } as unknown as PowerShellSession;
    const host = new PowerShellHost({ shell: 'pwsh', installFolder: '', callTimeoutMs: 1000 }, session);
    await host.writeTextFile('C:\\Cfg', 'common.config', 'Password=x', { bom: true, expectSha256: 'ab' });
    const target = { server: 's', database: 'd', auth: 'sql' as const, timeoutSeconds: 30 };
    await host.backupDatabase(target, 'C:\\b.bak');
    await host.saveState('C:\\State', 'n', { a: 1 });
    await expect(host.readState<{ a: number }>('C:\\State', 'n')).resolves.toEqual({
      path: 'p',
      data: { a: 1 },
    });
    expect(seen).toEqual([
      [
        'Write-JuTextFile',
        { Folder: 'C:\\Cfg', Name: 'common.config', Text: 'Password=x', Bom: true, ExpectSha256: 'ab' },
        ['Text'],
        undefined,
      ],
      [
        'Backup-JuDatabase',
        {
          Server: 's',
          Database: 'd',
          Auth: 'sql',
          User: '',
          PasswordVariable: '',
          TimeoutSeconds: 30,
          Path: 'C:\\b.bak',
        },
        [],
        90_000,
      ],
      [
        'Save-JuStateFile',
        { Folder: 'C:\\State', Name: 'n', Json: JSON.stringify({ a: 1 }, null, 2) },
        [],
        undefined,
      ],
      ['Read-JuStateFile', { Folder: 'C:\\State', Name: 'n' }],
    ]);
    expect(SECRET_REPLY_FIELDS).toEqual({ 'Read-JuTextFiles': ['text'] });
  });
});
