import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { editLab, injectFault, readLab, setTiming, writeLabInstaller } from '../lab/control.js';
import type { EntryHistory } from '../src/host/host-types.js';
import type { PowerShellHost } from '../src/host/powershell-host.js';
import { judgeContract } from '../src/jams/contract.js';
import { SERVICE_NAME_CANDIDATES } from '../src/jams/unverified.js';
import { describeOnPosix, freshLab, labHost, tempDir } from './helpers/run-stage.js';

// The soak's host calls against the lab: Get-JuEntryHistory over the lab's job stream (History.Find), and the executing
// entries' start and average.
let lab: string;
let host: PowerShellHost;

beforeEach(async () => {
  ({ lab } = await freshLab());
  host = labHost(lab);
});

afterEach(() => host.close());

/**
 * The lab's rule (lab/ps/modules/JAMS/MVPSI.JAMS.cs History.Find): completion k ends at k * period and fails when
 * k % 25 == 0, or, from `degradedFrom` on, when k is even; counted in [from, to), as Get-JuEntryHistory counts.
 */
function expected(from: number, to: number, period: number, degradedFrom: number | null = null) {
  let completed = 0;
  let failed = 0;
  for (let k = Math.ceil(from / period); k * period < to; k++) {
    completed++;
    if (k % 25 === 0 || (degradedFrom !== null && k * period >= degradedFrom && k % 2 === 0)) failed++;
  }
  return { completed, failed };
}

const iso = (ms: number) => new Date(ms).toISOString();
const window = (from: number, to: number) => host.entryHistory('localhost', iso(from), iso(to));

describe('Get-JuEntryHistory: the completions of a window by final severity', () => {
  test('a past window counts its completions and the baseline failures, each once across consecutive windows', async () => {
    // A 10 s window at 200 ms that ended a minute ago, on a 5 s boundary: completions 25m..25m+49, two of them failing.
    const to = Math.floor((Date.now() - 60_000) / 5000) * 5000;
    const from = to - 10_000;
    const r: EntryHistory = await window(from, to);
    expect(r).toEqual({
      from: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      to: expect.any(String),
      completed: 50,
      failed: 2,
      bySeverity: { Success: 48, Info: 0, Warning: 0, Error: 2, Fatal: 0 },
    });
    expect([Date.parse(r.from), Date.parse(r.to)]).toEqual([from, to]);
    expect(r).toMatchObject(expected(from, to, 200));

    // Not on a boundary, and split in two: [from, to) counts each completion once.
    const odd = from + 37;
    const middle = from + 4_999;
    const [first, second, whole] = await Promise.all([
      window(odd, middle),
      window(middle, to),
      window(odd, to),
    ]);
    expect(first).toMatchObject(expected(odd, middle, 200));
    expect(second).toMatchObject(expected(middle, to, 200));
    expect(first.completed + second.completed).toBe(whole.completed);
    expect(first.failed + second.failed).toBe(whole.failed);

    // The history holds nothing that has not completed yet; the stream follows timing.historyPeriodMs.
    const now = Date.now();
    expect((await window(now + 1_000, now + 60_000)).completed).toBe(0);
    setTiming(lab, { historyPeriodMs: 1000 });
    expect(expected(from, to, 1000).completed).toBe(10);
    expect(await window(from, to)).toMatchObject(expected(from, to, 1000));
  });

  test('refuses a time without its zone, a culture-formatted time and a window that ends before it starts', async () => {
    const now = Date.now();
    await expect(host.entryHistory('localhost', '2024-05-01T10:00:00', iso(now))).rejects.toThrow(
      /From '2024-05-01T10:00:00(\.0+)?' is not an ISO 8601 time with its zone/,
    );
    await expect(host.entryHistory('localhost', iso(now - 1000), '05/01/2024 10:00:00')).rejects.toThrow(
      /To '05\/01\/2024 10:00:00' is not an ISO 8601 time/,
    );
    await expect(window(now, now - 1000)).rejects.toThrow(/The window ends .* before it starts/);
    await expect(host.entryHistory('JAMS::x', iso(now - 1000), iso(now))).rejects.toThrow(/not a plain name/);
    // An offset is a zone: read as the same instant.
    const to = Math.floor((now - 60_000) / 1000) * 1000;
    const plusTwo = new Date(to + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(Date.parse((await host.entryHistory('localhost', iso(to - 2000), plusTwo)).to)).toBe(to);
  });

  test("the contract's history probe: History.Find answers with the assumed shape, in the window asked", async () => {
    const observed = await host.contract('localhost', 'Maintenance_Window', []);
    expect(observed.history).toMatchObject({ ok: true, observed: { count: expect.any(Number) } });
    if (!observed.history?.ok) throw new Error('no history probe');
    const h = observed.history.observed;
    expect(Date.parse(h.to) - Date.parse(h.from)).toBe(15 * 60_000);
    // 15 minutes at 200 ms: 4500 completions, give or take the one on an end.
    expect(Math.abs(h.count - 4500)).toBeLessThanOrEqual(1);
    expect(h.first.members).toEqual(
      expect.arrayContaining(['JAMSEntry', 'JobName', 'FinalSeverity', 'CompletionTimeUTC']),
    );
    const verdict = judgeContract(observed, {
      serviceCandidates: SERVICE_NAME_CANDIDATES,
      resource: 'Maintenance_Window',
      server: 'localhost',
    }).find((v) => v.id === 'history');
    expect(verdict).toMatchObject({
      holds: true,
      seen: expect.stringMatching(/^members: .*; 4\d{3} completed from/),
    });
  });
});

describeOnPosix(
  'the fault failure-rate: every second completion fails once the new version is on the primary',
  () => {
    test('half the completions after the install fail, the baseline before it; without the fault, the baseline', async () => {
      injectFault(lab, 'failure-rate');
      setTiming(lab, { historyPeriodMs: 50 });
      const installer = writeLabInstaller(lab, '7.3.500');
      const before = Date.now();
      const started = await host.startInstaller(
        installer.windowsPath,
        ['/quiet', '/norestart', '/log', '{log}'],
        installer.sha256,
        join(tempDir('history-install'), 'install.log'),
      );
      for (
        let i = 0;
        i < 300 && (await host.installerStatus(started.processId, started.startedAt)).running;
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      const state = readLab(lab);
      expect(state.nodes.primary.version).toBe('7.3.500');
      const at = state.newVersionOnPrimaryAt ?? 0;
      expect(at).toBeGreaterThan(before);
      // Three seconds on the new version.
      await new Promise((r) => setTimeout(r, Math.max(0, at + 3_100 - Date.now())));

      const after = await window(at, at + 3_000);
      expect(after).toMatchObject(expected(at, at + 3_000, 50, at));
      expect(after.completed).toBe(60);
      expect(after.failed / after.completed).toBeGreaterThanOrEqual(0.5);
      expect(after.failed / after.completed).toBeLessThan(0.55);
      expect(after.bySeverity.Error).toBe(after.failed);
      const earlier = await window(at - 3_000, at);
      expect(earlier).toMatchObject(expected(at - 3_000, at, 50));
      expect(earlier.failed).toBeLessThanOrEqual(3);

      editLab(lab, (s) => (s.failureRateAfterUpgrade = false));
      expect(await window(at, at + 3_000)).toMatchObject(expected(at, at + 3_000, 50));
    });
  },
);

describe('the executing entries carry their start and their job average', () => {
  test('startedAt (UTC, ISO 8601) and averageSeconds; null for a job with no average', async () => {
    injectFault(lab, 'stuck-job');
    const quickStart = Date.now() - 1_000;
    editLab(lab, (s) => {
      s.entries.push({
        id: 1003,
        name: 'Quick-Check',
        state: 'Executing',
        runsForMs: 300,
        startAt: null,
        finishAt: null,
        startedAt: quickStart,
      });
    });
    const stuck = readLab(lab).entries.find((e) => e.name === 'Nightly-Billing');
    const entries = await host.executingEntries('localhost');
    const billing = entries.find((e) => e.name === 'Nightly-Billing');
    expect(billing).toEqual({
      entry: '1001',
      name: 'Nightly-Billing',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      averageSeconds: 3,
    });
    expect(Date.parse(billing?.startedAt ?? '')).toBe(stuck?.startedAt);
    const quick = entries.find((e) => e.name === 'Quick-Check');
    expect(quick).toMatchObject({ entry: '1003', averageSeconds: null });
    expect(Date.parse(quick?.startedAt ?? '')).toBe(quickStart);
  });
});
