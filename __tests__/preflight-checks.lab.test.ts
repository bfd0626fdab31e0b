import { beforeEach, expect, test } from '@jest/globals';

import { editLab, injectFault } from '../lab/control.js';
import { runStage, freshLab } from './helpers/run-stage.js';

// The procedure's notes as preflight checks, through real pwsh against the lab.
let lab: string;
let runs: string;

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

const preflight = (extra: Record<string, string>) =>
  runStage(lab, runs, { stage: 'preflight', role: 'primary', ...extra });

test('the Message Queue note fires for 7.2.100 -> 7.4.0 as a warning annotation, with the queue permissions', async () => {
  const r = await preflight({ 'target-version': '7.4.0' });
  expect(r.exitCode).toBe(0);
  expect(r.record.data['mqNote']).toEqual({ applies: true, from: '7.2.100', to: '7.4.0' });
  expect(r.stdout).toMatch(
    /::warning::Upgrading JAMS from 7\.2\.100 to 7\.4\.0 crosses 7\.3\.338: review the Message Queue permissions/,
  );
  expect(r.record.warnings.join('\n')).toMatch(
    /peer's machine account \(such as JAMS-SEC\$\).*On this host: private\$\\jamsrequests: Send Message for NT AUTHORITY\\SYSTEM, CORP\\svc-jams;/,
  );
  expect(r.record.data['queuePermissions']).toMatchObject({
    available: true,
    queues: [
      { name: 'jamsrequests', exists: true },
      { name: 'jamsrequestssubmitcancel', exists: true },
    ],
  });
});

test('the note does not fire for 7.3.400 -> 7.4.0', async () => {
  editLab(lab, (s) => (s.nodes.primary.version = '7.3.400'));
  const r = await preflight({ 'target-version': '7.4.0' });
  expect(r.exitCode).toBe(0);
  expect(r.record.data['mqNote']).toEqual({ applies: false, from: '7.3.400', to: '7.4.0' });
  expect(r.stdout).not.toMatch(/crosses 7\.3\.338/);
  expect(r.record.warnings).toEqual([]);
});

test('free space is reported for the installer and the backup folder', async () => {
  const r = await preflight({ 'backup-path': '\\\\FILES\\backup\\jams' });
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/free space: C:\\ 80\.0 GB \(the installer; at least 10 GB needed\)/);
  expect(r.stdout).toMatch(/free space: \\\\FILES\\backup 500\.0 GB \(the backup/);
});

test('too little free space fails preflight with the drive, the space and the fix', async () => {
  injectFault(lab, 'low-disk');
  const r = await preflight({});
  expect(r.exitCode).toBe(1);
  expect(r.record.failure?.message).toMatch(
    /Not enough free space on JAMS-PRI \(primary\): C:\\ has 1\.0 GB free for the installer/,
  );
  expect(r.record.failure?.nextStep).toMatch(/min-free-gb/);
});

test('a backup share that cannot be read is a warning, not a failure', async () => {
  const r = await preflight({ 'backup-path': '\\\\NOWHERE\\share' });
  expect(r.exitCode).toBe(0);
  expect(r.record.warnings.join('\n')).toMatch(
    /free space of \\\\NOWHERE\\share \(the backup\) could not be read/,
  );
});
