import type { GateStep } from '../pipeline.js';
import { findJob, type Fetched, type Review, type RunJob } from './github-run.js';
import type { TimelineRow } from './timeline.js';

/** Who let the run through a gate, and when. */
export interface GateApproval {
  job: string;
  title: string;
  approves: string;
  /** approved / rejected from GitHub; passed when only the timeline shows it; not reached otherwise. */
  state: string;
  by: string | null;
  comment: string | null;
  /** When the gate's job started: it starts as soon as the reviewers approve it. */
  at: string | null;
  jobUrl: string | null;
}

/**
 * Pairs the run's reviews with its gates. GitHub's review history has no time of its own and both gates use the
 * same environment, so reviews are paired with the gates in the order GitHub lists them, and only when there are
 * exactly as many reviews as gates reached; otherwise they are listed unpaired, with a note saying so.
 */
export function gateApprovals(
  gates: readonly GateStep[],
  rows: readonly TimelineRow[],
  reviews: Fetched<Review>,
  jobs: Fetched<RunJob>,
): { gates: GateApproval[]; unpaired: Review[]; note: string | null } {
  const reached = gates.filter((g) => {
    const row = rows.find((r) => r.job === g.job);
    return row?.status === 'passed' || row?.status === 'not approved' || findJob(jobs, g.title)?.startedAt;
  });
  const decided = reviews.read
    ? reviews.items.filter((r) => r.state === 'approved' || r.state === 'rejected')
    : [];
  const paired = reviews.read && decided.length === reached.length;
  const result = gates.map((g): GateApproval => {
    const job = findJob(jobs, g.title);
    const index = reached.indexOf(g);
    const review = paired && index >= 0 ? decided[index] : undefined;
    const row = rows.find((r) => r.job === g.job);
    return {
      job: g.job,
      title: g.title,
      approves: g.approves,
      state: review?.state ?? (index >= 0 ? 'passed' : (row?.status ?? 'not reached')),
      by: review?.user ?? null,
      comment: review?.comment || null,
      at: job?.startedAt ?? null,
      jobUrl: job?.url ?? null,
    };
  });
  let note: string | null = null;
  if (!reviews.read) note = `Approvals not read: ${reviews.reason}.`;
  else if (!paired) {
    note =
      `GitHub lists ${decided.length} review(s) for ${reached.length} gate(s) reached, so they are shown unpaired ` +
      'rather than guessed.';
  }
  return { gates: result, unpaired: reviews.read && !paired ? decided : [], note };
}
