import type { Span } from './downtime.js';
import type { StepFailure } from './host-state.js';
import type { TimelineRow } from './timeline.js';

/** What the operator does next, most urgent first: the failed stage's own advice, then what the pair is left in. */
export function nextSteps(
  result: 'succeeded' | 'failed' | 'incomplete',
  rows: readonly TimelineRow[],
  failed: readonly StepFailure[],
  downtime: Span,
  window: Span,
  pipeline: 'upgrade' | 'rollback' = 'upgrade',
  withoutFailover: Span | null = null,
): string[] {
  const steps = failed.map((f) => `${f.title}: ${f.nextStep}`);
  if (result === 'failed') {
    steps.push(
      "Once the cause is fixed, use 'Re-run failed jobs' on the run page: the failed job and every job after it " +
        'run again in order, jobs that succeeded keep their results, and every stage skips work already done.',
    );
  }
  if (result === 'incomplete' && failed.length === 0) {
    const stopped = rows.find((r) => ['not run', 'not reached', 'not approved'].includes(r.status));
    if (stopped) {
      steps.push(
        `The run stopped at ${stopped.title}: an approval was rejected or expired, or the run was cancelled. ` +
          'Nothing after it ran; start a new run when the pair is ready.',
      );
    }
  }
  if (downtime.open) {
    steps.push(
      pipeline === 'rollback'
        ? `JAMS has been down since ${downtime.from}. Finish the rollback (re-run the failed job): do not start JAMS ` +
            'until the database is restored and both nodes run the version returned to.'
        : `JAMS has been down since ${downtime.from}. Finish the upgrade (re-run the failed job), or end the outage ` +
            'without it by running the start stage for the primary and then the secondary, once both run the same version.',
    );
  }
  if (withoutFailover?.open) {
    steps.push(
      `The primary has run alone since ${withoutFailover.from} (order resume-after-primary): the pair has no ` +
        'failover until the secondary is upgraded and in Backup Mode. Finish the secondary (re-run its failed job), ' +
        'or roll back; leave the primary running meanwhile.',
    );
  }
  if (window.open) {
    steps.push(
      `The maintenance window has held new jobs since ${window.from}. Close it with maintenance-off (the resume ` +
        `approval) once verify passes on ${withoutFailover ? 'the primary' : 'both hosts'}; it restores the quantity ` +
        'recorded before the upgrade.',
    );
  }
  return steps;
}
