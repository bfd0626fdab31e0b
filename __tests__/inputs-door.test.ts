import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  jamsAgentName,
  windowsFile,
  windowsFileWith,
  windowsFolder,
  windowsPath,
} from '../src/input-schemas.js';
import { InputError } from '../src/inputs.js';
import type { Settings } from '../src/settings.js';
import { powerShellHost, type HostFactory } from '../src/main.js';
import { problemsWith, settingsWith } from './helpers/inputs.js';
import { runStage } from './helpers/run-stage.js';

// Bad input is refused at the door: before any folder is written and before PowerShell starts.

const made: string[] = [];
const emptyDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `ju-door-${prefix}-`));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs the action's run() as the runner would, with the lab pointed at an empty folder and a host factory that tells. */
async function runAction(inputs: Record<string, string>) {
  const lab = emptyDir('lab');
  const runs = emptyDir('run');
  let hostStarted = false;
  const host: HostFactory = (settings, transcript) => {
    hostStarted = true;
    return powerShellHost(settings, transcript);
  };
  const r = await runStage(lab, runs, inputs, { host });
  // Workflow commands escape %, CR and LF; undo that to read the message as a user would.
  const stdout = r.stdout.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { exitCode: r.exitCode, stdout, hostStarted, lab: readdirSync(lab), runs: readdirSync(runs) };
}

/** How a refusal quotes a value: as given, or as JSON when it holds a line break. */
const quoted = (value: string): string => (/[\r\n\t]/.test(value) ? JSON.stringify(value) : `'${value}'`);

/** The same hostile forms for every host path; `leaf` keeps a file input's own ending, so only the form is wrong. */
const hostilePaths = (leaf: string): [string, string][] => [
  ['a relative path', `Backups\\JAMS${leaf}`],
  ['.. segments', `C:\\JAMS\\..\\..\\Windows\\System32${leaf}`],
  ['a . segment', `C:\\JAMS\\.\\Scheduler${leaf}`],
  ['a single quote', `C:\\JAMS\\x'; Remove-Item pwned #${leaf}`],
  ['a double quote', `C:\\JAMS\\x" & calc${leaf}`],
  ['$()', `C:\\JAMS\\$(New-Item pwned)${leaf}`],
  ['a backtick', `C:\\JAMS\\x\`ny${leaf}`],
  ['a newline', `C:\\JAMS\nD:\\Other${leaf}`],
  [']', `C:\\JAMS\\[x]${leaf}`],
  ['an over-long value', `C:\\${'Folder\\'.repeat(40)}x${leaf}`],
  ['a forward slash', `C:/JAMS${leaf}`],
  ['a device name', `C:\\JAMS\\CON${leaf}`],
  ['an IPv4 UNC server', `\\\\10.0.0.5\\jams${leaf}`],
  ['an IPv4 UNC server in another form Windows parses', `\\\\167772165\\jams${leaf}`],
  ['an IPv6 literal UNC server', `\\\\fe80--1.ipv6-literal.net\\jams${leaf}`],
];

const HOST_PATHS: Record<string, string> = {
  'install-folder': '',
  'state-folder': '',
  'backup-path': '',
  'installer-path': '\\JAMS-7.4.0-setup.exe',
  'snapshot-script': '\\snapshot.ps1',
  'restore-backup-file': '\\JAMS_run-1.bak',
  'client-installer-path': '\\JAMS-7.4.0-setup.exe',
  'file-share-root': '',
};

/** The same hostile forms for every name. `over` is one character past the input's limit. */
const hostileNames = (over: string): [string, string][] => [
  ['a space', 'JAMS Scheduler'],
  ['a single quote', "JAMS'; Stop-Computer #"],
  ['a double quote', 'JAMS"x'],
  ['$()', 'JAMS$(New-Item pwned)'],
  ['a backtick', 'JAMS`nx'],
  ['a newline', 'JAMS\nx'],
  [']', 'JAMS]x'],
  ['an over-long value', over],
];

/** A host name of `length` characters made of valid labels, so only its length is wrong. */
const longHost = (length: number): string => `${'a'.repeat(60)}.`.repeat(5).slice(0, length - 1) + 'z';

const NAMES: Record<string, string> = {
  'scheduler-service': 'S'.repeat(81),
  'server-service': 'S'.repeat(81),
  'executor-service': 'S'.repeat(81),
  'maintenance-resource': 'M'.repeat(65),
  'jams-server': longHost(254),
  'sql-server': longHost(254),
};

/** The name lists (one per line or comma-separated): a line break separates two names, so it is no hostile form. */
const LISTS: Record<string, string> = {
  agents: 'A'.repeat(65),
  clients: longHost(254),
};

/**
 * A SQL sysname may hold spaces, quotes and ] (it only travels as a T-SQL parameter), so for the database and the
 * SQL login only the newline and the length are refused; the rest must be accepted.
 */
const SYSNAMES = ['sql-database', 'sql-user'] as const;
const SYSNAME_REFUSED = new Set(['a newline', 'an over-long value']);

const refusals: [string, string, string][] = [
  ...Object.entries(HOST_PATHS).flatMap(([input, leaf]) =>
    hostilePaths(leaf).map(([form, value]): [string, string, string] => [input, form, value]),
  ),
  ...['run-folder', 'records-folder'].flatMap((input): [string, string, string][] => [
    [input, 'a newline', 'runs\nx'],
    [input, 'a control character', 'runs\tx'],
    [input, 'an over-long value', `runs/${'r'.repeat(400)}`],
  ]),
  ...Object.entries(NAMES).flatMap(([input, over]) =>
    hostileNames(over).map(([form, value]): [string, string, string] => [input, form, value]),
  ),
  ...Object.entries(LISTS).flatMap(([input, over]) =>
    hostileNames(over)
      .filter(([form]) => form !== 'a newline')
      .map(([form, value]): [string, string, string] => [input, form, value]),
  ),
  ...SYSNAMES.flatMap((input) =>
    hostileNames('D'.repeat(129))
      .filter(([form]) => SYSNAME_REFUSED.has(form))
      .map(([form, value]): [string, string, string] => [input, form, value]),
  ),
];

describe('bad input is refused at the door', () => {
  test.each(refusals)(
    '%s with %s is refused, naming the input and the value; nothing is written',
    async (input, _form, value) => {
      const r = await runAction({ stage: 'preflight', role: 'primary', [input]: value });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain(`input '${input}' has the value ${quoted(value)}: `);
      expect({ hostStarted: r.hostStarted, lab: r.lab, runs: r.runs }).toEqual({
        hostStarted: false,
        lab: [],
        runs: [],
      });
      if (input === 'run-folder' || input === 'records-folder')
        expect(existsSync(resolve(value))).toBe(false);
    },
  );

  test('the same driver sees a run that gets past the inputs, so the checks above can fail', async () => {
    const r = await runAction({ stage: 'preflight', role: 'primary', 'install-folder': 'D:\\JAMS' });
    expect(r.hostStarted).toBe(true);
    expect(r.runs).toEqual(['preflight-primary']);
  });

  test('a refusal says what is wrong, then the expected form', async () => {
    const r = await runAction({
      stage: 'backup',
      role: 'primary',
      'backup-path': 'C:\\Backups\\..\\Windows',
    });
    expect(r.stdout).toContain(
      "input 'backup-path' has the value 'C:\\Backups\\..\\Windows': it has a '..' segment; " +
        'give an absolute folder such as D:\\Backups\\JAMS or a UNC share such as \\\\FILES\\backup\\jams.',
    );
  });

  test('every refused input is listed in one error', () => {
    const error = refusedBy({
      stage: 'upgrade',
      'install-folder': 'Program Files\\JAMS',
      'state-folder': 'C:\\State\\$(x)',
      'installer-path': '\\\\fileserver\\jams\\setup.bat',
      'snapshot-script': 'C:\\Hooks\\snapshot.txt',
      'jams-server': 'jams 01',
      'installer-sha256': 'A'.repeat(64),
    });
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^input 'install-folder' .*: it is not absolute; give an absolute Windows path such as C:\\Program/,
      ),
      expect.stringMatching(/^input 'state-folder' .*: it contains \$, which PowerShell reads as a variable/),
      expect.stringMatching(/^input 'jams-server' has the value 'jams 01': give a host name/),
      expect.stringMatching(/^input 'snapshot-script' .*: it does not end in \.ps1; give the absolute path/),
      expect.stringMatching(
        /^input 'installer-path' .*: it does not end in \.exe or \.msi; give the absolute/,
      ),
    ]);
  });

  test('a list is quoted as given, and the names it refuses are named', () => {
    expect(refusedBy({ stage: 'agents', agents: 'APP01, APP 02\nLNX01\n$(x)' }).problems).toEqual([
      "input 'agents' has the value \"APP01, APP 02\\nLNX01\\n$(x)\": 'APP 02', '$(x)' are refused; give agent names " +
        'as the JAMS Client shows them (letters, digits, _ . and -), patterns with * and ?, or all; one per line or ' +
        'comma-separated.',
    ]);
  });

  test('a very long value is shown shortened, with its length', () => {
    const value = `C:\\${'x'.repeat(4997)}`;
    const [problem = ''] = refusedBy({ stage: 'preflight', 'install-folder': value }).problems;
    expect(problem).toContain(`'C:\\${'x'.repeat(197)}...' (5000 characters): it has 5000 characters`);
    expect(problem.length).toBeLessThan(500);
  });
});

/** getSettings with these inputs only; the error it must throw. */
function refusedBy(inputs: Record<string, string>): InputError {
  try {
    settingsWith(inputs);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('the inputs were accepted');
}

/** Where each input lands in Settings, to prove an accepted value arrives unchanged. */
const SETTING: Record<string, (s: Settings) => unknown> = {
  'install-folder': (s) => s.installFolder,
  'state-folder': (s) => s.stateFolder,
  'backup-path': (s) => s.backupPath,
  'installer-path': (s) => s.upgrade.installerPath,
  'snapshot-script': (s) => s.snapshot.script,
  'restore-backup-file': (s) => s.restore.backupFile,
  'client-installer-path': (s) => s.agents.clientInstaller.path,
  agents: (s) => s.agents.patterns.join(' | '),
  clients: (s) => s.agents.clients.join(' | '),
  'run-folder': (s) => s.runFolder,
  'records-folder': (s) => s.report.recordsFolder,
  'scheduler-service': (s) => s.serviceCandidates.scheduler[0],
  'server-service': (s) => s.serviceCandidates.server[0],
  'executor-service': (s) => s.serviceCandidates.executor[0],
  'maintenance-resource': (s) => s.maintenance.resource,
  'jams-server': (s) => s.maintenance.jamsServer,
  'sql-server': (s) => s.database.server,
  'sql-database': (s) => s.database.name,
  'sql-user': (s) => s.database.user,
};

const accepted: [string, string][] = [
  ['install-folder', 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler'],
  ['install-folder', 'C:\\Program Files (x86)\\MVPSI\\JAMS\\Scheduler'],
  ['install-folder', 'D:\\JAMS\\Scheduler\\'],
  ['state-folder', 'C:\\ProgramData\\jams-upgrade'],
  ['state-folder', 'E:\\'],
  ['backup-path', 'D:\\Backups\\JAMS'],
  ['backup-path', '\\\\FILES\\backup\\jams'],
  ['backup-path', '\\\\FILES\\D$\\Backups'],
  ['backup-path', '\\\\files.corp.example\\jams$'],
  ['installer-path', 'D:\\Installers\\JAMS 7.3\\setup.exe'],
  ['installer-path', '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe'],
  ['installer-path', '\\\\fileserver\\jams\\JAMS.MSI'],
  ['snapshot-script', 'C:\\Hooks\\snapshot.ps1'],
  ['snapshot-script', '\\\\FILES\\hooks\\Snapshot-VM.PS1'],
  ['restore-backup-file', '\\\\FILES\\backup\\jams\\JAMS_run-1001.bak'],
  ['restore-backup-file', 'D:\\Backups\\JAMS full 2026-11-25.BAK'],
  ['client-installer-path', '\\\\fileserver\\jams\\JAMS-7.4.0-setup.exe'],
  ['agents', 'all'],
  ['agents', 'APP01'],
  ['agents', 'APP*'],
  ['agents', 'LNX-0?.prod'],
  ['clients', 'ws01.corp.example'],
  ['clients', 'WS02'],
  ['scheduler-service', 'JAMSScheduler'],
  ['server-service', 'JAMSHost'],
  ['executor-service', 'JAMS.Executor_2'],
  ['maintenance-resource', 'Maintenance_Window'],
  ['maintenance-resource', 'MaintenanceWindow'],
  ['jams-server', 'localhost'],
  ['jams-server', 'jams01.corp.example'],
  ['jams-server', 'JAMS_PRI'],
  ['sql-server', 'SQL01'],
  ['sql-server', 'SQL01\\JAMS'],
  ['sql-server', 'tcp:sql01.corp.example\\JAMS,1433'],
  ['sql-server', '(local)'],
  ['sql-server', '.'],
  ['sql-database', 'JAMS'],
  ...hostileNames('D'.repeat(128))
    .filter(([form]) => !SYSNAME_REFUSED.has(form))
    .flatMap(([, value]) => SYSNAMES.map((input): [string, string] => [input, value])),
  ['sql-database', 'D'.repeat(128)],
  ['sql-user', 'jams_backup'],
];

describe('good input passes unchanged', () => {
  test.each(accepted)('%s accepts %j', (input, value) => {
    const get = SETTING[input];
    if (!get) throw new Error(`no setting for ${input}`);
    // A backup to restore must lie under backup-path: give it its own folder.
    const folder: Record<string, string> =
      input === 'restore-backup-file' ? { 'backup-path': value.slice(0, value.lastIndexOf('\\')) } : {};
    expect(get(settingsWith({ stage: 'preflight', ...folder, [input]: value }))).toBe(value);
  });

  test.each([
    ['run-folder', 'jams-upgrade/runs'],
    ['run-folder', "../runs/it's $(here) `x` [1]"],
    ['records-folder', 'records'],
  ])(
    '%s, a runner folder, may be relative or hold any character but a control character: %j',
    (input, value) => {
      const get = SETTING[input];
      if (!get) throw new Error(`no setting for ${input}`);
      expect(get(settingsWith({ stage: 'report', [input]: value }))).toBe(resolve(value));
    },
  );

  test('a SQL login may not contain a backslash (that is a Windows login: use sql-auth windows)', () => {
    expect(refusedBy({ stage: 'backup', 'sql-user': 'CORP\\svc-jams' }).problems).toEqual([
      expect.stringMatching(/^input 'sql-user' has the value 'CORP\\svc-jams': give the SQL login name/),
    ]);
  });
});

describe('the trust boundary at the door', () => {
  test('an IP-literal UNC path says why: NTLM would go to whoever answers there', () => {
    expect(
      problemsWith({ stage: 'preflight', 'installer-path': '\\\\192.168.1.20\\jams\\JAMS.exe' }),
    ).toEqual([
      expect.stringMatching(
        /^input 'installer-path' has the value '.*': '192\.168\.1\.20' is an IP address: Windows would send the runner's NTLM credentials .* DNS name/,
      ),
    ]);
    for (const server of ['10.5', '0x0a.0.0.5', '[::1]', 'fe80::1', '::ffff:10.0.0.5']) {
      expect(windowsPath.safeParse(`\\\\${server}\\jams`).success).toBe(false);
    }
    for (const server of ['FILES', 'files01.corp.example', 'jams-2024', '2024-files']) {
      expect(windowsPath.safeParse(`\\\\${server}\\jams`).success).toBe(true);
    }
  });

  const ARGUMENTS = ['installer-arguments', 'client-installer-arguments'] as const;
  test.each(
    ARGUMENTS.flatMap((input) =>
      [
        ['/quiet /norestart /log {log} TRANSFORMS=\\\\x\\evil.mst', 'TRANSFORMS=\\\\x\\evil.mst'],
        ['transforms=evil.mst /quiet /norestart /log {log}', 'transforms=evil.mst'],
        ['/quiet /norestart /log {log} Patch=C:\\x.msp', 'Patch=C:\\x.msp'],
        ['/qn /norestart /l*v {log} /p C:\\x.msp', '/p'],
        ['/P C:\\x.msp /qn /norestart /l*v {log}', '/P'],
        ['/qn /norestart /l*v {log} /update C:\\x.msp', '/update'],
        ['/qn /norestart /l*v {log} -Update C:\\x.msp', '-Update'],
        ['/s /v/p C:\\x.msp /norestart /log {log}', '/v/p'],
        ['/s /vTRANSFORMS=x.mst /norestart /log {log}', '/vTRANSFORMS=x.mst'],
      ].map(([value, token]): [string, string, string] => [input, value as string, token as string]),
    ),
  )('%s %j is refused: it loads a file no hash covers', (input, value, token) => {
    expect(
      problemsWith({
        stage: 'upgrade',
        'installer-path': 'D:\\JAMS.exe',
        'installer-sha256': 'A'.repeat(64),
        [input]: value,
      }),
    ).toEqual([
      `input '${input}' has the value '${value}': leave out '${token}': transforms (TRANSFORMS=) and patches (PATCH=, ` +
        '/p, /update) load files that no SHA-256 covers, so only the installer whose hash was given may run.',
    ]);
  });

  test('/passive, /package and MSIPATCHREMOVE-free arguments still pass', () => {
    expect(
      settingsWith({
        stage: 'upgrade',
        'installer-path': 'D:\\JAMS.exe',
        'installer-sha256': 'A'.repeat(64),
        'installer-arguments': '/passive /norestart /log {log}',
      }).upgrade.installerArguments,
    ).toEqual(['/passive', '/norestart', '/log', '{log}']);
  });

  test('with file-share-root, installers and the backup to restore are read only under it', () => {
    const root = { stage: 'preflight', 'file-share-root': '\\\\FILES\\jams' };
    expect(problemsWith({ ...root, 'installer-path': '\\\\files\\JAMS\\7.4\\JAMS.exe' })).toEqual([]);
    expect(
      problemsWith({
        ...root,
        'installer-path': '\\\\FILES\\jamsx\\JAMS.exe',
        'client-installer-path': 'D:\\JAMS.exe',
        'restore-backup-file': '\\\\evil\\jams\\JAMS.bak',
      }),
    ).toEqual(
      expect.arrayContaining([
        "input 'installer-path' has the value '\\\\FILES\\jamsx\\JAMS.exe': it is not under file-share-root \\\\FILES\\jams, " +
          'the only place files are read from; put the file there, or change file-share-root (the JAMS_FILE_SHARE_ROOT ' +
          'variable of the hosts environment).',
        expect.stringMatching(
          /^input 'client-installer-path' has the value 'D:\\JAMS\.exe': it is not under/,
        ),
        expect.stringMatching(/^input 'restore-backup-file' .*: it is not under file-share-root/),
      ]),
    );
    expect(settingsWith(root).fileShareRoot).toBe('\\\\FILES\\jams');
    expect(settingsWith({ stage: 'preflight' }).fileShareRoot).toBeNull();
  });

  test('restore-backup-file is a .bak file under backup-path: one error names the input, the value and the fix', () => {
    const restore = { stage: 'restore', role: 'primary', 'target-version': '7.2.100' };
    const share = { 'backup-path': '\\\\FILES\\backup\\jams' };
    expect(
      problemsWith({
        ...restore,
        ...share,
        'restore-backup-file': '\\\\files\\BACKUP\\jams\\old\\JAMS_run-1.bak',
      }),
    ).toEqual([]);
    expect(
      problemsWith({
        ...restore,
        ...share,
        'restore-backup-file': '\\\\FILES\\backup\\jamsx\\JAMS_run-1.bak',
      }),
    ).toEqual([
      "input 'restore-backup-file' has the value '\\\\FILES\\backup\\jamsx\\JAMS_run-1.bak': it is not under backup-path " +
        "'\\\\FILES\\backup\\jams', where the backup stage writes the backups; name a .bak file the backup stage took " +
        '(under backup-path, the JAMS_BACKUP_PATH variable), or set backup-path to the folder it was taken to.',
    ]);
    expect(
      problemsWith({ ...restore, 'restore-backup-file': '\\\\FILES\\backup\\jams\\JAMS_run-1.bak' }),
    ).toEqual([expect.stringMatching(/^input 'restore-backup-file' has the value .*: backup-path is empty/)]);
    expect(
      problemsWith({ ...restore, ...share, 'restore-backup-file': '\\\\FILES\\backup\\jams\\evil.bak.json' }),
    ).toEqual([
      expect.stringMatching(/^input 'restore-backup-file' has the value .*: it does not end in \.bak; /),
    ]);
  });
});

describe('the schemas later inputs reuse', () => {
  test('a folder, a file, and a file with a required ending', () => {
    expect(windowsPath.safeParse('C:\\JAMS').success).toBe(true);
    expect(windowsFolder.safeParse('\\\\FILES\\share').success).toBe(true);
    expect(windowsFile.safeParse('\\\\FILES\\share').success).toBe(false);
    expect(windowsFile.safeParse('\\\\FILES\\share\\JAMS.bak').success).toBe(true);
    expect(windowsFile.safeParse('C:\\JAMS\\').success).toBe(false);
    const backupFile = windowsFileWith('.bak');
    expect(backupFile.safeParse('\\\\FILES\\backup\\JAMS_run-7.BAK').success).toBe(true);
    expect(backupFile.safeParse('\\\\FILES\\backup\\JAMS_run-7.bak.json').success).toBe(false);
  });

  test.each([
    ['AGENT01', true],
    ['app01.corp.example', true],
    ...hostileNames('A'.repeat(65)).map(([, value]): [string, boolean] => [value, false]),
    ['app01..corp', false],
    ['-app01', false],
  ])('the JAMS agent name %j is accepted: %s', (name, ok) => {
    expect(jamsAgentName.safeParse(name).success).toBe(ok);
  });
});
