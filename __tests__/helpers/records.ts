import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceState } from '../../src/jams/services.js';
import type { ActionEntry, PhaseMark, PhaseName, StageRecord } from '../../src/report/record.js';
import type { FoundRecord } from '../../src/report/records.js';
import { countRows } from '../../src/stage-data.js';
import type { AgentRow, AgentsData, GatesData, StageData } from '../../src/stage-data.js';

/** A time `s` seconds after 02:00:00 on the fixture day. */
export const at = (s: number): string => new Date(Date.UTC(2026, 10, 25, 2, 0, s)).toISOString();

const HOSTS = { primary: 'JAMS-PRI', secondary: 'JAMS-SEC' } as const;

/** A stage record as the action writes it, with only what a test sets differing from a quiet success. */
export function stageRecord(
  stage: string,
  role: 'primary' | 'secondary' | 'none',
  from: number,
  to: number,
  // Fixtures give only the data fields a test reads, as an older build's records may.
  extra: Partial<Omit<StageRecord, 'data'>> & { attempt?: number; data?: object } = {},
): StageRecord {
  const { attempt = 1, data = {}, ...rest } = extra;
  return {
    tool: 'jams-upgrade',
    stage,
    role,
    dryRun: false,
    lab: true,
    run: { id: '900', attempt: String(attempt), actor: 'alice', triggeringActor: 'alice' },
    ...(role === 'none'
      ? {}
      : {
          host: {
            computerName: HOSTS[role],
            platform: 'lab' as const,
            user: 'CORP\\runner',
            psVersion: '7.6.0',
            psEdition: 'Core',
            isAdmin: true,
          },
        }),
    startedAt: at(from),
    finishedAt: at(to),
    status: 'succeeded',
    actions: [],
    warnings: [],
    data: data as StageData,
    ...rest,
  };
}

export const done = (s: number, what: string, target = ''): ActionEntry => ({
  at: at(s),
  what,
  target,
  outcome: 'done',
});

export const service = (name: string, status: string): ServiceState => ({
  name,
  exists: true,
  status,
  startType: 'Auto',
  account: 'CORP\\svc-jams',
});
const SERVICES = ['JAMSExecutor', 'JAMSServer', 'JAMSScheduler'];
export const allRunning = SERVICES.map((name) => service(name, 'Running'));
export const allStopped = SERVICES.map((name) => service(name, 'Stopped'));

/** A whole successful upgrade, 7.2.100 to 7.4.0: stop at 02:01:40, the primary active again at 02:06:40. */
export function successfulRun(): StageRecord[] {
  const version = (v: string) => ({ installedVersion: { version: v, source: 'lab' } });
  const upgrade = (before: string, after: string) => ({
    upgrade: { versionBefore: before, versionAfter: after, rebootRequired: false },
  });
  return [
    stageRecord('gates', 'none', 0, 1, { data: { gates: gatesData() } }),
    stageRecord('preflight', 'primary', 0, 5, { data: version('7.2.100'), servicesAfter: allRunning }),
    stageRecord('preflight', 'secondary', 0, 6, { data: version('7.2.100'), servicesAfter: allRunning }),
    stageRecord('maintenance-on', 'primary', 60, 75, {
      actions: [done(61, 'set quantity', 'Maintenance_Window')],
    }),
    stageRecord('backup', 'primary', 80, 95),
    stageRecord('backup', 'secondary', 80, 90),
    stageRecord('stop', 'primary', 100, 110, {
      actions: [done(100, 'stop', 'JAMS Executor'), done(104, 'stop', 'JAMS Server')],
      servicesAfter: allStopped,
    }),
    stageRecord('stop', 'secondary', 112, 120, { actions: [done(113, 'stop', 'JAMS Executor')] }),
    stageRecord('upgrade', 'primary', 121, 250, { data: upgrade('7.2.100', '7.4.0') }),
    stageRecord('upgrade', 'secondary', 251, 380, { data: upgrade('7.2.100', '7.4.0') }),
    stageRecord('start', 'primary', 381, 400, { actions: [done(382, 'start', 'JAMS Server')] }),
    stageRecord('start', 'secondary', 401, 420),
    stageRecord('verify', 'primary', 421, 425, { data: version('7.4.0'), servicesAfter: allRunning }),
    stageRecord('verify', 'secondary', 421, 426, { data: version('7.4.0'), servicesAfter: allRunning }),
    stageRecord('agents', 'primary', 430, 470, { data: { agents: agentsData() } }),
    stageRecord('maintenance-off', 'primary', 500, 505, {
      actions: [done(501, 'restore quantity', '999999')],
    }),
  ];
}

export const phase = (name: PhaseName, from: number, to?: number): PhaseMark => ({
  phase: name,
  startedAt: at(from),
  ...(to === undefined ? {} : { endedAt: at(to) }),
});

/**
 * successfulRun() with the phases its stages mark: the downtime runs from the first stop (100) to the end of start on
 * the primary (400), 300 s.
 */
export function phasedRun(): StageRecord[] {
  const phases: Record<string, PhaseMark[]> = {
    'maintenance-on/primary': [phase('drain', 62, 74)],
    'stop/primary': [phase('services-stop', 100, 108)],
    'stop/secondary': [phase('services-stop', 113, 119)],
    'upgrade/primary': [
      phase('installer-check', 122, 125),
      phase('installer', 126, 236),
      phase('services-stop', 236, 244),
      phase('accounts-restore', 244, 246),
    ],
    'upgrade/secondary': [
      phase('installer-check', 252, 255),
      phase('installer', 256, 366),
      phase('services-stop', 366, 374),
      phase('accounts-restore', 374, 376),
    ],
    'start/primary': [
      phase('config-reapply', 382, 383),
      phase('services-start', 383, 390),
      phase('role', 390, 398),
    ],
  };
  return successfulRun().map((r) => ({ ...r, phases: phases[`${r.stage}/${r.role}`] ?? [] }));
}

/** What the agents stage records: one agent upgraded, one with nothing to upgrade. */
export function agentsData(): AgentsData {
  const row = (
    name: string,
    result: AgentRow['result'],
    detail: string,
    manualStep: string | null,
  ): AgentRow => ({
    kind: 'agent',
    name,
    type: 'Outgoing Windows',
    host: `${name.toLowerCase()}.corp.example`,
    versionBefore: '7.2.100',
    versionAfter: result === 'upgraded' ? '7.4.0' : '7.2.100',
    method: result === 'upgraded' ? 'deploy' : null,
    seconds: result === 'upgraded' ? 35 : null,
    result,
    detail,
    manualStep,
    log: null,
  });
  const rows = [
    row('APP01', 'upgraded', 'deploy job entry 5001 Success; online on 7.4.0', null),
    row('SFTP01', 'skipped', 'an SSH agent runs jobs over SSH with no JAMS software on the machine', null),
  ];
  return {
    server: 'localhost',
    method: 'deploy',
    parallel: 8,
    targetVersion: '7.4.0',
    rows,
    counts: countRows(rows),
    clientsNote: null,
    progress: ['deploy agent: 1 done, 0 failed, 0 left (0 in flight)'],
  };
}

export const found = (records: StageRecord[]): FoundRecord[] =>
  records.map((record, i) => ({
    record,
    path: `r${i}/${record.stage}-${record.role}/record.json`,
    artifact: `r${i}`,
  }));

/** Writes records the way download-artifact lays them out: <artifact>/<stage>-<role>/record.json. */
export function writeArtifacts(folder: string, records: StageRecord[]): void {
  for (const record of records) {
    const attempt = String(record.run['attempt'] ?? '1');
    const dir = join(
      folder,
      `jams-upgrade-${record.stage}-${record.role}-attempt-${attempt}`,
      `${record.stage}-${record.role}`,
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'record.json'), JSON.stringify(record, null, 2));
  }
}

/** The gates stage's record data for a protected environment with one reviewer. */
export function gatesData(): GatesData {
  return {
    environment: 'jams-prod',
    repository: 'corp/jams-ops',
    rulesRead: true,
    rules: [{ type: 'required_reviewers', reviewers: ['bob'], preventSelfReview: true }],
    reviewers: ['bob'],
    preventSelfReview: true,
    canAdminsBypass: false,
    allowUnprotected: false,
    verdict: 'protected',
    reason: '',
  };
}
