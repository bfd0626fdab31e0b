/**
 * @jest-environment node
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringOfArtifact, statusOfArtifact } from '../src/fleet.js';
import type { AuditReport } from '../src/report/audit.js';
import { buildPromotion, renderPromotion } from '../src/report/fleet-promotion.js';
import { buildStatus, renderStatus } from '../src/report/fleet-status.js';
import type { StageRecord } from '../src/report/record.js';
import { readRecords } from '../src/report/records.js';
import type { SoakData, StatusData } from '../src/stage-data.js';
import { mermaidBlocks, parseMermaid } from '../scripts/mermaid-parse.js';
import { at, stageRecord } from './helpers/records.js';
import { tempDir } from './helpers/run-stage.js';

// The fleet report reads the downloaded artifacts of a fleet run: each ring's (jams-upgrade-ring-<n>-...) upgrade
// report and soak records, or each node's status record (jams-status-<environment>-<role>-...).

const RINGS = ['dev', 'test', 'prod'];

/** A ring's upgrade report as its report job writes report.json; only what the fleet report reads. */
function audit(result: AuditReport['result'], from: number, to: number, failure?: string): AuditReport {
  return {
    kind: 'audit-report',
    result,
    dryRun: false,
    generatedAt: at(to),
    timeline: [{ startedAt: at(from) }],
    downtime: { seconds: 300 },
    maintenanceWindow: { seconds: 600 },
    approvals: {
      gates: [{ title: 'approve downtime', state: 'approved', by: 'alice' }],
      unpaired: [],
      note: null,
    },
    versions: [{ role: 'primary', before: '7.2.100', after: '7.4.0' }],
    failures: failure ? [{ title: 'upgrade (primary)', message: failure }] : [],
  } as unknown as AuditReport;
}

function soakRecord(role: 'primary' | 'secondary', from: number, ok: boolean): StageRecord {
  const data: SoakData = {
    requiredMinutes: 1440,
    soakedMinutes: 1441,
    ...(role === 'primary'
      ? {
          rates: {
            before: { from: at(0), to: at(1), completed: 100, failed: 4, percent: 4 },
            during: { from: at(2), to: at(3), completed: 100, failed: ok ? 5 : 44, percent: ok ? 5 : 44 },
            increase: ok ? 1 : 40,
            noise: ok ? 5.9 : 13.4,
            allowed: 0,
            ok,
            reason: ok ? 'within' : 'beyond',
          },
        }
      : {}),
  };
  return stageRecord('soak', role, from, from + 5, {
    status: ok ? 'succeeded' : 'failed',
    data: {
      soak: data,
      checks: [{ check: 'failed-entry rate', expected: 'no rise', actual: ok ? 'flat' : 'up 40 points', ok }],
    },
    ...(ok
      ? {}
      : {
          failure: {
            message: 'The soak found JAMS-PRI unhealthy: failed-entry rate.',
            hostState: '',
            nextStep: '',
          },
        }),
  });
}

/** Writes a ring's artifacts as download-artifact lays them out. */
function writeRing(folder: string, ring: number, report: AuditReport | null, soaks: StageRecord[]): void {
  if (report) {
    const dir = join(folder, `jams-upgrade-ring-${ring}-report-attempt-1`, 'report');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  }
  for (const r of soaks) {
    const dir = join(folder, `jams-upgrade-ring-${ring}-soak-${r.role}-attempt-1`, `soak-${r.role}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'record.json'), JSON.stringify(r));
  }
}

function promotion(setup: (folder: string) => void) {
  const folder = tempDir('fleet');
  setup(folder);
  return buildPromotion(folder, readRecords(folder).records, RINGS, at(9000));
}

const healthy = (from: number) => [soakRecord('primary', from, true), soakRecord('secondary', from, true)];

describe('the fleet report of a promotion', () => {
  test('every ring upgraded and soaked healthy: succeeded, with a gantt that parses', async () => {
    const p = promotion((f) =>
      RINGS.forEach((_, i) =>
        writeRing(f, i + 1, audit('succeeded', i * 2000, i * 2000 + 900), healthy(i * 2000 + 1900)),
      ),
    );
    expect(p.result).toBe('succeeded');
    expect(p.stoppedAt).toBeNull();
    expect(p.rings.map((r) => r.result)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const markdown = renderPromotion(p);
    expect(markdown).toMatch(
      /\| 1 \| dev \| succeeded \| primary 7\.2\.100 -> 7\.4\.0 \| 5 min 00 s \| 10 min 00 s \| approve downtime: approved by alice \|/,
    );
    const blocks = mermaidBlocks(markdown);
    expect(blocks).toHaveLength(1);
    expect(await parseMermaid(blocks[0]?.text ?? '')).toEqual({ ok: true, type: 'gantt' });
    expect(blocks[0]?.text).toMatch(/section ring 2 test\n {4}upgrade :done/);
  });

  test('a failed upgrade stops it there: the ring and why, and no later ring started', () => {
    const p = promotion((f) => {
      writeRing(f, 1, audit('succeeded', 0, 900), healthy(1900));
      writeRing(f, 2, audit('failed', 2000, 2300, 'The installer exited with 1603.'), []);
    });
    expect(p.result).toBe('stopped');
    expect(p.stoppedAt).toEqual({
      ring: 2,
      environment: 'test',
      why: 'upgrade (primary): The installer exited with 1603.',
    });
    expect(p.rings.map((r) => r.result)).toEqual(['succeeded', 'upgrade failed', 'not started']);
    expect(renderPromotion(p)).toMatch(
      /The promotion stopped at ring 2 \(test\): upgrade \(primary\): The installer exited with 1603\. No later ring was started\./,
    );
  });

  test('an unhealthy soak stops it with the rates in the table', () => {
    const p = promotion((f) =>
      writeRing(f, 1, audit('succeeded', 0, 900), [
        soakRecord('primary', 1900, false),
        soakRecord('secondary', 1900, true),
      ]),
    );
    expect(p.stoppedAt).toMatchObject({ ring: 1, environment: 'dev' });
    expect(p.rings[0]?.result).toBe('soak failed');
    expect(renderPromotion(p)).toMatch(
      /failed entries 4 % before, 44 % during \(44 of 100; noise 13\.4 points\); \*\*failed\*\*: primary: failed-entry rate/,
    );
  });

  test('a ring whose soak never ran (a rejected soak wait, a cancelled run) is where it stopped', () => {
    const p = promotion((f) => writeRing(f, 1, audit('succeeded', 0, 900), []));
    expect(p.result).toBe('stopped');
    expect(p.stoppedAt).toEqual({ ring: 1, environment: 'dev', why: 'the soak has not judged both nodes' });
    expect(p.rings.map((r) => r.result)).toEqual(['incomplete', 'not started', 'not started']);
  });

  test('with no record of any ring, the promotion is incomplete, not stopped', () => {
    const p = promotion(() => undefined);
    expect(p).toMatchObject({ result: 'incomplete', stoppedAt: null });
  });

  test("one ring's artifacts never count for another: ring 1 is not ring 10", () => {
    expect(ringOfArtifact('jams-upgrade-ring-1-soak-primary-attempt-1')).toBe(1);
    expect(ringOfArtifact('jams-upgrade-ring-10-soak-primary-attempt-1')).toBe(10);
    expect(ringOfArtifact('jams-upgrade-soak-primary-attempt-1')).toBeNull();
  });
});

function statusRecord(role: 'primary' | 'secondary', version: string | null, ok = true): StageRecord {
  const status: StatusData = {
    version,
    role: role === 'primary' ? 'Active' : 'Standby',
    roleLabel: role === 'primary' ? 'Running' : 'Backup Mode',
    services: { scheduler: 'Running' },
    lastUpgrade:
      version === '7.4.0'
        ? { targetVersion: '7.4.0', versionBefore: '7.2.100', phase: 'completed', at: at(5), runKey: 'r' }
        : null,
    agents:
      role === 'primary'
        ? [
            { name: 'APP01', version, online: true },
            { name: 'APP02', version: '7.2.100', online: true },
          ]
        : null,
  };
  return stageRecord('status', role, 0, 1, {
    status: ok ? 'succeeded' : 'failed',
    data: ok ? { status } : {},
  });
}

describe('the fleet view (status)', () => {
  test('one row per node, the drift from the newest version, missing nodes named; the pie parses', async () => {
    const folder = tempDir('status');
    const write = (env: string, record: StageRecord) => {
      const dir = join(folder, `jams-status-${env}-${record.role}-attempt-1`, `status-${record.role}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'record.json'), JSON.stringify(record));
    };
    write('dev', statusRecord('primary', '7.4.0'));
    write('dev', statusRecord('secondary', '7.4.0'));
    write('test', statusRecord('primary', '7.2.100'));
    // An environment whose name ends like a role still parses: the role and attempt are the fixed suffix.
    write('eu-primary', statusRecord('primary', '7.10.1'));
    const s = buildStatus(readRecords(folder).records, ['dev', 'test', 'eu-primary'], at(10));
    expect(s.newest).toBe('7.10.1');
    expect(s.nodes.map((n) => [n.environment, n.role, n.read, n.drift])).toEqual([
      ['dev', 'primary', 'read', 'behind 7.10.1'],
      ['dev', 'secondary', 'read', 'behind 7.10.1'],
      ['test', 'primary', 'read', 'behind 7.10.1'],
      ['test', 'secondary', 'missing', 'unknown'],
      ['eu-primary', 'primary', 'read', 'newest'],
      ['eu-primary', 'secondary', 'missing', 'unknown'],
    ]);
    const markdown = renderStatus(s);
    expect(markdown).toMatch(
      /\| dev \| primary \| JAMS-PRI \| 7\.4\.0 \| Running \| \*\*behind 7\.10\.1\*\* \| 7\.4\.0 x1, 7\.2\.100 x1 \| completed to 7\.4\.0 at /,
    );
    expect(markdown).toMatch(/\| test \| secondary \| {2}\| no record \|/);
    const blocks = mermaidBlocks(markdown);
    expect(blocks).toHaveLength(1);
    expect(await parseMermaid(blocks[0]?.text ?? '')).toEqual({ ok: true, type: 'pie' });
    expect(statusOfArtifact('jams-status-eu-primary-secondary-attempt-2')).toEqual({
      environment: 'eu-primary',
      role: 'secondary',
    });
  });
});
