import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './helpers/run-stage.js';

// dist/ holds only what runs on a host: the lab (fake cmdlets, a fake JAMS, fault injection) stays in the repository,
// and the product reaches it only through src/host/session-hooks.ts, from a clone, when JAMS_UPGRADE_LAB is set.

const COPY_ASSETS = resolve('scripts/copy-assets.mjs');

describe('the lab out of the product', () => {
  test("npm run package's last step copies the PowerShell module into dist/ and no lab (a stale dist/lab is removed)", () => {
    const root = tempDir('package');
    const ps = join(root, 'src', 'host', 'ps');
    mkdirSync(join(ps, 'module'), { recursive: true });
    mkdirSync(join(ps, 'platform'), { recursive: true });
    writeFileSync(join(ps, 'JamsUpgrade.psm1'), '# module\n# <module>\n# </module>\n');
    writeFileSync(join(ps, 'module', 'Dispatcher.ps1'), '# dispatcher\n');
    writeFileSync(join(ps, 'platform', 'Services.ps1'), '# services\n');
    mkdirSync(join(root, 'lab', 'ps'), { recursive: true });
    writeFileSync(join(root, 'lab', 'ps', 'Lab.Fakes.ps1'), '# fakes\n');
    mkdirSync(join(root, 'dist', 'lab', 'ps'), { recursive: true });
    writeFileSync(join(root, 'dist', 'lab', 'ps', 'Lab.Fakes.ps1'), '# an old build\n');
    const r = spawnSync(process.execPath, [COPY_ASSETS], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(['ps']);
    expect(readdirSync(join(root, 'dist', 'ps')).sort()).toEqual([
      'JamsUpgrade.psm1',
      'Platform.Windows.ps1',
    ]);
  });

  test('the built dist/ has no lab/, and its bundle none of the lab session code', () => {
    expect(existsSync('dist/index.js')).toBe(true);
    expect(readdirSync('dist').filter((f) => /lab/i.test(f))).toEqual([]);
    const listed = spawnSync('git', ['ls-files', 'dist'], { encoding: 'utf8' }).stdout.split('\n');
    expect(listed.filter((f) => f.startsWith('dist/lab/'))).toEqual([]);
    const bundle = readFileSync('dist/index.js', 'utf8');
    for (const lab of [
      'Lab.Fakes.ps1',
      'Lab.Seams.ps1',
      'Set-LabTarget',
      'Start-LabCoverage',
      'JAMS_UPGRADE_PS_COVERAGE',
    ]) {
      expect({ lab, inBundle: bundle.includes(lab) }).toEqual({ lab, inBundle: false });
    }
  });

  test('nothing under src/ imports from lab/', () => {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) =>
      /(from|import\()\s*['"](\.\.\/)+lab\//.test(readFileSync(join('src', f), 'utf8')),
    );
    expect(files.length).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });

  test('a released bundle (no lab/ beside dist/) refuses JAMS_UPGRADE_LAB, naming it, its value and the fix', () => {
    const release = join(tempDir('release'), 'jams-upgrade');
    cpSync('dist', join(release, 'dist'), { recursive: true });
    cpSync('action.yml', join(release, 'action.yml'));
    const runs = tempDir('refused-runs');
    const outputs = join(runs, 'github-output.txt');
    writeFileSync(outputs, '');
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && k !== 'GITHUB_STEP_SUMMARY'),
    );
    Object.assign(env, {
      JAMS_UPGRADE_LAB: '/srv/lab pair',
      GITHUB_OUTPUT: outputs,
      INPUT_STAGE: 'preflight',
      INPUT_ROLE: 'primary',
      'INPUT_RUN-FOLDER': join(runs, 'run'),
    });
    const r = spawnSync(process.execPath, [join(release, 'dist', 'index.js')], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toEqual([
      `::error::JAMS_UPGRADE_LAB is set to '/srv/lab pair', but this jams-upgrade has no lab beside it (no ` +
        `${join(release, 'lab')}): the lab and its fake JAMS run only from a clone of the repository, never from a ` +
        'released bundle. On a JAMS host, remove the JAMS_UPGRADE_LAB environment variable from the runner; to ' +
        'rehearse, run the action from a clone (npm run rehearse), where lab/ sits next to dist/.',
    ]);
    expect(readFileSync(outputs, 'utf8')).toMatch(/^status<<.*\nfailed\n/);
    // Refused before anything ran: no PowerShell, no run folder.
    expect(existsSync(join(runs, 'run'))).toBe(false);
  });
});
