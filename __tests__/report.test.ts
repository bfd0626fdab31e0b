import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEPS, type GateStep } from '../src/pipeline.js';
import { gateApprovals } from '../src/report/approvals.js';
import { buildAudit, type AuditInput } from '../src/report/audit.js';
import { renderAudit } from '../src/report/audit-markdown.js';
import { formatSeconds } from '../src/report/markdown.js';
import { measureDowntime, measureMaintenanceWindow } from '../src/report/downtime.js';
import { readRunFacts, type ActionsApi, type RunFacts } from '../src/report/github-run.js';
import { describeRecordsRead, readRecords, recordsRead } from '../src/report/records.js';
import { buildTimeline } from '../src/report/timeline.js';
import { versionsByHost } from '../src/report/versions.js';
import {
  service,
  at,
  done,
  found,
  gatesData,
  stageRecord,
  successfulRun,
  writeArtifacts,
} from './helpers/records.js';
import { tempDir } from './helpers/run-stage.js';

const notRead: RunFacts = {
  reviews: { read: false, reason: 'no token' },
  jobs: { read: false, reason: 'no token' },
  artifacts: { read: false, reason: 'no token' },
};

function audit(records: ReturnType<typeof successfulRun>, extra: Partial<AuditInput> = {}) {
  return buildAudit({
    records: found(records),
    problems: [],
    facts: notRead,
    run: null,
    runInfo: { actor: 'alice', triggeringActor: 'bob', workflow: 'upgrade-jams' },
    recordsFolder: '/records',
    now: at(900),
    ...extra,
  });
}

const gates = STEPS.filter((s): s is GateStep => s.kind === 'gate');

describe('readRecords', () => {
  test('reads the downloaded artifacts, names their artifact, skips the report and says what it could not read', () => {
    const folder = tempDir('records');
    writeArtifacts(folder, [...successfulRun(), stageRecord('report', 'none', 600, 601)]);
    mkdirSync(join(folder, 'jams-upgrade-broken-attempt-1', 'stop-primary'), { recursive: true });
    writeFileSync(join(folder, 'jams-upgrade-broken-attempt-1', 'stop-primary', 'record.json'), '{"tool":');
    mkdirSync(join(folder, 'other'), { recursive: true });
    writeFileSync(join(folder, 'other', 'record.json'), '{"tool":"something else"}');

    const { records, problems } = readRecords(folder);
    expect(records).toHaveLength(successfulRun().length);
    expect(records.map((r) => r.record.stage)).not.toContain('report');
    expect(records.find((r) => r.record.stage === 'stop' && r.record.role === 'primary')).toMatchObject({
      artifact: 'jams-upgrade-stop-primary-attempt-1',
      path: 'jams-upgrade-stop-primary-attempt-1/stop-primary/record.json',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^jams-upgrade-broken-attempt-1\/stop-primary\/record.json is not JSON/),
      expect.stringMatching(/^other\/record.json is not a jams-upgrade stage record/),
    ]);
  });

  test('a missing folder is a problem, not a crash', () => {
    expect(readRecords('/no/such/folder').problems[0]).toMatch(/could not be read/);
  });
});

describe('a successful upgrade', () => {
  const report = audit(successfulRun());

  test('the timeline lists every pipeline step but the report, in order, each succeeded or passed', () => {
    const steps = STEPS.filter((s) => s.job !== 'report');
    expect(report.result).toBe('succeeded');
    expect(report.timeline.map((r) => [r.job, r.status])).toEqual(
      steps.map((s) => [s.job, s.kind === 'gate' ? 'passed' : 'succeeded']),
    );
    expect(report.timeline.find((r) => r.job === 'upgrade-primary')).toMatchObject({
      host: 'JAMS-PRI',
      startedAt: at(121),
      finishedAt: at(250),
      seconds: 129,
      attempts: 1,
    });
  });

  test('downtime runs from the first service stopped to the primary active again; the window is measured', () => {
    expect(report.downtime).toMatchObject({ from: at(100), to: at(400), seconds: 300, open: false });
    expect(report.maintenanceWindow).toMatchObject({ from: at(61), to: at(501), seconds: 440, open: false });
  });

  test('versions before and after on both hosts, and who triggered the run', () => {
    expect(report.versions).toEqual([
      expect.objectContaining({ role: 'primary', host: 'JAMS-PRI', before: '7.2.100', after: '7.4.0' }),
      expect.objectContaining({ role: 'secondary', host: 'JAMS-SEC', before: '7.2.100', after: '7.4.0' }),
    ]);
    expect(report.run.triggeredBy).toBe('bob');
    expect(report.failures).toEqual([]);
    expect(report.nextSteps).toEqual([]);
  });

  test('without GitHub it says the approvals were not read, and lists the artifacts it found', () => {
    expect(report.approvals.note).toBe('Approvals not read: no token.');
    expect(report.approvals.gates.map((g) => [g.job, g.state, g.by])).toEqual([
      ['approve-downtime', 'passed', null],
      ['approve-resume', 'passed', null],
    ]);
    expect(report.artifacts.items).toHaveLength(successfulRun().length);
    expect(report.artifacts.note).toMatch(/Artifact links not read: no token/);
  });

  test('the versions fall back to the upgrade records when preflight and verify did not read them', () => {
    const records = successfulRun().filter((r) => r.stage !== 'preflight' && r.stage !== 'verify');
    expect(versionsByHost(found(records))[0]).toMatchObject({
      before: '7.2.100',
      after: '7.4.0',
      source: 'before: upgrade; after: upgrade',
    });
  });
});

describe('a failed upgrade', () => {
  const records = successfulRun().slice(0, 5);
  records.push(
    stageRecord('stop', 'primary', 100, 300, {
      status: 'failed',
      actions: [done(100, 'stop', 'JAMS Executor')],
      servicesAfter: [
        service('JAMSExecutor', 'Stopped'),
        service('JAMSServer', 'Running'),
        service('JAMSScheduler', 'StopPending'),
      ],
      failure: {
        message: 'JAMSScheduler is still StopPending on JAMS-PRI (primary) 180 s after the stop request.',
        hostState:
          'JAMS-PRI (primary): JAMS Executor Stopped, JAMS Server Running, JAMS Scheduler StopPending.',
        nextStep: 'Find out why JAMSScheduler does not stop, then re-run this job.',
      },
    }),
  );
  const report = audit(records);

  test('names the failed stage, the state it left and its next step; later steps did not run', () => {
    expect(report.result).toBe('failed');
    expect(report.failures).toEqual([
      expect.objectContaining({
        job: 'stop-primary',
        host: 'JAMS-PRI',
        hostState: expect.stringMatching(/JAMS Scheduler StopPending/),
      }),
    ]);
    expect(report.timeline.find((r) => r.job === 'stop-secondary')?.status).toBe('not run');
    expect(report.timeline.find((r) => r.job === 'approve-resume')?.status).toBe('not reached');
  });

  test('each host as last seen, and the outage and the open window in the next steps', () => {
    expect(report.hosts[0]).toMatchObject({
      host: 'JAMS-PRI',
      seenBy: 'stop (primary)',
      services: [
        { name: 'JAMSExecutor', status: 'Stopped' },
        { name: 'JAMSServer', status: 'Running' },
        { name: 'JAMSScheduler', status: 'StopPending' },
      ],
    });
    expect(report.hosts[1]).toMatchObject({ host: 'JAMS-SEC', seenBy: 'preflight (secondary)' });
    expect(report.downtime).toMatchObject({ from: at(100), to: null, open: true, seconds: 800 });
    expect(report.maintenanceWindow).toMatchObject({ from: at(61), open: true });
    expect(report.nextSteps).toEqual([
      'stop (primary): Find out why JAMSScheduler does not stop, then re-run this job.',
      expect.stringMatching(/^Once the cause is fixed, use 'Re-run failed jobs'/),
      expect.stringMatching(/^JAMS has been down since 2026-11-25T02:01:40.000Z/),
      expect.stringMatching(/^The maintenance window has held new jobs since 2026-11-25T02:01:01.000Z/),
    ]);
  });

  test('the summary shows the failure, the hosts and the next steps', () => {
    const markdown = renderAudit(report);
    expect(markdown).toMatch(/^## JAMS upgrade report: FAILED \[LAB\]/);
    expect(markdown).toContain('### Failed: stop (primary) on JAMS-PRI');
    expect(markdown).toContain(
      '- **Left in**: JAMS-PRI (primary): JAMS Executor Stopped, JAMS Server Running',
    );
    expect(markdown).toContain('### Hosts as last seen');
    expect(markdown).toContain('| Downtime | **13 min 20 s so far** (2026-11-25 02:01:40Z to still open).');
  });
});

describe('re-runs and dry runs', () => {
  test('a re-run shows the latest attempt and keeps the first stop of the earlier attempt', () => {
    const records = successfulRun().map((r) =>
      r.stage === 'stop' && r.role === 'primary' ? { ...r, status: 'failed' as const } : r,
    );
    records.push(
      stageRecord('stop', 'primary', 700, 710, {
        attempt: 2,
        actions: [{ at: at(701), what: 'stop', target: 'JAMS Scheduler', outcome: 'skipped' }],
      }),
    );
    const row = buildTimeline(STEPS, found(records)).find((r) => r.job === 'stop-primary');
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2, startedAt: at(700) });
    expect(measureDowntime(found(records), at(900)).from).toBe(at(100));
  });

  test("records from several attempts' artifacts: each attempt named, and a step shown from its latest attempt", () => {
    const folder = tempDir('attempts');
    const first = successfulRun().map((r) =>
      r.stage === 'start' && r.role === 'primary' ? { ...r, status: 'failed' as const } : r,
    );
    // The re-run's runner clock is behind: the latest attempt wins all the same, not the latest start time.
    const rerun = [
      stageRecord('start', 'primary', 390, 395, { attempt: 2 }),
      stageRecord('start', 'secondary', 396, 399, { attempt: 2, status: 'failed' }),
    ];
    writeArtifacts(folder, [...first.slice(0, 12), ...rerun]);
    const { records } = readRecords(folder);
    expect(records.filter((r) => r.artifact?.endsWith('-attempt-2')).map((r) => r.path)).toEqual([
      'jams-upgrade-start-primary-attempt-2/start-primary/record.json',
      'jams-upgrade-start-secondary-attempt-2/start-secondary/record.json',
    ]);
    const a = audit(records.map((r) => r.record));
    expect(a.recordsRead).toEqual({
      attempts: [
        { attempt: 1, records: 12 },
        { attempt: 2, records: 2 },
      ],
      superseded: [
        { title: 'start (primary)', shown: 2, others: [1] },
        { title: 'start (secondary)', shown: 2, others: [1] },
      ],
    });
    expect(a.timeline.find((r) => r.job === 'start-primary')).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      startedAt: at(390),
    });
    expect(a.timeline.find((r) => r.job === 'start-secondary')).toMatchObject({
      status: 'failed',
      attempts: 2,
    });
    const markdown = renderAudit(a);
    expect(markdown).toContain(
      'Records read: attempt 1 (12 stages), attempt 2 (2 stages). A step run in more than one attempt is shown ' +
        'from its latest: start (primary) from attempt 2 (also ran in attempt 1); start (secondary) from attempt 2 ' +
        '(also ran in attempt 1).',
    );
  });

  test("a record without run.attempt takes its artifact's attempt", () => {
    const old = stageRecord('stop', 'primary', 700, 710, { attempt: 3 });
    old.run = { id: '900' };
    const f = [
      { record: stageRecord('stop', 'primary', 800, 810), path: 'a/stop-primary/record.json', artifact: 'a' },
      { record: old, path: 'b/stop-primary/record.json', artifact: 'jams-upgrade-stop-primary-attempt-3' },
    ];
    expect(recordsRead(f)).toEqual({
      attempts: [
        { attempt: 1, records: 1 },
        { attempt: 3, records: 1 },
      ],
      superseded: [{ title: 'stop (primary)', shown: 3, others: [1] }],
    });
    expect(buildTimeline(STEPS, f).find((r) => r.job === 'stop-primary')?.startedAt).toBe(at(700));
    expect(describeRecordsRead(recordsRead([]))).toBe('Records read: none.');
  });

  test('a dry run measures no downtime and no window', () => {
    const records = successfulRun().map((r) => ({
      ...r,
      dryRun: true,
      actions: r.actions.map((a) => ({ ...a, outcome: 'would' as const })),
    }));
    expect(measureDowntime(found(records), at(900))).toMatchObject({ from: null, seconds: null });
    expect(measureMaintenanceWindow(found(records), at(900)).note).toMatch(/not opened by this run/);
    expect(audit(records).dryRun).toBe(true);
  });

  test("a step that left no record takes its job's result from GitHub", () => {
    const jobs = {
      read: true as const,
      items: [
        {
          name: 'upgrade / approve downtime',
          conclusion: 'success',
          startedAt: at(50),
          completedAt: at(52),
          url: 'g',
        },
        {
          name: 'upgrade / maintenance-on (primary)',
          conclusion: 'failure',
          startedAt: at(60),
          completedAt: at(61),
          url: 'm',
        },
      ],
    };
    const report = audit(successfulRun().slice(0, 3), { facts: { ...notRead, jobs } });
    expect(report.timeline.slice(3, 5).map((r) => [r.job, r.status, r.seconds])).toEqual([
      ['approve-downtime', 'passed', 2],
      ['maintenance-on', 'failed', 1],
    ]);
    expect(report.result).toBe('failed');
    expect(report.failures[0]?.message).toBe(
      'The job ended before the stage wrote its record (an input error, or the runner): m.',
    );
  });

  test('a rejected gate is not approved, and the run incomplete', () => {
    const jobs = {
      read: true as const,
      items: [
        { name: 'approve downtime', conclusion: 'failure', startedAt: null, completedAt: at(70), url: 'g' },
      ],
    };
    const report = audit(successfulRun().slice(0, 3), { facts: { ...notRead, jobs } });
    expect(report.timeline[3]?.status).toBe('not approved');
    expect(report.result).toBe('incomplete');
  });

  test('a run stopped at a gate is incomplete and says where it ended', () => {
    const report = audit(successfulRun().slice(0, 3));
    expect(report.result).toBe('incomplete');
    expect(report.nextSteps[0]).toMatch(/^The run stopped at approve downtime: an approval was rejected/);
  });
});

describe('approvals from GitHub', () => {
  const rows = buildTimeline(STEPS, found(successfulRun()));
  const jobs = {
    read: true as const,
    items: [
      {
        name: 'upgrade / approve downtime',
        conclusion: 'success',
        startedAt: at(55),
        completedAt: at(58),
        url: 'u1',
      },
      {
        name: 'upgrade / approve resume',
        conclusion: 'success',
        startedAt: at(490),
        completedAt: at(492),
        url: 'u2',
      },
    ],
  };

  test('two reviews for two gates are paired in order, with the time each gate job started', () => {
    const reviews = {
      read: true as const,
      items: [
        { user: 'carol', state: 'approved', comment: 'window agreed', environments: ['prod'] },
        { user: 'dave', state: 'approved', comment: '', environments: ['prod'] },
      ],
    };
    const result = gateApprovals(gates, rows, reviews, jobs);
    expect(result.note).toBeNull();
    expect(result.gates.map((g) => [g.job, g.state, g.by, g.at, g.comment])).toEqual([
      ['approve-downtime', 'approved', 'carol', at(55), 'window agreed'],
      ['approve-resume', 'approved', 'dave', at(490), null],
    ]);
  });

  test('reviews that do not match the gates one to one are listed unpaired, not guessed', () => {
    const reviews = {
      read: true as const,
      items: ['carol', 'dave', 'erin'].map((user) => ({
        user,
        state: 'approved',
        comment: '',
        environments: ['prod'],
      })),
    };
    const result = gateApprovals(gates, rows, reviews, jobs);
    expect(result.gates.map((g) => g.by)).toEqual([null, null]);
    expect(result.unpaired.map((r) => r.user)).toEqual(['carol', 'dave', 'erin']);
    expect(result.note).toMatch(/3 review\(s\) for 2 gate\(s\) reached/);
  });

  test('a token without actions: read is reported as such', async () => {
    const denied = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    const api: ActionsApi = {
      reviews: () => Promise.reject(denied),
      jobs: () => Promise.resolve([]),
      artifacts: () =>
        Promise.resolve([{ name: 'jams-upgrade-stop-primary-attempt-1', url: 'a1', expired: false }]),
    };
    const facts = await readRunFacts(api);
    expect(facts.reviews).toEqual({ read: false, reason: expect.stringMatching(/HTTP 403.*actions: read/) });
    const report = audit(successfulRun(), { facts });
    expect(report.approvals.note).toMatch(
      /^Approvals not read: the token may not read this run \(HTTP 403\)/,
    );
    expect(report.artifacts).toEqual({
      items: [{ name: 'jams-upgrade-stop-primary-attempt-1', url: 'a1' }],
      note: null,
    });
  });

  test('with no API at all every part says why', async () => {
    const facts = await readRunFacts({ reason: 'this is not a GitHub Actions run' });
    expect([facts.reviews, facts.jobs, facts.artifacts]).toEqual(
      Array(3).fill({ read: false, reason: 'this is not a GitHub Actions run' }),
    );
  });
});

test('durations read as an operator writes them', () => {
  expect([formatSeconds(42), formatSeconds(252), formatSeconds(3725), formatSeconds(null)]).toEqual([
    '42 s',
    '4 min 12 s',
    '1 h 02 min 05 s',
    '',
  ]);
});

describe('a rollback', () => {
  const version = (v: string) => ({ installedVersion: { version: v, source: 'lab' } });
  const backup = {
    server: 'SQL01',
    database: 'JAMS',
    file: '\\\\FILES\\backup\\jams\\JAMS_run-100.bak',
    sha256: 'AB'.repeat(32),
    takenAt: at(10),
    backupRunKey: 'run-100',
    explicit: false,
  };
  const reinstalled = (uninstall: object | null) => ({
    upgrade: { versionBefore: '7.4.0', versionAfter: '7.2.100', install: 'ran', rebootRequired: false },
    ...(uninstall ? { uninstall } : {}),
  });
  /** A whole rollback, 7.4.0 back to 7.2.100; the secondary's newer version is removed first. */
  const rollbackRun = () => [
    stageRecord('gates', 'none', 0, 1, { data: { gates: gatesData() } }),
    stageRecord('preflight', 'primary', 0, 5, {
      data: { ...version('7.4.0'), restorePlan: { source: backup } },
    }),
    stageRecord('preflight', 'secondary', 0, 6, { data: version('7.4.0') }),
    stageRecord('maintenance-on', 'primary', 60, 75),
    stageRecord('stop', 'primary', 100, 110, { actions: [done(100, 'stop', 'JAMS Executor')] }),
    stageRecord('stop', 'secondary', 112, 120),
    stageRecord('restore', 'primary', 121, 160, {
      actions: [done(125, 'restore database', backup.file)],
      data: {
        restore: {
          ...backup,
          phase: 'restored',
          finishedAt: at(160),
          durationMs: 34_600,
          messages: ['RESTORE ok'],
        },
      },
    }),
    stageRecord('reinstall', 'primary', 161, 250, { data: reinstalled(null) }),
    stageRecord('reinstall', 'secondary', 251, 380, {
      data: reinstalled({
        name: 'JAMS Scheduler',
        version: '7.4.0',
        productCode: '{GUID}',
        phase: 'uninstalled',
        exitCode: 0,
      }),
    }),
    stageRecord('start', 'primary', 381, 400, { actions: [done(382, 'start', 'JAMS Server')] }),
    stageRecord('start', 'secondary', 401, 420),
    stageRecord('verify', 'primary', 421, 425, { data: version('7.2.100') }),
    stageRecord('verify', 'secondary', 421, 426, { data: version('7.2.100') }),
    stageRecord('maintenance-off', 'primary', 500, 505, {
      actions: [done(501, 'restore quantity', '999999')],
    }),
  ];

  test("the timeline follows the rollback's steps, and the rollback section names the backup, its cost and the reinstalls", () => {
    const a = audit(rollbackRun(), { pipeline: 'rollback' });
    expect(a.result).toBe('succeeded');
    expect(a.timeline.map((r) => r.title)).toEqual([
      'gates',
      'preflight (primary)',
      'preflight (secondary)',
      'approve rollback',
      'maintenance-on (primary)',
      'stop (primary)',
      'stop (secondary)',
      'restore (primary)',
      'reinstall (primary)',
      'reinstall (secondary)',
      'start (primary)',
      'start (secondary)',
      'verify (primary)',
      'verify (secondary)',
      'approve resume',
      'maintenance-off (primary)',
    ]);
    expect(a.approvals.gates.map((g) => g.title)).toEqual(['approve rollback', 'approve resume']);
    expect(a.versions.map((v) => [v.before, v.after])).toEqual([
      ['7.4.0', '7.2.100'],
      ['7.4.0', '7.2.100'],
    ]);
    expect(a.rollback).toMatchObject({
      backup: { file: backup.file, database: 'JAMS on SQL01', takenAt: at(10), run: 'run-100', named: false },
      restore: { status: 'restored', finishedAt: at(160), seconds: 35, messages: ['RESTORE ok'] },
      reinstall: [
        { role: 'primary', from: '7.4.0', to: '7.2.100', uninstalled: null },
        { role: 'secondary', uninstalled: 'JAMS Scheduler 7.4.0 ({GUID}): uninstalled, exit code 0' },
      ],
    });
    expect(a.rollback?.lost).toBe(
      `Everything JAMS recorded after ${at(10)} was lost with the restore: the history of the jobs run since, and ` +
        'every change to definitions made since.',
    );
    const markdown = renderAudit(a);
    expect(markdown).toMatch(/^## JAMS rollback report: succeeded \[LAB\]/);
    expect(markdown).toContain('### Rollback');
    expect(markdown).toContain(`| Backup | ${backup.file} |`);
    expect(markdown).toContain('**Cost**: Everything JAMS recorded after');
  });

  test('a rollback stopped before the restore names the backup the gate showed, and says it was not restored', () => {
    const records = rollbackRun().slice(0, 6);
    records.push(
      stageRecord('restore', 'primary', 121, 130, {
        status: 'failed',
        failure: { message: 'x', hostState: 'y', nextStep: 'z' },
      }),
    );
    const a = audit(records, { pipeline: 'rollback' });
    expect(a.result).toBe('failed');
    expect(a.rollback?.restore.status).toBe('failed');
    expect(a.rollback?.backup?.file).toBe(backup.file);
    expect(a.rollback?.lost).toMatch(/^The database was not restored by this run\./);
    expect(a.nextSteps.join('\n')).toMatch(/Finish the rollback/);
    expect(audit(successfulRun()).rollback).toBeNull();
  });
});

describe('the gate check in the report', () => {
  test('names the environment, its verdict and its reviewers above the approvals', () => {
    const markdown = renderAudit(audit(successfulRun()));
    expect(markdown).toContain(
      'Gate environment jams-prod in corp/jams-ops: protected: required reviewers bob.',
    );
  });

  test('an unprotected environment is called out, and self-review is named when it is allowed', () => {
    const records = successfulRun().map((r) =>
      r.stage === 'gates'
        ? {
            ...r,
            data: {
              gates: {
                ...gatesData(),
                verdict: 'unprotected' as const,
                reviewers: [],
                preventSelfReview: false,
              },
            },
          }
        : r,
    );
    expect(renderAudit(audit(records))).toContain(
      'Gate environment jams-prod in corp/jams-ops: **UNPROTECTED**: no reviewer had to approve the gates ' +
        '(allow-unprotected-gates, lab only); the dispatcher could approve their own run.',
    );
  });

  test('a run with no gates record says the protection was not checked', () => {
    const records = successfulRun().filter((r) => r.stage !== 'gates');
    expect(renderAudit(audit(records))).toContain('The gates stage left no record');
  });
});
