import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPromotion, renderPromotion } from '../report/fleet-promotion.js';
import { buildStatus, renderStatus } from '../report/fleet-status.js';
import { readRecords } from '../report/records.js';
import type { Stage } from '../stage-context.js';

export const FLEET_REPORT_JSON = 'fleet-report.json';
export const FLEET_REPORT_MARKDOWN = 'fleet-report.md';

/**
 * The last job of the fleet workflows, on any runner: across the environments in rings, the promotion's report (each
 * ring's upgrade report and soak) or, from status records, the fleet view. Writes fleet-report.json, fleet-report.md
 * and the job summary. It reports a stopped promotion; it fails only when it cannot write the report.
 */
export const fleetReport: Stage = {
  hostless: true,
  async run(ctx) {
    const { recordsFolder } = ctx.settings.report;
    const { rings } = ctx.settings.fleet;
    const { records, problems } = readRecords(recordsFolder);
    problems.forEach((p) => ctx.log.warn(p));
    ctx.log.info(`read ${records.length} stage record(s) from ${recordsFolder}`);
    const now = new Date().toISOString();
    const status = records.some((r) => r.record.stage === 'status');
    const built = status
      ? buildStatus(records, rings, now)
      : buildPromotion(recordsFolder, records, rings, now);
    const markdown = built.kind === 'fleet-status' ? renderStatus(built) : renderPromotion(built);
    const path = join(ctx.folder, FLEET_REPORT_JSON);
    writeFileSync(path, `${JSON.stringify(built, null, 2)}\n`);
    writeFileSync(join(ctx.folder, FLEET_REPORT_MARKDOWN), markdown);
    ctx.summarySections.push(markdown);
    const result = built.kind === 'fleet-status' ? 'read' : built.result;
    const stoppedAt =
      built.kind === 'fleet-promotion' && built.stoppedAt
        ? `ring ${built.stoppedAt.ring} (${built.stoppedAt.environment})`
        : null;
    ctx.record.data.fleetReport = { path, result, stoppedAt };
    ctx.log.info(
      `fleet ${built.kind === 'fleet-status' ? 'status' : 'promotion'}: ${result}${stoppedAt ? `, stopped at ${stoppedAt}` : ''}; report: ${path}`,
    );
  },
};
