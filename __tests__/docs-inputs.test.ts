import { expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROLLBACK_PIPELINE, TRUSTED_INPUTS, UPGRADE_GRAPHS } from '../src/pipeline.js';

// Every action input the docs tell an admin about can be set from the example callers: it is an input of a reusable
// workflow (the caller's `with:`), a password the caller passes as a secret, or a trust root, set by the hosts
// environment's variable.

/** Inputs each job of the reusable workflows fills itself, from the run: no caller sets them. */
const SET_BY_THE_WORKFLOW = [
  'stage',
  'role',
  'run-folder',
  'records-folder',
  'github-token',
  'pipeline',
  'primary-upgraded-version',
  'gate-environment',
  'gate-protection',
];

const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> };
const workflowInputs = new Set(
  ['jams-upgrade.yml', 'jams-rollback.yml', 'jams-fleet.yml', 'jams-status.yml'].flatMap((f) =>
    Object.keys(
      (
        parse(readFileSync(join('.github/workflows', f), 'utf8')) as {
          on: { workflow_call: { inputs: object } };
        }
      ).on.workflow_call.inputs,
    ),
  ),
);

/** Inputs the jobs feed from the workflows' secrets (sql-password from JAMS_SQL_PASSWORD, ...). */
const fromSecrets = new Set(
  [...UPGRADE_GRAPHS.map((g) => g.pipeline), ROLLBACK_PIPELINE].flatMap((p) =>
    p.flat().flatMap((s) => (s.kind === 'stage' ? Object.keys(s.secrets) : [])),
  ),
);

const docs = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => [join('docs', f), readFileSync(join('docs', f), 'utf8')] as const);

test('the docs name action inputs (the test reads them)', () => {
  const named = docs.flatMap(([, text]) =>
    [...text.matchAll(/`([a-z][a-z0-9-]+)(?::[^`]*)?`/g)].map((m) => m[1]),
  );
  expect(named.filter((n) => n !== undefined && n in action.inputs).length).toBeGreaterThan(20);
});

test.each(docs)('every action input %s names can be set from the example callers', (_file, text) => {
  const named = new Set(
    [...text.matchAll(/`([a-z][a-z0-9-]+)(?::[^`]*)?`/g)]
      .map((m) => m[1] ?? '')
      .filter((n) => n in action.inputs && !SET_BY_THE_WORKFLOW.includes(n)),
  );
  const unreachable = [...named].filter(
    (n) => !workflowInputs.has(n) && !fromSecrets.has(n) && !(n in TRUSTED_INPUTS),
  );
  expect(unreachable).toEqual([]);
});
