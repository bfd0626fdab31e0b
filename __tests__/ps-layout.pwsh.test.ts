import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinedModule, joinedPlatform } from '../scripts/copy-assets.mjs';

// The PowerShell side, split by concern: small files, help on every public function, and a platform that never calls
// up into the module. npm run package joins each folder into one file of dist/ps.
const PS = 'src/host/ps';
const MAX_LINES = 300;

interface Fn {
  name: string;
  parameters: string[];
  help: boolean;
  synopsis: string;
  outputs: string;
  documented: string[];
  calls: string[];
}
interface Layout {
  file: string;
  lines: number;
  functions: Fn[];
}

function read(files: string[]): Layout[] {
  const out = execFileSync(
    'pwsh',
    ['-NoProfile', '-NonInteractive', '-File', 'scripts/Read-PsLayout.ps1', ...files],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out) as Layout[];
}

const filesIn = (folder: string) =>
  readdirSync(join(PS, folder))
    .filter((f) => f.endsWith('.ps1'))
    .map((f) => join(PS, folder, f));
const moduleFiles = [join(PS, 'JamsUpgrade.psm1'), ...filesIn('module')];
const platformFiles = filesIn('platform');
const layout = read([...moduleFiles, ...platformFiles]);
const fns = (files: string[]) => layout.filter((l) => files.includes(l.file)).flatMap((l) => l.functions);
const moduleFns = fns(moduleFiles);
const platformFns = fns(platformFiles);

/** The primitives the Node side may call: the dispatcher's list. */
function primitives(): string[] {
  const text = readFileSync(join(PS, 'module', 'Dispatcher.ps1'), 'utf8');
  const list = /\$script:Commands = @\(([\s\S]*?)\n\)/.exec(text)?.[1] ?? '';
  return [...list.matchAll(/'([\w-]+)'/g)].map((m) => m[1] ?? '');
}

describe('the PowerShell files, by concern', () => {
  test(`no PowerShell file under ${PS} has ${MAX_LINES} lines or more`, () => {
    const all = readdirSync(PS, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ps(m?)1$/.test(f));
    expect(all.length).toBe(layout.length);
    expect(layout.filter((l) => l.lines >= MAX_LINES).map((l) => `${l.file}: ${l.lines}`)).toEqual([]);
  });

  test('every file defines at least one function, and no function is defined twice', () => {
    for (const l of layout.filter((x) => x.file !== join(PS, 'JamsUpgrade.psm1')))
      expect(l.functions.length).toBeGreaterThan(0);
    const names = [...moduleFns, ...platformFns].map((f) => f.name.toLowerCase());
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('every public function has .SYNOPSIS, a .PARAMETER for each parameter, and .OUTPUTS', () => {
    const called = new Set(moduleFns.flatMap((f) => f.calls).filter((c) => /^Platform/.test(c)));
    const isPublic = new Set([...primitives(), 'Invoke-JuCall', ...called]);
    const publicFns = [...moduleFns, ...platformFns].filter((f) => isPublic.has(f.name));
    expect(publicFns.length).toBe(isPublic.size);
    const problems = publicFns.flatMap((f) => {
      const missing = f.parameters.filter((p) => !f.documented.includes(p.toUpperCase()));
      const extra = f.documented.filter((d) => !f.parameters.some((p) => p.toUpperCase() === d));
      return [
        ...(f.synopsis.trim() ? [] : [`${f.name}: no .SYNOPSIS`]),
        ...(f.outputs.trim() ? [] : [`${f.name}: no .OUTPUTS`]),
        ...missing.map((p) => `${f.name}: no .PARAMETER ${p}`),
        ...extra.map((p) => `${f.name}: .PARAMETER ${p} names no parameter`),
      ];
    });
    expect(problems).toEqual([]);
  });

  test('the platform never calls a module function: the dependency goes module -> platform only', () => {
    const module = new Set(moduleFns.map((f) => f.name.toLowerCase()));
    const upward = layout
      .filter((l) => platformFiles.includes(l.file))
      .flatMap((l) => l.functions.flatMap((f) => f.calls.map((c) => ({ file: l.file, f: f.name, c }))))
      .filter(({ c }) => module.has(c.toLowerCase()))
      .map(({ file, f, c }) => `${file}: ${f} calls ${c}`);
    expect(upward).toEqual([]);
    // The platform's own names: Platform* and Seam* only, so a module name cannot hide among them.
    expect(platformFns.map((f) => f.name).filter((n) => !/^(Platform|Seam)/.test(n))).toEqual([]);
  });

  test('placeholders are filled in one place, PlatformCommandLine: exact, case-sensitive, then quoted', () => {
    const callers = [...moduleFns, ...platformFns].filter((f) => f.calls.includes('PlatformCommandLine'));
    expect(callers.map((f) => f.name).sort()).toEqual([
      'PlatformStartInstaller',
      'PlatformStartRemoteInstall',
      'Start-JuInstaller',
      'Start-JuUninstaller',
    ]);
    const script = [
      `. ./${PS}/platform/Processes.ps1`,
      "$v = [ordered]@{ '{package}' = 'C:\\run folder\\p.msi'; '{log}' = 'C:\\logs\\' }",
      "PlatformCommandLine -Arguments @('/i', '{package}', '/l*v', '{log}', '{LOG}', 'x{log}', '') -Values $v",
    ].join('\n');
    const line = execFileSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', script], {
      encoding: 'utf8',
    }).trim();
    expect(line).toBe('/i "C:\\run folder\\p.msi" /l*v C:\\logs\\ {LOG} x{log} ""');
  });

  test('the joined files of npm run package hold every source function, and dist/ps holds them as built', () => {
    const platformNames = platformFns.map((f) => f.name).sort();
    const moduleNames = moduleFns.map((f) => f.name).sort();
    const defined = (text: string) =>
      [...text.matchAll(/^function\s+([\w-]+)\s*\{/gm)].map((m) => m[1] ?? '').sort();
    expect(defined(joinedPlatform())).toEqual(platformNames);
    expect(defined(joinedModule())).toEqual(moduleNames);
    if (existsSync('dist/ps/Platform.Windows.ps1')) {
      expect(defined(readFileSync('dist/ps/Platform.Windows.ps1', 'utf8'))).toEqual(platformNames);
      expect(defined(readFileSync('dist/ps/JamsUpgrade.psm1', 'utf8'))).toEqual(moduleNames);
      expect(readdirSync('dist/ps').sort()).toEqual(['JamsUpgrade.psm1', 'Platform.Windows.ps1']);
    }
  });
});
