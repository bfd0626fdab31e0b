// Whether the approval gates of a run are protected: the gates stage's verdict (its gate-protection output), which
// every later job passes back in (the gate-protection input) so each job's summary and log can say so.

/** protected: required reviewers approve the gates; unprotected: they do not, and allow-unprotected-gates let it
 * pass; unchecked: nothing was checked (a local rehearsal with no github-token). */
export const GATE_PROTECTIONS = ['protected', 'unprotected', 'unchecked'] as const;

export type GateProtection = (typeof GATE_PROTECTIONS)[number];

/** The warning at the top of every job summary and log of a run whose gates nobody had to approve. */
export const UNPROTECTED_GATES_WARNING =
  'The approval gates of this run are not protected (allow-unprotected-gates): no reviewer had to approve. ' +
  'Lab repositories only.';

/** The same warning as the first block of a job summary (Markdown, a blank line after it). */
export const UNPROTECTED_GATES_BANNER = `> [!WARNING]\n> ${UNPROTECTED_GATES_WARNING}\n\n`;
