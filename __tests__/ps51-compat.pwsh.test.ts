import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The module runs on Windows PowerShell 5.1 on the hosts; pwsh here parses it and rejects PS7-only syntax.
interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

function check(files: string[]): Finding[] {
  const out = execFileSync(
    'pwsh',
    ['-NoProfile', '-NonInteractive', '-File', 'scripts/Test-Ps51Compat.ps1', ...files],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as Finding[];
}

function powershellFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ps(m?)1$/.test(f))
    .map((f) => join(dir, f));
}

describe('Windows PowerShell 5.1 compatibility', () => {
  test('the module, the platform files, the lab and the joined files of dist/ps use no PS7-only syntax and are ASCII', () => {
    const source = powershellFiles('src/host/ps');
    // Every concern file: the module, module/*.ps1 and platform/*.ps1.
    expect(source.filter((f) => /[\\/](module|platform)[\\/]/.test(f)).length).toBeGreaterThanOrEqual(20);
    const files = [
      ...source,
      ...powershellFiles('lab'),
      ...(existsSync('dist/ps') ? powershellFiles('dist/ps') : []),
    ];
    expect(check(files)).toEqual([]);
  });

  test('the check flags each PS7-only construct (it can fail)', () => {
    const rules = check(['__tests__/fixtures/ps7-only.ps1']).map((f) => `${f.line}: ${f.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        '2: ternary operator ?:',
        '3: null-coalescing ??',
        '4: null-coalescing assignment ??=',
        '5: pipeline chain && or ||',
        '6: null-conditional ?. or ?[]',
        '7: PS7-only parameter ConvertFrom-Json -AsHashtable',
        '8: PS7-only parameter ForEach-Object -Parallel',
        '9: background operator &',
      ]),
    );
  });
});
