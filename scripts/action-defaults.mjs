// `node scripts/action-defaults.mjs [--check]`: writes src/action-defaults.ts, each input's default as action.yml
// states it, so action.yml is the one place a default lives (run by `npm run package`). In a workflow run GitHub fills
// these itself; the table serves the runs it does not start (the lab, the rehearsal, the tests).
// --check writes nothing and exits 1 when the committed file is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ACTION_DEFAULTS_FILE = 'src/action-defaults.ts';

/** The inputs' defaults in action.yml order; an expression (`${{ github.token }}`) only GitHub evaluates is left out. */
export function actionDefaults(root) {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined && !String(input.default).includes('${{'))
      .map(([name, input]) => [name, String(input.default)]),
  );
}

/** The text of src/action-defaults.ts for the action.yml at `root`. */
export function actionDefaultsText(root) {
  // Written as prettier writes it, so the check and the formatter agree.
  const quote = (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const entries = Object.entries(actionDefaults(root)).map(
    ([name, value]) => `  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)}: ${quote(value)},`,
  );
  return [
    '// Generated from action.yml by scripts/action-defaults.mjs (npm run package): do not edit. Each input default, as',
    '// GitHub fills it in a workflow run; a test checks this file is fresh.',
    'export const ACTION_DEFAULTS = {',
    ...entries,
    '} as const;',
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '..', '..');
  const path = join(root, ACTION_DEFAULTS_FILE);
  const text = actionDefaultsText(root);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(
        `${ACTION_DEFAULTS_FILE} is stale: run 'node scripts/action-defaults.mjs' (or npm run package).`,
      );
      process.exit(1);
    }
    console.log(`${ACTION_DEFAULTS_FILE} is fresh`);
  } else if (current !== text) {
    writeFileSync(path, text);
    console.log(`${ACTION_DEFAULTS_FILE} written from action.yml`);
  }
}
