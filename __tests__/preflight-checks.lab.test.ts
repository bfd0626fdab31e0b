import { beforeEach, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { editLab, injectFault, labPath, writeLabInstaller } from '../lab/control.js';
import { describeOnPosix, runStage, freshLab } from './helpers/run-stage.js';

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

describeOnPosix("the installer's kind, read from its bytes before anything changes", () => {
  const withInstaller = () => {
    const installer = writeLabInstaller(lab, '7.4.0');
    return { 'installer-path': installer.windowsPath, 'installer-sha256': installer.sha256 };
  };

  test('the lab installer is a Burn bundle: preflight records it, and the default arguments suit it', async () => {
    const r = await preflight({ 'target-version': '7.4.0', ...withInstaller() });
    expect(r.record.failure).toBeUndefined();
    expect(r.record.data['installerKind']).toEqual({
      path: '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe',
      kind: 'burn',
      evidence: 'a PE with a .wixburn section (sections .text, .rdata, .wixburn, .rsrc)',
      sections: ['.text', '.rdata', '.wixburn', '.rsrc'],
      arguments: '/quiet /norestart /log {log}',
      input: 'installer-arguments',
      suits: true,
    });
    // The kind joins the host's contract verdicts, so a first dry-run shows it beside them.
    expect(r.record.data['contract']).toContainEqual(
      expect.objectContaining({
        id: 'installer-kind',
        holds: true,
        seen: expect.stringMatching(/^burn \(a PE/),
      }),
    );
    expect(r.stdout).toMatch(
      /JAMS installer .*JAMS-7\.4\.0-setup\.exe: a WiX Burn bundle \(a PE with a \.wixburn/,
    );
    const summary = readFileSync(`${dirname(r.outputs['record-path'] ?? '')}/summary.md`, 'utf8');
    expect(summary).toMatch(
      /Installer kind.*<td>burn<\/td>.*installer-arguments: \/quiet \/norestart \/log \{log\}/s,
    );
  });

  test('an InstallShield setup (fault installer-kind-installshield) refuses the default arguments, nothing changed', async () => {
    injectFault(lab, 'installer-kind-installshield');
    const r = await preflight({ 'target-version': '7.4.0', ...withInstaller() });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure).toEqual({
      message:
        'The JAMS installer \\\\fileserver\\jams\\JAMS-7.4.0-setup.exe on JAMS-PRI (primary) is an InstallShield setup ' +
        '(a PE whose data after its last section (at 0x800) begins with the header ISSetupStream), and ' +
        "installer-arguments is '/quiet /norestart /log {log}': InstallShield's Setup.exe does not take /quiet, /log " +
        "(Burn's or msiexec's).",
      hostState: 'Nothing was changed.',
      nextStep: expect.stringMatching(
        /^InstallShield's Setup\.exe is silent with \/s .* \/s \/v"\/qn \/norestart \/l\*v C:\\Temp\\jams-setup\.log"\. installer-arguments cannot carry that yet .* Then re-run preflight\.$/,
      ),
    });
    expect(r.record.data['installerKind']).toMatchObject({ kind: 'installshield', suits: false });
    // Before the Log On As record and the staged copy: nothing was written on the host.
    expect(r.record.actions).toEqual([]);
    expect(existsSync(labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade'))).toBe(false);
  });
});

test('preflight (primary) lists the hosts the agents stage will reach, for the downtime gate; agent-hosts-allowed bounds them', async () => {
  const agents = { 'target-version': '7.4.0', agents: 'all', clients: 'ws01.corp.example' };
  const r = await preflight(agents);
  expect(r.exitCode).toBe(0);
  // Deploy upgrades APP01, APP02 (Windows) and LNX01 (AgentX); FILE01 has no deploy job, DESK01 is incoming, SFTP01 SSH.
  expect(r.outputs['agent-hosts']).toBe(
    'app01.corp.example, app02.corp.example, lnx01.corp.example, ws01.corp.example',
  );
  const summary = readFileSync(`${runs}/preflight-primary/summary.md`, 'utf8');
  expect(summary).toContain('The hosts the agents stage will reach');
  expect(summary).toMatch(/app01\.corp\.example \| agent APP01 \| its deploy job/);
  expect(summary).toMatch(
    /ws01\.corp\.example \| clients input \| WinRM, the JAMS installer \| any host \(no list\)/,
  );

  const bounded = await preflight({ ...agents, 'agent-hosts-allowed': 'app0?.corp.example, ws*' });
  expect(bounded.exitCode).toBe(1);
  expect(bounded.record.failure?.message).toBe(
    '1 host(s) the agents stage would reach are not in agent-hosts-allowed (app0?.corp.example, ws*): ' +
      'lnx01.corp.example (agent LNX01).',
  );
  // Refused before preflight's durable writes (the Log On As record, the staged installer).
  expect(bounded.record.actions).toEqual([]);

  const none = await preflight({ 'target-version': '7.4.0' });
  expect(none.outputs['agent-hosts']).toBe('none');
});
