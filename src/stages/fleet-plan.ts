import { MAX_RINGS } from '../fleet.js';
import type { Stage } from '../stage-context.js';

/**
 * The fleet workflows' first job: the rings input, checked (src/inputs.ts), as one output per ring slot (ring-1 ...)
 * and as a JSON list (environments) for the status matrix. It needs no JAMS host and changes nothing.
 */
export const fleetPlan: Stage = {
  hostless: true,
  async run(ctx) {
    const { rings } = ctx.settings.fleet;
    ctx.record.data.fleetPlan = { rings };
    rings.forEach((ring, i) => ctx.log.info(`ring ${i + 1}: ${ring}`));
    ctx.log.info(
      `${rings.length} of ${MAX_RINGS} ring slot(s) used; each ring starts only after the one before it soaked healthy`,
    );
    ctx.summarySections.push(
      [
        '### Fleet plan',
        '',
        '| Ring | Environment |',
        '| --- | --- |',
        ...rings.map((r, i) => `| ${i + 1} | ${r} |`),
      ].join('\n'),
    );
  },
};
