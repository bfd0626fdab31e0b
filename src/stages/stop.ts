import type { Stage } from './context.js';
import { readServices, resolveServices, stopJamsServices } from './services.js';

/** The procedure's "Stop the JAMS Services" on this host; the stopping itself is shared with upgrade. */
export const stop: Stage = {
  async run(ctx) {
    const names = await resolveServices(ctx);
    ctx.record.servicesBefore = Object.values(await readServices(ctx, names));
    await stopJamsServices(ctx, names);
  },
};
