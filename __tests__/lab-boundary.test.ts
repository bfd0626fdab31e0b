import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The lab fakes one level below the platform: it may stand in for cmdlets, modules and the named seams, never for the
// platform's own functions, so the code that meets a real host is the code the tests run.
const PLATFORM = 'src/host/ps/platform';

function platformText(): string {
  return readdirSync(PLATFORM)
    .filter((f) => f.endsWith('.ps1'))
    .map((f) => readFileSync(join(PLATFORM, f), 'utf8'))
    .join('\n');
}

function functionsIn(text: string): string[] {
  return [...text.matchAll(/^\s*function\s+(?:global:|script:)?([A-Za-z][\w-]*)/gim)].map((m) => m[1] ?? '');
}

function labFiles(): string[] {
  return readdirSync('lab', { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ps(m?)1$/.test(f))
    .map((f) => join('lab', f));
}

describe('the lab boundary', () => {
  test('no function named Platform* is defined under lab/', () => {
    const files = labFiles();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const offenders = files.flatMap((f) =>
      functionsIn(readFileSync(f, 'utf8'))
        .filter((name) => /^Platform/i.test(name))
        .map((name) => `${f}: ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  test("the lab's seams are exactly the platform's Seam* functions, and docs/unverified.md lists each", () => {
    const platform = functionsIn(platformText()).filter((n) => n.startsWith('Seam'));
    const lab = functionsIn(readFileSync('lab/ps/Lab.Seams.ps1', 'utf8')).filter((n) => n.startsWith('Seam'));
    expect(platform.length).toBeGreaterThanOrEqual(5);
    expect([...lab].sort()).toEqual([...platform].sort());
    const doc = readFileSync('docs/unverified.md', 'utf8');
    for (const seam of platform) expect(doc).toContain(`\`${seam}\``);
  });
});
