import { byTime, type FoundRecord } from './records.js';
import { recordsOf } from './timeline.js';

export interface HostVersions {
  role: 'primary' | 'secondary';
  host: string | null;
  before: string | null;
  after: string | null;
  /** Which records the two versions came from. */
  source: string;
  rebootRequired: boolean;
}

const text = (v: string | null | undefined): string | null => v || null;

/**
 * The JAMS version on each host before and after: preflight's reading first (before anything changed) and
 * verify's last (the pair as left), falling back to what the upgrade stage recorded (data.upgrade).
 */
export function versionsByHost(records: readonly FoundRecord[]): HostVersions[] {
  return (['primary', 'secondary'] as const).map((role) => {
    const preflight = recordsOf(records, 'preflight', role).map((r) =>
      text(r.record.data.installedVersion?.version),
    );
    const verify = recordsOf(records, 'verify', role).map((r) =>
      text(r.record.data.installedVersion?.version),
    );
    // A rollback's reinstall records the same facts as an upgrade.
    const upgrade = [...recordsOf(records, 'upgrade', role), ...recordsOf(records, 'reinstall', role)];
    const upgradeBefore = upgrade.map((r) => text(r.record.data.upgrade?.versionBefore));
    const upgradeAfter = upgrade.map((r) => text(r.record.data.upgrade?.versionAfter));
    const first = (list: (string | null)[]) => list.find((v) => v !== null) ?? null;
    const last = (list: (string | null)[]) => first([...list].reverse());
    const before = first(preflight) ?? first(upgradeBefore);
    const after = last(verify) ?? last(upgradeAfter);
    const mine = records.filter((r) => r.record.role === role && r.record.host).sort(byTime);
    return {
      role,
      host: mine[mine.length - 1]?.record.host?.computerName ?? null,
      before,
      after,
      source:
        `before: ${first(preflight) ? 'preflight' : before ? 'upgrade' : 'not read'}; ` +
        `after: ${last(verify) ? 'verify' : after ? 'upgrade' : 'not read'}`,
      rebootRequired: upgrade.some((r) => r.record.data.upgrade?.rebootRequired === true),
    };
  });
}
