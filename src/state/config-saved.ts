// The config-save manifest (config-saved.json): one entry per run, the customised config files saved under the state
// folder before anything changed them (each copy proven by SHA-256); start puts them back after the upgrade.
import { z } from 'zod';
import type { CopiedFiles } from '../host/host.js';
import { readKeyed, type KeyedRead, type StateFile, type StateAccess } from './state-file.js';

export const CONFIG_SAVE_MANIFEST = 'config-saved.json';

export interface ConfigSave extends CopiedFiles {
  savedAt: string;
  runKey: string;
  installFolder: string;
}

const FILE: StateFile<Record<string, ConfigSave>> = {
  name: CONFIG_SAVE_MANIFEST,
  title: 'config-save manifest',
  schema: z.record(
    z.string(),
    z.looseObject({
      folder: z.string(),
      files: z.array(z.looseObject({ name: z.string(), sha256: z.string(), size: z.number() })),
      savedAt: z.string(),
      runKey: z.string(),
      installFolder: z.string(),
    }),
  ),
  ifRemoved:
    'the files saved under <state-folder>\\config stay, and start can no longer find them: it then asks for ' +
    "config-mode: none or the files copied back by hand from the job's artifact",
};

/** The save of one run (key), with every other run's, and the save that adds it (inside ctx.change). */
export function readConfigSaves(ctx: StateAccess, key: string): Promise<KeyedRead<ConfigSave>> {
  return readKeyed(ctx, FILE, key);
}
