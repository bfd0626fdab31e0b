import { describe, expect, test } from '@jest/globals';
import { getSettings, InputError } from '../src/inputs.js';
import { problemsWith, settingsWith } from './helpers/inputs.js';

describe('inputs', () => {
  test('defaults make a usable primary preflight', () => {
    const s = settingsWith({ stage: 'preflight' });
    expect(s).toMatchObject({
      stage: 'preflight',
      role: 'primary',
      dryRun: false,
      runFolder: '/runner/temp/jams-upgrade',
      installFolder: 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler',
      serviceTimeoutMs: 180_000,
      labFolder: null,
    });
    expect(s.serviceCandidates.server).toEqual(['JAMSServer', 'JAMSHost']);
  });

  test("the order: the vendor's by default; resume-after-primary and its resume gate only when asked", () => {
    expect(settingsWith({ stage: 'preflight' })).toMatchObject({
      order: 'vendor',
      resumeGate: 'after-agents',
    });
    expect(
      settingsWith({
        stage: 'upgrade',
        'installer-path': 'D:\\JAMS.exe',
        'installer-sha256': 'A'.repeat(64),
        order: 'resume-after-primary',
        'resume-gate': 'after-primary',
      }),
    ).toMatchObject({ order: 'resume-after-primary', resumeGate: 'after-primary' });
    expect(problemsWith({ stage: 'preflight', order: 'primary-first' })).toEqual([
      "input 'order' has the value 'primary-first': use vendor (the vendor's order, the default) or " +
        "resume-after-primary (the primary back before the secondary's install; a deviation to rehearse on a test " +
        'pair first, docs/upgrade.md).',
    ]);
    expect(problemsWith({ stage: 'preflight', 'resume-gate': 'never' })).toEqual([
      "input 'resume-gate' has the value 'never': use after-agents (approve resume after the whole upgrade) or " +
        'after-primary (with order: resume-after-primary).',
    ]);
    // The vendor's order upgrades the secondary inside the downtime: jobs cannot resume after the primary alone.
    expect(problemsWith({ stage: 'preflight', 'resume-gate': 'after-primary' })).toEqual([
      expect.stringMatching(
        /^input 'resume-gate' has the value 'after-primary' but 'order' is 'vendor': .* Use resume-gate: after-agents, or order: resume-after-primary\.$/,
      ),
    ]);
  });

  test('a service name override replaces the candidates', () => {
    const s = settingsWith({ stage: 'stop', 'server-service': 'JAMSHost' });
    expect(s.serviceCandidates.server).toEqual(['JAMSHost']);
  });

  test('every bad input is named in one error with its value and the fix', () => {
    let error: unknown;
    try {
      settingsWith({ stage: 'upgrad', role: 'tertiary', 'dry-run': 'yes', 'service-timeout-seconds': '2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(/input 'stage' has the value 'upgrad': use one of: gates, preflight, .*verify/);
    expect(message).toMatch(/input 'role' has the value 'tertiary': use primary or secondary/);
    expect(message).toMatch(/input 'dry-run' has the value 'yes': use true or false/);
    expect(message).toMatch(/input 'service-timeout-seconds' has the value '2': use 5 to 3600/);
  });

  test('a missing stage says which values it takes', () => {
    expect(() => settingsWith({})).toThrow(/input 'stage' is empty: set it to one of gates, preflight/);
  });

  test('config file patterns are read one per line or comma-separated, and must be plain names', () => {
    expect(
      settingsWith({ stage: 'preflight', 'config-files': 'JAMSHost.exe.config\nA.config, B.config' })
        .configPatterns,
    ).toEqual(['JAMSHost.exe.config', 'A.config', 'B.config']);
    expect(() => settingsWith({ stage: 'preflight', 'config-files': '..\\..\\secrets.txt' })).toThrow(
      /input 'config-files'/,
    );
  });
});

describe('the rollback inputs', () => {
  test('reinstall always allows the downgrade and reads uninstall-first; the upgrade keeps its default', () => {
    const installer = { 'installer-path': 'D:\\JAMS-7.2.100.exe', 'installer-sha256': 'a'.repeat(64) };
    const s = settingsWith({
      stage: 'reinstall',
      'target-version': '7.2.100',
      'uninstall-first': 'true',
      ...installer,
    });
    expect(s.upgrade).toMatchObject({ allowDowngrade: true, uninstallFirst: true });
    expect(settingsWith({ stage: 'upgrade', ...installer }).upgrade).toMatchObject({
      allowDowngrade: false,
      uninstallFirst: false,
    });
    expect(settingsWith({ stage: 'report', pipeline: 'rollback' }).pipeline).toBe('rollback');
  });

  test('restore, reinstall and the primary preflight of a rollback need the version to return to', () => {
    expect(problemsWith({ stage: 'restore' })).toEqual([
      expect.stringMatching(
        /^input 'target-version' is empty: the rollback's restore stage needs the version/,
      ),
    ]);
    expect(problemsWith({ stage: 'reinstall', 'target-version': '7.2.100' })).toEqual([
      "input 'installer-path' is empty: the reinstall stage needs it to check the JAMS installer.",
      "input 'installer-sha256' is empty: the reinstall stage needs it to check the JAMS installer.",
    ]);
    expect(problemsWith({ stage: 'preflight', pipeline: 'rollback' })).toHaveLength(1);
    expect(problemsWith({ stage: 'preflight', role: 'secondary', pipeline: 'rollback' })).toEqual([]);
    expect(problemsWith({ stage: 'preflight', pipeline: 'sideways' })).toEqual([
      "input 'pipeline' has the value 'sideways': use upgrade or rollback (the workflow this stage runs in).",
    ]);
  });
});

describe('the gate inputs', () => {
  test('gates needs gate-environment; allow-unprotected-gates is false unless true', () => {
    expect(settingsWith({ stage: 'gates', 'gate-environment': 'production' }).gates).toEqual({
      environment: 'production',
      allowUnprotected: false,
    });
    expect(
      settingsWith({ stage: 'gates', 'gate-environment': 'prod', 'allow-unprotected-gates': 'true' }).gates,
    ).toEqual({ environment: 'prod', allowUnprotected: true });
    // In a GitHub Actions run it is refused at the door; a local rehearsal may leave it out (nothing is checked).
    const saved = { ...process.env };
    process.env['INPUT_STAGE'] = 'gates';
    try {
      expect(() => getSettings({ RUNNER_TEMP: '/runner/temp', GITHUB_ACTIONS: 'true' })).toThrow(
        "Invalid input: input 'gate-environment' is empty: the gates stage needs the name of the protected " +
          "environment whose required reviewers approve the gates (the reusable workflow's environment).",
      );
    } finally {
      process.env = saved;
    }
    expect(problemsWith({ stage: 'gates' })).toEqual([]);
    expect(settingsWith({ stage: 'gates' }).gates.environment).toBeNull();
    expect(
      problemsWith({ stage: 'gates', 'gate-environment': 'prod', 'allow-unprotected-gates': 'yes' }),
    ).toEqual(["input 'allow-unprotected-gates' has the value 'yes': use true or false."]);
    expect(problemsWith({ stage: 'gates', 'gate-environment': 'prod\nuction' })).toEqual([
      expect.stringMatching(
        /^input 'gate-environment' has the value "prod\\nuction": give the name of the GitHub/,
      ),
    ]);
  });

  test("gate-protection: the gates job's verdict, empty when not known", () => {
    expect(settingsWith({ stage: 'preflight' }).gateProtection).toBeNull();
    for (const value of ['protected', 'unprotected', 'unchecked'] as const) {
      expect(settingsWith({ stage: 'preflight', 'gate-protection': value }).gateProtection).toBe(value);
    }
    expect(problemsWith({ stage: 'preflight', 'gate-protection': 'maybe' })).toEqual([
      "input 'gate-protection' has the value 'maybe': pass the gates job's gate-protection output (protected, " +
        'unprotected, unchecked), or leave it empty.',
    ]);
  });
});
