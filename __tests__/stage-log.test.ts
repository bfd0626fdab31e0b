import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { Host } from '../src/host/host.js';
import { RunFolder, type StageRecord } from '../src/report/record.js';
import type { Settings } from '../src/settings.js';
import { neutralizeCommands, StageContext } from '../src/stage-context.js';
import { tempDir } from './helpers/run-stage.js';

// Host data (a workstation's reply, an agent's version, an error text) is printed through ctx.log, and no line of it
// may reach the runner as a workflow command.
let printed: string[];
let write: ReturnType<typeof jest.spyOn>;

beforeEach(() => {
  printed = [];
  write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(() => write.mockRestore());

function context(): StageContext {
  const record = { actions: [], warnings: [], data: {} } as unknown as StageRecord;
  return new StageContext(
    { role: 'primary', dryRun: false } as Settings,
    {} as Host,
    record,
    new RunFolder(tempDir('stage-log'), 'agents', 'primary'),
  );
}

/** The lines the runner reads: every printed chunk, split where the runner splits. */
const lines = () => printed.join('').split(/\r?\n|\r/);
const commands = () => lines().filter((l) => /^\s*(::|##\[)/.test(l));

describe('lines built from host data are printed inert', () => {
  test('a workstation reply that is a workflow command prints as text', () => {
    const ctx = context();
    ctx.log.info('ws01 answered: ::set-output name=x::y');
    ctx.log.info('::set-output name=x::y');
    ctx.log.info('::add-mask::hunter2');
    ctx.log.info(
      `the agent reports\n::stop-commands::tok\n  ::add-mask::secret\r\n##[set-output name=a;]b\r::warning::x`,
    );
    expect(commands()).toEqual([]);
    expect(lines()).toEqual(
      expect.arrayContaining([
        '| ::set-output name=x::y',
        '| ::add-mask::hunter2',
        '| ::stop-commands::tok',
        '  | ::add-mask::secret',
      ]),
    );
    // The first line keeps its text, only with the marker in front.
    expect(lines()[0]).toBe('ws01 answered: ::set-output name=x::y');
  });

  test('a warning built from host data is one escaped line (core.warning), and its lines are neutralised too', () => {
    const ctx = context();
    ctx.log.warn('APP01 was not upgraded: msiexec said\n::add-mask::x');
    expect(commands().filter((l) => !l.startsWith('::warning::'))).toEqual([]);
    expect(printed.join('')).toMatch(/^::warning::APP01 was not upgraded: msiexec said%0A\| ::add-mask::x/);
  });

  test('neutralizeCommands leaves other text alone', () => {
    expect(neutralizeCommands('plain: a::b and C:\\x')).toBe('plain: a::b and C:\\x');
    expect(neutralizeCommands('a\n\t::error::x\u2028::debug::y')).toBe('a\n\t| ::error::x\u2028| ::debug::y');
  });
});
