import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// npm run coverage:ps counts what the lab ran through an instrumented copy of the platform file; the copy must be the
// same program, line for line, or coverage would change what the tests test.
const PLATFORM = 'src/host/ps/Platform.Windows.ps1';

interface Instrumented {
  copy: string;
  errors: string[];
  counted: number;
  lines: number;
  ran: number[];
}

function instrument(): Instrumented {
  const script = [
    '. ./lab/ps/Lab.Coverage.ps1',
    `$copy = Start-LabCoverage -Script '${PLATFORM}'`,
    '$errors = $null',
    '[void][System.Management.Automation.Language.Parser]::ParseFile($copy, [ref]$null, [ref]$errors)',
    // PlatformText: a function with a branch, run once with a value, so only some of its lines run.
    '. $copy',
    '[void](PlatformText -Value 7)',
    '$text = [System.IO.File]::ReadAllText($copy)',
    '[ordered]@{ copy = $text; errors = @($errors | ForEach-Object { $_.Message });',
    '  counted = @((Get-LabCoverageLines -Script ' + `'${PLATFORM}'` + ').Keys).Count;',
    '  lines = @($text -split "`n").Count; ran = @($global:JuCoverage.hits) } | ConvertTo-Json -Depth 3',
  ].join('\n');
  return JSON.parse(
    execFileSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8' }),
  ) as Instrumented;
}

describe('the platform file as coverage instruments it', () => {
  const original = readFileSync(PLATFORM, 'utf8');
  const result = instrument();

  test('parses, keeps every line where it was, and counts the lines of Platform* statements', () => {
    expect(result.errors).toEqual([]);
    expect(result.lines).toBe(original.split('\n').length);
    expect(result.counted).toBeGreaterThan(300);
    // Take the counters out and the copy is the file itself.
    expect(
      result.copy.replace(/^\uFEFF/, '').replace(/\[void\]\$global:JuCoverage\.hits\.Add\(\d+\); /g, ''),
    ).toBe(original.replace(/^\uFEFF/, ''));
  });

  test('records the lines a call ran, and none of a function it did not call', () => {
    const lines = original.split('\n');
    const lineOf = (text: string, after = 0) => {
      const line = lines.findIndex((l, i) => i >= after && l.trim() === text) + 1;
      if (line === 0) throw new Error(`no line '${text}' in ${PLATFORM}`);
      return line;
    };
    const text = lineOf('function PlatformText {');
    expect(result.ran).toContain(
      lineOf("if ($null -eq $Value -or [string]$Value -eq '') { return $null }", text),
    );
    expect(result.ran).toContain(lineOf('return [string]$Value', text));
    const agents = lineOf('function PlatformGetAgents {');
    expect(result.ran).not.toContain(lineOf('$found = New-Object System.Collections.ArrayList', agents));
    expect(result.ran).toHaveLength(2);
  });
});
