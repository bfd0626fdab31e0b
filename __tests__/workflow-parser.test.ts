import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowParserErrors } from '../scripts/workflow-parser.js';

// GitHub's own parser, as `npm run lint:workflows` runs it: every workflow here reads clean, and a call of the
// reusable workflow with an unknown input or without a required one is caught, as GitHub would refuse it.

const folder = '.github/workflows';
const caller = readFileSync(join(folder, 'upgrade-jams.yml'), 'utf8');

describe('@actions/workflow-parser', () => {
  test.each(readdirSync(folder).filter((f) => f.endsWith('.yml')))('reads %s with no error', async (file) => {
    expect(await workflowParserErrors(file, readFileSync(join(folder, file), 'utf8'))).toEqual([]);
  });

  test('catches an input the reusable workflow does not declare', async () => {
    const text = caller.replace(
      /( +)dry-run: \$\{\{ inputs\.dry-run \}\}\n/,
      '$1dry-run: ${{ inputs.dry-run }}\n$1no-such-input: x\n',
    );
    expect(text).not.toBe(caller);
    expect(await workflowParserErrors('caller.yml', text)).toEqual([
      expect.stringMatching(/Invalid input, no-such-input is not defined in the referenced workflow/),
    ]);
  });

  test('catches a required input the caller leaves out', async () => {
    const text = caller.replace(/ +installer-sha256: \$\{\{ inputs\.installer-sha256 \}\}\n/, '');
    expect(text).not.toBe(caller);
    expect(await workflowParserErrors('caller.yml', text)).toEqual([
      expect.stringMatching(/Input installer-sha256 is required, but not provided while calling/),
    ]);
  });

  test('catches a job that breaks the schema', async () => {
    const text = caller.replace(
      '    uses: jams-upgrade/',
      '    runs-on: ubuntu-latest\n    uses: jams-upgrade/',
    );
    expect(await workflowParserErrors('caller.yml', text)).not.toEqual([]);
  });
});
