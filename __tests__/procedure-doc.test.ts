import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';

// docs/procedure.md proves each step of the vendor's procedure by naming tests: `file`: *describe › test*. A renamed or
// removed test must not leave the page pointing at nothing.
const squash = (text: string) => text.replace(/\s+/g, ' ');
const doc = squash(readFileSync('docs/procedure.md', 'utf8'))
  .replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>')
  .replace(/&amp;/g, '&');

interface Citation {
  file: string;
  parts: string[];
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const m of doc.matchAll(/`(__tests__\/[\w.-]+\.ts)`: ((?:\*[^*]+\*(?:[;,]? (?:and )?)?)+)/g)) {
    for (const italic of (m[2] ?? '').matchAll(/\*([^*]+)\*/g)) {
      found.push({ file: m[1] ?? '', parts: (italic[1] ?? '').split(' › ').map((p) => p.trim()) });
    }
  }
  return found;
}

function generated(source: string, name: string): boolean {
  const words = name.split(' ');
  const tail = words.slice(1).join(' ');
  return (tail.length > 10 && source.includes(`%s ${tail}`)) || source.includes(`'${words[0]} %j'`);
}

describe('docs/procedure.md', () => {
  const cited = citations();

  test('cites tests', () => {
    expect(cited.length).toBeGreaterThan(30);
  });

  test('every test it cites exists: the file, and each describe and test name in it', () => {
    const missing = cited.flatMap(({ file, parts }) => {
      if (!existsSync(file)) return [`${file} (no such file)`];
      const source = squash(readFileSync(file, 'utf8'));
      // A name cut with "..." stands for every test that starts so; a test.each name ('%s uploads ...', 'refuses %j')
      // is matched by its fixed words after the value.
      return parts
        .map((p) => p.split('...')[0]?.trim() ?? '')
        .filter((p) => p && !source.includes(p) && !generated(source, p))
        .map((p) => `${file}: ${p}`);
    });
    expect(missing).toEqual([]);
  });
});
