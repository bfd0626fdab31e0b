import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAudit } from '../report/audit.js';
import { renderAudit } from '../report/audit-markdown.js';
import { octokitApi, readRunFacts, runRef } from '../report/github-run.js';
import { runInfo } from '../report/record.js';
import { describeRecordsRead, readRecords } from '../report/records.js';
import type { Stage } from '../stage-context.js';

export const REPORT_JSON = 'report.json';
export const REPORT_MARKDOWN = 'report.md';

/**
 * The audit record of the whole run, on any runner and with no JAMS host: reads every stage record in the
 * records folder (the downloaded artifacts), asks GitHub who approved the gates and where the artifacts are, and
 * writes report.json, report.md and the job summary. It reports a failed upgrade; it fails only when it cannot
 * write the report.
 */
export const report: Stage = {
  hostless: true,
  async run(ctx) {
    const { recordsFolder, token } = ctx.settings.report;
    const { records, problems } = readRecords(recordsFolder);
    problems.forEach((p) => ctx.log.warn(p));
    ctx.log.info(`read ${records.length} stage record(s) from ${recordsFolder}`);

    const run = runRef();
    const lab = records.some((r) => r.record.lab);
    const facts = await readRunFacts(
      run && token
        ? octokitApi(token, run)
        : {
            reason: !run
              ? lab
                ? 'this is a lab rehearsal, not a GitHub Actions run (npm run rehearse approves the gates itself)'
                : 'this is not a GitHub Actions run (no GITHUB_RUN_ID), and only GitHub records approvals'
              : 'the report stage was given no github-token',
          },
    );
    const audit = buildAudit({
      records,
      problems,
      facts,
      run,
      runInfo: runInfo(),
      recordsFolder,
      now: new Date().toISOString(),
      pipeline: ctx.settings.pipeline,
      order: ctx.settings.order,
      resumeGate: ctx.settings.resumeGate,
    });
    ctx.log.info(describeRecordsRead(audit.recordsRead));
    // In the record's warnings too, so the job summary shows it above the report.
    if (audit.action.warning) ctx.log.warn(audit.action.warning);
    const markdown = renderAudit(audit);
    const jsonPath = join(ctx.folder, REPORT_JSON);
    writeFileSync(jsonPath, `${JSON.stringify(audit, null, 2)}\n`);
    writeFileSync(join(ctx.folder, REPORT_MARKDOWN), markdown);
    ctx.summarySections.push(markdown);
    ctx.record.data.report = { path: jsonPath, result: audit.result };
    ctx.log.info(`${audit.pipeline} result: ${audit.result}; report: ${jsonPath}`);
    // Outside GitHub (the lab) a missing approval history is expected; in a workflow run it needs fixing.
    if (audit.approvals.note) (run ? ctx.log.warn : ctx.log.info)(audit.approvals.note);
  },
};
