import type { ServiceState } from '../jams/services.js';
import { byTime, type FoundRecord } from './records.js';
import type { TimelineRow } from './timeline.js';

/** What a host was last seen in: the services and failover role from the latest record that read them. */
export interface HostState {
  role: 'primary' | 'secondary';
  host: string | null;
  /** The stage whose record this comes from, and when it ended. */
  seenBy: string | null;
  seenAt: string | null;
  services: Pick<ServiceState, 'name' | 'status'>[];
  failoverRole: string | null;
}

/** A step whose latest record failed: its own words for what it left and what to do. */
export interface StepFailure {
  job: string;
  title: string;
  host: string | null;
  message: string;
  hostState: string;
  nextStep: string;
}

export function hostStates(records: readonly FoundRecord[]): HostState[] {
  return (['primary', 'secondary'] as const).map((role) => {
    const seen = records.filter((r) => r.record.role === role && r.record.servicesAfter?.length).sort(byTime);
    const last = seen[seen.length - 1]?.record;
    const roles = last?.data.roles;
    return {
      role,
      host: last?.host?.computerName ?? null,
      seenBy: last ? `${last.stage} (${last.role})` : null,
      seenAt: last?.finishedAt ?? null,
      services: (last?.servicesAfter ?? []).map((s) => ({ name: s.name, status: s.status })),
      failoverRole: roles?.selfLabel ?? null,
    };
  });
}

export function failures(rows: readonly TimelineRow[], records: readonly FoundRecord[]): StepFailure[] {
  return rows
    .filter((row) => row.status === 'failed' || row.status === 'interrupted')
    .map((row) => {
      const record = records.find((r) => r.path === row.recordPath)?.record;
      return {
        job: row.job,
        title: row.title,
        host: row.host,
        message:
          record?.failure?.message ??
          (record
            ? 'The stage ended without a result: its job was cancelled or timed out.'
            : `The job ended before the stage wrote its record (an input error, or the runner)${row.jobUrl ? `: ${row.jobUrl}` : ''}.`),
        hostState:
          record?.failure?.hostState ??
          'Unknown: read stage.log and powershell-transcript.log in its artifact.',
        nextStep:
          record?.failure?.nextStep ??
          'Read the job log, check the host, then re-run the job: every stage is safe to re-run.',
      };
    });
}
