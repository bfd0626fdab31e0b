// The one save of the config files (backup and upgrade): copied into the state folder, each copy proven by SHA-256.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactConfigText } from '../jams/config-merge.js';
import type { StageContext } from '../stage-context.js';
import { readConfigSaves, type ConfigSave } from '../state/config-saved.js';
import { runKey } from '../state/state-file.js';

/**
 * Saves the customised config files of the Scheduler folder before anything changes them: on the host under
 * the state folder (proven by SHA-256) and, passwords replaced by a marker, in this stage's run folder. The backup
 * and upgrade stages both call this; the first call of a run saves, later calls find the save and keep it.
 */
export async function saveConfigFiles(ctx: StageContext): Promise<ConfigSave | null> {
  const key = runKey(ctx);
  const stored = await readConfigSaves(ctx, key);
  const existing = stored.entry;
  if (existing) {
    ctx.skip('save config files', existing.folder, `already saved at ${existing.savedAt} for this run`);
    ctx.record.data.configSave = existing;
    return existing;
  }
  const listing = await ctx.host.files(ctx.settings.installFolder, ctx.settings.configPatterns);
  const names = listing.files.map((f) => f.name);
  if (names.length === 0) {
    ctx.log.warn(
      `No config files matched ${ctx.settings.configPatterns.join(', ')} in ${ctx.settings.installFolder}.`,
    );
    return null;
  }
  const destination = `${ctx.settings.stateFolder}\\config\\${key}`;
  let save: ConfigSave | null = null;
  await ctx.change('save config files', `${names.join(', ')} to ${destination}`, async () => {
    const copied = await ctx.host.copyFiles(ctx.settings.installFolder, destination, names);
    save = {
      ...copied,
      savedAt: new Date().toISOString(),
      runKey: key,
      installFolder: ctx.settings.installFolder,
    };
    await stored.save(save);
    const local = join(ctx.folder, 'config');
    mkdirSync(local, { recursive: true });
    // The run folder becomes an artifact: its copies have their passwords replaced by a marker. The host's copy in
    // the state folder keeps them, since the start stage puts it back.
    for (const file of await ctx.host.readTextFiles(ctx.settings.installFolder, names)) {
      writeFileSync(join(local, file.name), redactConfigText(file.text, file.name));
    }
    return `${copied.files.length} files, SHA-256 verified`;
  });
  ctx.record.data.configSave = save;
  return save;
}
