// The gates stage's finding in the report: which environment guarded the gates, and whether anyone had to approve.
import type { GatesData } from '../stage-data.js';

/** One sentence above the approvals table. */
export function gateCheckLine(data: GatesData | null): string {
  if (!data)
    return 'The gates stage left no record: whether the gates were protected was not checked in this run.';
  const where = `Gate environment ${data.environment || '(none given)'}${data.repository ? ` in ${data.repository}` : ''}`;
  const verdicts: Record<GatesData['verdict'], string> = {
    protected: `protected: required reviewers ${data.reviewers.join(', ') || '(listed by team)'}`,
    unprotected: '**UNPROTECTED**: no reviewer had to approve the gates (allow-unprotected-gates, lab only)',
    unchecked: `not checked (${data.reason})`,
    refused: `refused: ${data.reason}`,
  };
  const self = data.preventSelfReview === false ? '; the dispatcher could approve their own run' : '';
  return `${where}: ${verdicts[data.verdict]}${self}.`;
}
