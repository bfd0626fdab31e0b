import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ROLLBACK_PIPELINE, UPGRADE_GRAPHS } from '../src/pipeline.js';
import { COMMON_OUTPUTS, DATA_OUTPUTS, dataOutputs, type StageData } from '../src/stage-data.js';
import { gatesData } from './helpers/records.js';

const action = parse(readFileSync('action.yml', 'utf8')) as { outputs: Record<string, unknown> };

describe("the stages' data and outputs, declared once", () => {
  test("action.yml's outputs are exactly the data outputs and the common ones", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [...Object.keys(DATA_OUTPUTS), ...COMMON_OUTPUTS].sort(),
    );
  });

  test('every output a workflow job exposes is one a stage sets', () => {
    const steps = [...UPGRADE_GRAPHS.flatMap((g) => g.pipeline.flat()), ...ROLLBACK_PIPELINE.flat()];
    const exposed = new Set(steps.flatMap((s) => (s.kind === 'stage' ? s.outputs : [])));
    const known = new Set<string>([...Object.keys(DATA_OUTPUTS), ...COMMON_OUTPUTS]);
    expect([...exposed].filter((o) => !known.has(o))).toEqual([]);
    expect(exposed.size).toBeGreaterThan(5);
  });

  test('outputs come from the data a stage left, and only what it holds is set', () => {
    const data: StageData = {
      installedVersion: { version: '7.4.0', source: 'registry' },
      gates: gatesData(),
      report: { path: 'r.json', result: 'incomplete' },
    };
    expect(dataOutputs(data)).toEqual([
      ['installed-version', '7.4.0'],
      ['gate-protection', 'protected'],
      ['report-path', 'r.json'],
      ['result', 'incomplete'],
    ]);
    // A refused gate check sets no gate-protection: the job failed, and nothing later reads it.
    expect(dataOutputs({ gates: { ...gatesData(), verdict: 'refused' } })).toEqual([]);
    expect(dataOutputs({})).toEqual([]);
  });

  test('src/ reads record data by its declared keys, with no casts', () => {
    const found = (pattern: string) => {
      try {
        return execFileSync('grep', ['-rnE', pattern, 'src/'], { encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    expect(found("as UpgradeData|record\\.data\\['")).toBe('');
    expect(found('record\\.data\\.[A-Za-z]+ as ')).toBe('');
  });
});
