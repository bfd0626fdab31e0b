import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// npm run coverage:ps counts what the lab ran through an instrumented copy of the platform folder; each copy must be
// the same program, line for line, or coverage would change what the tests test.
const PLATFORM = 'src/host/ps/platform';
const COUNTER = /\[void\]\$global:JuCoverage\.hits\.Add\('[\w.]+:\d+'\); /g;

interface Instrumented {
  copies: Record<string, string>;
  errors: string[];
  counted: number;
  ran: string[];
}

function instrument(): Instrumented {
  const script = [
    '. ./lab/ps/Lab.Coverage.ps1',
    `$copy = Start-LabCoverage -Script '${PLATFORM}'`,
    '$errors = New-Object System.Collections.ArrayList',
    '$copies = [ordered]@{}',
    "foreach ($f in [System.IO.Directory]::GetFiles($copy, '*.ps1')) {",
    '  $e = $null; [void][System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$null, [ref]$e)',
    '  foreach ($x in @($e)) { if ($null -ne $x) { [void]$errors.Add($x.Message) } }',
    '  $copies[[System.IO.Path]::GetFileName($f)] = [System.IO.File]::ReadAllText($f)',
    '  . $f',
    '}',
    // PlatformText: a function with a branch, run once with a value, so only some of its lines run.
    '[void](PlatformText -Value 7)',
    '[ordered]@{ copies = $copies; errors = @($errors);',
    `  counted = @((Get-LabCoverageLines -Script '${PLATFORM}').Keys).Count;`,
    '  ran = @($global:JuCoverage.hits) } | ConvertTo-Json -Depth 3',
  ].join('\n');
  return JSON.parse(
    execFileSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8' }),
  ) as Instrumented;
}

describe('the platform folder as coverage instruments it', () => {
  const files = readdirSync(PLATFORM).filter((f) => f.endsWith('.ps1'));
  const result = instrument();

  test('each copy parses, keeps every line where it was, and the Platform* statement lines are counted', () => {
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.copies).sort()).toEqual([...files].sort());
    expect(result.counted).toBeGreaterThan(300);
    for (const f of files) {
      const original = readFileSync(join(PLATFORM, f), 'utf8').replace(/^\uFEFF/, '');
      const copy = (result.copies[f] ?? '').replace(/^\uFEFF/, '');
      expect(copy.split('\n').length).toBe(original.split('\n').length);
      // Take the counters out and the copy is the file itself.
      expect(copy.replace(COUNTER, '')).toBe(original);
    }
  });

  test('records the lines a call ran, and none of a function it did not call', () => {
    const file = 'Agents.ps1';
    const lines = readFileSync(join(PLATFORM, file), 'utf8').split('\n');
    const lineOf = (text: string, after = 0) => {
      const line = lines.findIndex((l, i) => i >= after && l.trim() === text) + 1;
      if (line === 0) throw new Error(`no line '${text}' in ${file}`);
      return `${file}:${line}`;
    };
    const text = Number(lineOf('function PlatformText {').split(':')[1]);
    expect(result.ran).toContain(
      lineOf("if ($null -eq $Value -or [string]$Value -eq '') { return $null }", text),
    );
    expect(result.ran).toContain(lineOf('return [string]$Value', text));
    const agents = Number(lineOf('function PlatformGetAgents {').split(':')[1]);
    expect(result.ran).not.toContain(lineOf('$found = New-Object System.Collections.ArrayList', agents));
    expect(result.ran).toHaveLength(2);
  });
});
