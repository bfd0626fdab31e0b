// The order the pair is upgraded in: the vendor's, or the opt-in order that gives the primary back to jobs before the
// secondary's install (docs/upgrade.md "The order"). No I/O: the words preflight, the gate and the failures use.

/** vendor: both installs inside the downtime; resume-after-primary: the secondary's install after it. */
export const UPGRADE_ORDERS = ['vendor', 'resume-after-primary'] as const;
export type UpgradeOrder = (typeof UPGRADE_ORDERS)[number];

/** Where approve resume (and maintenance-off) comes: after the agents, as the vendor's order has it, or after the primary. */
export const RESUME_GATES = ['after-agents', 'after-primary'] as const;
export type ResumeGate = (typeof RESUME_GATES)[number];

/** What resume-after-primary assumes and no session could check on a real pair (docs/unverified.md). */
export const RESUME_AFTER_PRIMARY_ASSUMES =
  "the secondary's installer tolerates a live JAMS (the primary) on the database the primary's installer already " +
  'upgraded (unverified: the 7.7.2 notes say the installer connects to the database)';

/** One paragraph for preflight's summary and the downtime gate: the order, and what it assumes. */
export function describeOrder(order: UpgradeOrder, gate: ResumeGate): string {
  if (order === 'vendor') {
    return (
      "Order: vendor (the vendor's article): stop both, upgrade the primary, then the secondary, then start the " +
      'primary and the secondary; JAMS stays down through both installs. Jobs resume after approve resume, after ' +
      'the agents.'
    );
  }
  const resume =
    gate === 'after-primary'
      ? 'Jobs resume once the primary is verified and approve resume is given, before the secondary is upgraded.'
      : 'Jobs stay held until approve resume, after the secondary and the agents.';
  return (
    "Order: resume-after-primary (a deviation from the vendor's article, opt-in): stop both, upgrade the primary, " +
    'start it and verify it Running; the downtime ends there. Then the secondary is upgraded and started in Backup ' +
    `Mode while the primary runs, without failover until then. ${resume} It assumes ${RESUME_AFTER_PRIMARY_ASSUMES}: ` +
    'rehearse it on a test pair or a lower ring before production.'
  );
}
