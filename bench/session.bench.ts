// Measures, in one run on one machine, the median cost of one primitive call in the persistent session
// against the same call made by starting a fresh PowerShell process, as a plain workflow `run:` step does.
// Prints both and their ratio; the last line is `ratio: N`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LAB_FAKES, LAB_SEAMS, labSession } from '../lab/lab-hook.mjs';
import { assetPaths } from '../src/host/powershell-host.js';
import { encodeArgs, PowerShellSession } from '../src/host/powershell-session.js';

const shell = process.platform === 'win32' ? 'powershell' : 'pwsh';
const lab = join(mkdtempSync(join(tmpdir(), 'ju-bench-')), 'pair');
const paths = assetPaths();
const platformOptions = { installFolder: 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler' };
const labSetup = { fakes: LAB_FAKES, seams: LAB_SEAMS, folder: lab, node: 'primary' as const };
const command = 'Get-JuServiceStates';
const args = { Names: ['JAMSExecutor', 'JAMSServer', 'JAMSScheduler'] };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function persistent(samples: number): Promise<number[]> {
  const session = new PowerShellSession({
    shell,
    modulePath: paths.module,
    platformPath: paths.windows,
    platformOptions,
    hooks: labSession(lab, 'primary'),
    callTimeoutMs: 60_000,
  });
  try {
    await session.call(command, args); // start-up and lab creation are not part of a call's cost
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await session.call(command, args);
      times.push(performance.now() - t);
    }
    return times;
  } finally {
    await session.dispose();
  }
}

function fresh(samples: number): number[] {
  const setup = encodeArgs({
    module: paths.module,
    platform: paths.windows,
    options: JSON.stringify(platformOptions),
    ...labSetup,
  });
  const script =
    `$ju = ConvertFrom-Json ([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${setup}'))); ` +
    `. $ju.fakes -Folder $ju.folder -Node $ju.node; ` +
    `Import-Module -Name $ju.module -ArgumentList $ju.platform, $ju.options, $ju.seams -DisableNameChecking; ` +
    `Invoke-JuCall -Command '${command}' -ArgsBase64 '${encodeArgs(args)}' -Marker 'M'`;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const r = spawnSync(shell, ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0 || !r.stdout.includes('"ok":true'))
      throw new Error(`fresh call failed: ${r.stderr || r.stdout}`);
  }
  return times;
}

const kept = median(await persistent(40));
const each = median(fresh(9));
console.log(`shell: ${shell}; primitive: ${command}`);
console.log(`persistent session, median of 40 calls: ${kept.toFixed(1)} ms`);
console.log(`fresh process per call, median of 9 calls: ${each.toFixed(1)} ms`);
console.log(`ratio: ${(each / kept).toFixed(1)}`);
