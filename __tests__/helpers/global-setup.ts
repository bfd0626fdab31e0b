// jest's globalSetup: the lab tests' PowerShell, precompiled.
// PowerShell installed as a dotnet tool (`dotnet tool install --global PowerShell`, as CI does) ships its engine as IL
// only, so every PowerShell process the tests start compiles the engine again: about 1.2 CPU-seconds before it runs a
// line. The official packages ship it precompiled (ReadyToRun). This builds, once per machine and PowerShell, a copy of
// that PowerShell with its engine precompiled by crossgen2 (from NuGet, the version of .NET it runs on), and the tests
// put the copy first on PATH. It is the same PowerShell, the same IL, compiled ahead of time. Nothing is installed or
// changed outside the temp folder; when anything is missing, the tests use the PowerShell on PATH as it is.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The engine's assemblies, compiled ahead of time; the others are small or already precompiled. */
const ENGINE = [
  'pwsh.dll',
  'System.Management.Automation.dll',
  'Microsoft.PowerShell.ConsoleHost.dll',
  'Microsoft.PowerShell.Commands.Utility.dll',
  'Microsoft.PowerShell.Commands.Management.dll',
  'Microsoft.PowerShell.Security.dll',
  'Microsoft.PowerShell.CoreCLR.Eventing.dll',
  'Newtonsoft.Json.dll',
];

/** The PowerShell found on PATH, as the sessions would start it. */
function pwshOnPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const file = join(dir, 'pwsh');
    if (dir && existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

function run(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(
      `${command} ${args[0] ?? ''} failed: ${(r.stderr || r.stdout || String(r.error)).trim().slice(-400)}`,
    );
  }
  return r.stdout;
}

/** crossgen2 for the .NET version PowerShell runs on, from NuGet (into the user's NuGet package folder). */
function crossgen2(runtime: string): string {
  const rid = `${process.platform === 'darwin' ? 'osx' : 'linux'}-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  const name = `microsoft.netcore.app.crossgen2.${rid}`;
  const tool = join(
    process.env['NUGET_PACKAGES'] ?? join(homedir(), '.nuget', 'packages'),
    name,
    runtime,
    'tools',
  );
  if (!existsSync(join(tool, 'crossgen2'))) {
    const project = mkdtempSync(join(tmpdir(), 'ju-crossgen2-'));
    try {
      writeFileSync(
        join(project, 'restore.csproj'),
        `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net${runtime.split('.').slice(0, 2).join('.')}</TargetFramework></PropertyGroup>` +
          `<ItemGroup><PackageDownload Include="${name}" Version="[${runtime}]" /></ItemGroup></Project>`,
      );
      run('dotnet', ['restore', '--nologo'], project);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }
  return join(tool, 'crossgen2');
}

/**
 * The folder of a precompiled copy of the PowerShell on PATH, built if it is not there yet; undefined when the PowerShell
 * on PATH is precompiled already (an official package) or the copy cannot be built (the reason is printed).
 */
function readyToRunPwsh(): string | undefined {
  if (process.platform === 'win32') return undefined;
  const pwsh = pwshOnPath();
  if (!pwsh) return undefined;
  const stat = statSync(pwsh);
  const key = createHash('sha256').update(`${pwsh} ${stat.size} ${stat.mtimeMs}`).digest('hex').slice(0, 16);
  const folder = join(tmpdir(), `ju-pwsh-r2r-${key}`);
  if (existsSync(join(folder, 'pwsh'))) return folder;
  if (existsSync(join(folder, 'precompiled-already'))) return undefined;
  const started = Date.now();
  try {
    const [home, runtime, precompiled, original] = run(pwsh, [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      '$PSHOME; [Environment]::Version.ToString(); ' +
        '$s = [IO.File]::OpenRead((Join-Path $PSHOME System.Management.Automation.dll)); ' +
        '$pe = New-Object System.Reflection.PortableExecutable.PEReader($s); ' +
        '$pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0; $pe.Dispose(); ' +
        '$PSVersionTable.PSVersion.ToString()',
    ])
      .trim()
      .split(/\r?\n/);
    if (!home || !runtime) throw new Error('pwsh did not say where it lives');
    if (precompiled === 'True') {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'precompiled-already'), `${home}\n`);
      return undefined;
    }
    const tool = crossgen2(runtime);
    const framework = run('dotnet', ['--list-runtimes'])
      .split('\n')
      .map((l) => /^Microsoft\.NETCore\.App (\S+) \[(.+)\]$/.exec(l.trim()))
      .find((m) => m?.[1] === runtime);
    if (!framework?.[2]) throw new Error(`dotnet lists no Microsoft.NETCore.App ${runtime}`);
    const building = mkdtempSync(join(tmpdir(), 'ju-pwsh-r2r-building-'));
    try {
      cpSync(home, building, { recursive: true });
      // References: the .NET pwsh runs on and pwsh's own assemblies.
      const options = [
        '-r',
        `${join(framework[2], runtime)}/`,
        '-r',
        `${home}/`,
        '--targetarch',
        process.arch,
      ];
      options.push('--targetos', process.platform === 'darwin' ? 'osx' : 'linux');
      for (const dll of ENGINE.filter((d) => existsSync(join(home, d)))) {
        run(tool, [...options, '-O', join(home, dll), '-o', join(building, dll)]);
      }
      // The copy must start and be the same PowerShell before the tests use it.
      const version = run(join(building, 'pwsh'), [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        '$PSVersionTable.PSVersion.ToString()',
      ]).trim();
      if (version !== original) throw new Error(`the copy says it is PowerShell ${version}`);
      renameSync(building, folder);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
    process.stderr.write(`pwsh precompiled in ${Math.round((Date.now() - started) / 1000)} s.\n`);
    return folder;
  } catch (err) {
    process.stderr.write(`The tests use ${pwsh} as it is (not precompiled): ${(err as Error).message}\n`);
    return undefined;
  }
}

/** Once per `npm test`, before the workers start (they inherit PATH). */
export default function globalSetup(): void {
  const folder = readyToRunPwsh();
  if (folder) process.env['PATH'] = `${folder}${delimiter}${process.env['PATH'] ?? ''}`;
  process.stderr.write(
    `The lab tests run ${folder ? `a precompiled copy of pwsh: ${folder}` : 'the pwsh on PATH'}\n`,
  );
}

// `npm run precompile:pwsh`: builds the copy ahead of the first `npm test` (CI does, so the suite's time is its own).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(readyToRunPwsh() ?? 'Nothing to precompile: the tests use the pwsh on PATH.');
}
