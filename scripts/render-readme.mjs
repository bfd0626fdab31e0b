// Renders the inputs and outputs tables of README.md from action.yml, so the two never disagree.
// `npm run docs` rewrites the section between the markers; CI fails when that changes README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync('action.yml', 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const inputs = Object.entries(action.inputs).map(
  ([name, i]) =>
    `| \`${name}\` | ${cell(i.description)} | ${i.default === undefined || i.default === '' ? '' : `\`${cell(i.default)}\``} |`,
);
const outputs = Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
const section = [
  '<!-- inputs:start (generated from action.yml by npm run docs) -->',
  '| Input | Description | Default |',
  '| --- | --- | --- |',
  ...inputs,
  '',
  '| Output | Description |',
  '| --- | --- |',
  ...outputs,
  '<!-- inputs:end -->',
].join('\n');

const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- inputs:start[\s\S]*?<!-- inputs:end -->/, section);
if (next === readme && !readme.includes('<!-- inputs:start'))
  throw new Error('README.md has no inputs markers');
writeFileSync('README.md', next);
