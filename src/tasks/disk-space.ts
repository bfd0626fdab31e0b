// Free space on the install drive, the backup folder and the staging folder, checked against min-free-gb.
import { StageError, type StageContext } from '../stage-context.js';
import { hostLabel } from './services.js';

const GB = 1024 ** 3;

/**
 * Checks that each folder's drive or share has at least `min-free-gb` free, plus the bytes of what is still to be
 * written there (`extraBytes`: the staged installer) by every folder on that drive. A folder whose free space
 * cannot be read is a warning; too little space fails the stage before anything changes.
 */
export async function checkFreeSpace(
  ctx: StageContext,
  folders: readonly { path: string; purpose: string; extraBytes?: number }[],
): Promise<void> {
  const min = ctx.settings.minFreeGb;
  if (min <= 0 || folders.length === 0) {
    if (min <= 0) ctx.log.info('min-free-gb is 0: free space not checked');
    return;
  }
  const found = await ctx.host.freeSpace(folders.map((f) => f.path));
  ctx.record.data.freeSpace = found;
  const rootOf = (i: number) => found[i]?.root ?? found[i]?.path;
  const extraOn = (root: string | undefined) =>
    folders.reduce((sum, f, i) => sum + (rootOf(i) === root ? (f.extraBytes ?? 0) : 0), 0);
  const short: string[] = [];
  found.forEach((space, i) => {
    const purpose = folders[i]?.purpose ?? '';
    if (!space.available || space.freeBytes === undefined) {
      ctx.log.warn(
        `The free space of ${space.path} (${purpose}) could not be read: ${space.reason ?? 'unknown'}.`,
      );
      return;
    }
    const free = space.freeBytes / GB;
    const extra = extraOn(rootOf(i));
    const need = extra ? (min + extra / GB).toFixed(1) : String(min);
    ctx.log.info(
      `free space: ${space.root ?? space.path} ${free.toFixed(1)} GB (${purpose}; at least ${need} GB needed)`,
    );
    if (space.freeBytes < min * GB + extra) {
      short.push(
        `${space.root ?? space.path} has ${free.toFixed(1)} GB free for ${purpose}` +
          (extra ? ` (${need} GB needed with the staged installer)` : ''),
      );
    }
  });
  if (short.length > 0) {
    throw new StageError(
      `Not enough free space on ${hostLabel(ctx)}: ${short.join('; ')}; at least ${min} GB is needed (min-free-gb).`,
      'Nothing was changed.',
      'Free space on that drive or share (or choose another backup-path), then re-run this job. Lower min-free-gb only ' +
        'when you know the backup and the installer fit.',
    );
  }
}
