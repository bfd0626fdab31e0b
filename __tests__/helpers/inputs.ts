import { getSettings, InputError } from '../../src/inputs.js';
import type { Settings } from '../../src/settings.js';

/** getSettings with exactly these action inputs (INPUT_* variables); the environment is restored afterwards. */
export function settingsWith(inputs: Record<string, string>): Settings {
  const saved = { ...process.env };
  process.env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_')));
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  try {
    return getSettings({ RUNNER_TEMP: '/runner/temp' });
  } finally {
    process.env = saved;
  }
}

/** The problems getSettings refuses these inputs with; none when it accepts them. */
export function problemsWith(inputs: Record<string, string>): string[] {
  try {
    settingsWith(inputs);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}
