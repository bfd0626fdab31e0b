import { describe, expect, test } from '@jest/globals';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ACTION_DEFAULTS_FILE, actionDefaults, actionDefaultsText } from '../scripts/action-defaults.mjs';
import { ACTION_DEFAULTS } from '../src/action-defaults.js';
import {
  DEFAULT_INSTALL_FOLDER,
  DEFAULT_MAINTENANCE_RESOURCE,
  DEFAULT_STATE_FOLDER,
} from '../src/jams/unverified.js';
import { settingsWith } from './helpers/inputs.js';
import { tempDir } from './helpers/run-stage.js';

// action.yml states each default once: src/action-defaults.ts is written from it (npm run package), and getSettings
// reads its defaults from that table, so a run GitHub does not start (the lab, the rehearsal, a test) gets the same.

const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: unknown }> };

describe("action.yml's defaults, once", () => {
  test(`${ACTION_DEFAULTS_FILE} is fresh: what scripts/action-defaults.mjs writes from action.yml`, () => {
    expect(readFileSync(ACTION_DEFAULTS_FILE, 'utf8')).toBe(actionDefaultsText(resolve('.')));
  });

  test('the table changes with action.yml, and holds every default but a GitHub expression', () => {
    const root = tempDir('defaults');
    const yml = readFileSync('action.yml', 'utf8').replace(
      /(\n {2}jams-server:[\s\S]*?default: )localhost/,
      '$1jams01',
    );
    writeFileSync(join(root, 'action.yml'), yml);
    expect(actionDefaults(root)['jams-server']).toBe('jams01');
    expect(actionDefaultsText(root)).not.toBe(actionDefaultsText(resolve('.')));
    const stated = Object.entries(action.inputs).filter(([, i]) => i.default !== undefined);
    expect(Object.keys(ACTION_DEFAULTS)).toEqual(
      stated.filter(([, i]) => !String(i.default).includes('${{')).map(([name]) => name),
    );
    expect(stated.map(([name]) => name)).toContain('github-token');
    cpSync('action.yml', join(root, 'action.yml'));
    expect(actionDefaultsText(root)).toBe(readFileSync(ACTION_DEFAULTS_FILE, 'utf8'));
  });

  // An empty input and the input set to action.yml's default give the same settings: the default src/ uses is that one.
  const stage = { stage: 'preflight' };
  test.each(Object.entries(ACTION_DEFAULTS).filter(([, value]) => value !== ''))(
    "input '%s' left empty reads as action.yml's default, %j",
    (name, value) => {
      expect(settingsWith({ ...stage, [name]: '' })).toEqual(settingsWith({ ...stage, [name]: value }));
    },
  );

  test("the unverified defaults src/jams/unverified.ts names are action.yml's", () => {
    expect(DEFAULT_INSTALL_FOLDER).toBe(action.inputs['install-folder']?.default);
    expect(DEFAULT_STATE_FOLDER).toBe(action.inputs['state-folder']?.default);
    expect(DEFAULT_MAINTENANCE_RESOURCE).toBe(action.inputs['maintenance-resource']?.default);
    const s = settingsWith(stage);
    expect([s.installFolder, s.stateFolder, s.maintenance.resource, s.serviceTimeoutMs]).toEqual([
      DEFAULT_INSTALL_FOLDER,
      DEFAULT_STATE_FOLDER,
      DEFAULT_MAINTENANCE_RESOURCE,
      Number(ACTION_DEFAULTS['service-timeout-seconds']) * 1000,
    ]);
  });

  test('src/inputs.ts states no default of its own: no literal after an input is read', () => {
    const text = readFileSync('src/inputs.ts', 'utf8');
    expect(
      [...text.matchAll(/read\('[^']+'(?:, '\w+')?\)\s*\?\?\s*(?!null\b|\[)[^\s;,)]+/g)].map((m) => m[0]),
    ).toEqual([]);
  });
});
