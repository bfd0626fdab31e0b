// `npm run check:mermaid -- <file.md>...`: parses every ```mermaid block of each markdown file with mermaid's own
// parser (scripts/mermaid-parse.ts). Prints `mermaid: N block(s) in F parse` per file, or each error; exits 1 on any.
import { readFileSync } from 'node:fs';
import { mermaidBlocks, parseMermaid } from './mermaid-parse.js';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: npm run check:mermaid -- <file.md> [<file.md> ...]');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  let markdown: string;
  try {
    markdown = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`mermaid: ${file} could not be read: ${(err as Error).message}`);
    failed = true;
    continue;
  }
  const blocks = mermaidBlocks(markdown);
  const errors: string[] = [];
  for (const block of blocks) {
    const result = await parseMermaid(block.text);
    if (!result.ok) errors.push(`mermaid: ${file}:${block.line}: ${result.error}`);
  }
  if (errors.length) {
    failed = true;
    errors.forEach((e) => console.error(e));
  } else {
    console.log(`mermaid: ${blocks.length} block(s) in ${file} parse`);
  }
}
process.exit(failed ? 1 : 0);
