// start's reapply of the config customisations saved before the upgrade, into the new version's files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextFile } from '../host/host.js';
import { ConfigMergeError, describeMerge, mergeConfig, type ConfigChange } from '../jams/config-merge.js';
import { readConfigSaves, type ConfigSave } from '../state/config-saved.js';
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';
import {
  UPGRADE_RECORD_FILE,
  readUpgradeRecord,
  saveUpgradeRecord,
  type HostUpgradeRecord,
} from '../state/upgrade-record.js';

/** One saved file and what reapplying it does to the file the new version installed. */
export interface ConfigFilePlan {
  name: string;
  action: 'merge' | 'replace' | 'unchanged' | 'missing';
  changes: ConfigChange[];
  /** The readable diff, one line per entry. */
  diff: string[];
  otherDifferences: boolean;
}

interface FileWork extends ConfigFilePlan {
  text?: string;
  installed?: TextFile;
}

export interface ConfigReapplyPlan {
  mode: 'merge' | 'replace';
  save: ConfigSave;
  upgrade: HostUpgradeRecord;
  files: FileWork[];
  /** Some installed file still lacks the customisations. */
  pending: boolean;
}

/**
 * Works out, reading only, how the customisations saved before this host's upgrade go back into the files
 * the new version installed. Null when there is nothing to reapply: no upgrade, already reapplied, or
 * config-mode none. Refuses when the upgrade on this host is not finished.
 */
export async function planConfigReapply(ctx: StageContext): Promise<ConfigReapplyPlan | null> {
  const { path, data: upgrade } = await readUpgradeRecord(ctx);
  const folder = ctx.settings.installFolder;
  if (!upgrade) return null;
  if (upgrade.phase === 'installing' || upgrade.phase === 'installed') {
    throw new StageError(
      `The upgrade on ${hostLabel(ctx)} is not finished (${path} says ${upgrade.phase}): the Log On As accounts may ` +
        'still be LocalSystem and the customisations are not back.',
      'Nothing was started.',
      'Re-run the upgrade job for this host until it succeeds, then re-run this job.',
    );
  }
  if (upgrade.phase !== 'completed') return null;
  if (upgrade.configReappliedAt) {
    ctx.skip('reapply config customisations', folder, `already reapplied at ${upgrade.configReappliedAt}`);
    return null;
  }
  const mode = ctx.settings.configMode;
  if (mode === 'none') {
    ctx.skip('reapply config customisations', folder, 'config-mode is none');
    return null;
  }
  if (!upgrade.configSaveKey) {
    ctx.log.warn(
      `No config files were saved before the upgrade of ${hostLabel(ctx)}: there is nothing to reapply.`,
    );
    return null;
  }
  const manifest = await readConfigSaves(ctx, upgrade.configSaveKey);
  const save = manifest.entry;
  if (!save) {
    throw new StageError(
      `The config files saved before the upgrade (${upgrade.configSaveKey}) are not in ${manifest.path}.`,
      'Nothing was started.',
      "Copy the customised files back by hand from the upgrade job's artifact (config/ folder), or set " +
        'config-mode: none to start with the installed files; then re-run this job.',
    );
  }

  const names = save.files.map((f) => f.name);
  const present = new Set((await ctx.host.files(folder, names)).files.map((f) => f.name));
  const saved = await ctx.host.readTextFiles(save.folder, names);
  const installed = await ctx.host.readTextFiles(
    folder,
    names.filter((n) => present.has(n)),
  );
  const files = saved.map((s) =>
    planFile(
      mode,
      s,
      installed.find((i) => i.name === s.name),
    ),
  );
  for (const f of files.filter((x) => x.action === 'missing')) {
    ctx.log.warn(
      `${f.name} was customised before the upgrade and the new version has no such file: it is not recreated ` +
        `(the saved copy is in ${save.folder}).`,
    );
  }
  const plan = {
    mode,
    save,
    upgrade,
    files,
    pending: files.some((f) => f.action === 'merge' || f.action === 'replace'),
  };
  ctx.record.data.configReapply = {
    mode,
    savedIn: save.folder,
    savedFor: save.runKey,
    files: files.map(({ name, action, changes, diff, otherDifferences }) => ({
      name,
      action,
      changes,
      diff,
      otherDifferences,
    })),
  };
  return plan;
}

function planFile(mode: 'merge' | 'replace', saved: TextFile, installed: TextFile | undefined): FileWork {
  const base = { name: saved.name, changes: [], diff: [], otherDifferences: false, installed };
  if (!installed) {
    return mode === 'replace'
      ? { ...base, action: 'replace', diff: ['the new version has no such file: the saved copy is put back'] }
      : {
          ...base,
          action: 'missing',
          diff: ['the new version has no such file: not recreated (config-mode merge)'],
        };
  }
  if (saved.sha256 === installed.sha256) return { ...base, action: 'unchanged' };
  let merged;
  try {
    merged = mergeConfig(saved.text, installed.text);
  } catch (err) {
    if (mode === 'replace')
      return { ...base, action: 'replace', diff: ['the whole file is replaced by the saved copy'] };
    throw new StageError(
      `${saved.name} cannot be merged: ${(err as ConfigMergeError).message}.`,
      'Nothing was started.',
      `Fix ${saved.name} (the saved copy is in the state folder and the upgrade job's artifact), or set config-mode: ` +
        'replace to copy the saved file back whole; then re-run this job.',
    );
  }
  const diff = describeMerge(merged);
  if (mode === 'replace') {
    return {
      ...base,
      action: 'replace',
      changes: merged.changes,
      diff: [...diff, 'the whole file is replaced by the saved copy'],
      otherDifferences: merged.otherDifferences,
    };
  }
  return {
    ...base,
    action: merged.changed ? 'merge' : 'unchanged',
    changes: merged.changes,
    diff,
    otherDifferences: merged.otherDifferences,
    text: merged.text,
  };
}

/**
 * Writes the customisations back before the services start: the installer's files are kept next to the saved
 * copies first, each file is replaced only if it is still what was read, and the diff goes into the run folder.
 */
export async function applyConfigReapply(ctx: StageContext, plan: ConfigReapplyPlan): Promise<void> {
  const reapplying = ctx.phase('config-reapply');
  const folder = ctx.settings.installFolder;
  const work = plan.files.filter((f) => f.action === 'merge' || f.action === 'replace');
  writeDiff(ctx, plan);
  if (work.length === 0) {
    ctx.skip('reapply config customisations', folder, 'the installed files already carry them');
  } else {
    const keep = work.filter((f) => f.installed).map((f) => f.name);
    if (keep.length > 0) {
      const installedCopies = `${plan.save.folder}\\installed-${plan.upgrade.targetVersion}`;
      await ctx.change(
        'keep the installed config files',
        `${keep.join(', ')} to ${installedCopies}`,
        async () => {
          await ctx.host.copyFiles(folder, installedCopies, keep);
        },
      );
    }
    for (const file of work) {
      const entries = file.changes.filter((c) => c.kind !== 'kept').length;
      if (file.action === 'merge' && file.text !== undefined && file.installed) {
        const installed = file.installed;
        const text = file.text;
        await ctx.change(
          'reapply config customisations',
          `${file.name}: ${entries} entries merged`,
          async () => {
            const written = await ctx.host.writeTextFile(folder, file.name, text, {
              bom: installed.bom,
              expectSha256: installed.sha256,
            });
            return `SHA-256 ${written.sha256}`;
          },
        );
      } else {
        await ctx.change('replace config file', `${file.name} with the saved copy`, async () => {
          await ctx.host.copyFiles(plan.save.folder, folder, [file.name]);
        });
      }
    }
  }
  await ctx.change(
    'record the config reapply',
    `${ctx.settings.stateFolder}\\${UPGRADE_RECORD_FILE}`,
    async () => {
      await saveUpgradeRecord(ctx, { ...plan.upgrade, configReappliedAt: new Date().toISOString() });
    },
  );
  reapplying.end();
}

/** config-reapplied.diff and the merged files in the stage's run folder, next to record.json. */
function writeDiff(ctx: StageContext, plan: ConfigReapplyPlan): void {
  const lines = [
    `# config-mode ${plan.mode}: customisations saved in ${plan.save.folder} (${plan.save.savedAt})`,
    ...plan.files.flatMap((f) => [`${f.name}: ${f.action}`, ...f.diff.map((d) => `  ${d}`)]),
  ];
  writeFileSync(join(ctx.folder, 'config-reapplied.diff'), `${lines.join('\n')}\n`);
  const merged = plan.files.filter((f) => f.text !== undefined && f.action === 'merge');
  if (merged.length === 0) return;
  const dir = join(ctx.folder, 'config-merged');
  mkdirSync(dir, { recursive: true });
  for (const f of merged) writeFileSync(join(dir, f.name), f.text ?? '');
}
