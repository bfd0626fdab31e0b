import { requireVerifiedBackup } from '../tasks/backup-check.js';
import type { Stage } from '../stage-context.js';
import { readServices, resolveServices, stopJamsServices } from '../tasks/services.js';

/**
 * The procedure's "Stop the JAMS Services" on this host; the stopping itself is shared with upgrade.
 * Refuses to stop anything until this run has a verified backup on this host (require-backup).
 */
export const stop: Stage = {
  async run(ctx) {
    const names = await resolveServices(ctx);
    const before = await readServices(ctx, names);
    ctx.record.servicesBefore = Object.values(before);
    await requireVerifiedBackup(ctx, before);
    await stopJamsServices(ctx, names);
  },
};
