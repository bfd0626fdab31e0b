import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CONFIG_SECRETS, labPath } from '../lab/control.js';
import { tempDir } from './helpers/run-stage.js';

// Issue 17: a run folder is an artifact anyone with read access to the repository can download. With a SQL login's
// password and a secret appSetting in common.config on both nodes, the whole upgrade and then the whole rollback run
// through the built action (npm run rehearse, dist/) on a fresh lab; no file of any run folder, no step's output or
// log, and no summary may hold any part of them. The host's own protected copy keeps them (start puts it back).

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const holdsSecret = (text: string) => LAB_CONFIG_SECRETS.some((s) => text.includes(s));

describe('no secret in an artifact', () => {
  test(
    'secret-in-config: across every stage of the upgrade and the rollback, 0 files, outputs or summaries show it',
    () => {
      expect(existsSync('dist/index.js')).toBe(true);
      const out = join(tempDir('secrets'), 'rehearsal');
      const logs = join(out, 'logs');
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/rehearse.ts',
          '--fault',
          'secret-in-config',
          '--then-rollback',
          '--out',
          out,
          '--logs',
          logs,
        ],
        { encoding: 'utf8', timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const printed = `${r.stdout}\n${r.stderr}`;
      // The rehearsal ran both pipelines to the end (its evidence holds), so every stage wrote its folder.
      expect({ status: r.status, tail: r.status === 0 ? '' : printed.slice(-3000) }).toEqual({
        status: 0,
        tail: '',
      });
      const runFolders = [join(out, 'runs'), join(out, 'rollback-runs')];
      const stages = runFolders.flatMap((f) => readdirSync(f));
      expect(stages).toEqual(expect.arrayContaining(['backup-primary', 'upgrade-primary', 'start-primary']));
      expect(stages).toEqual(expect.arrayContaining(['restore-primary', 'reinstall-secondary', 'report']));

      // The secrets were there: the host's protected copy of the saved config files keeps them.
      const hostCopy = labPath(
        join(out, 'lab'),
        'primary',
        'C:\\ProgramData\\jams-upgrade\\config\\run-1001\\common.config',
      );
      expect(LAB_CONFIG_SECRETS.every((s) => readFileSync(hostCopy, 'utf8').includes(s))).toBe(true);
      // ... and the run folder's copy has the marker in their place.
      const runCopy = readFileSync(join(out, 'runs', 'backup-primary', 'config', 'common.config'), 'utf8');
      expect(runCopy).toMatch(/Password=\*\*\*/);
      expect(runCopy).toMatch(/key="SmtpPassword" value="\*\*\*"/);

      const files = [...runFolders, logs].flatMap(filesUnder);
      expect(files.length).toBeGreaterThan(50);
      const leaking = files.filter((f) => holdsSecret(readFileSync(f, 'latin1')));
      expect(leaking).toEqual([]);
      expect(holdsSecret(printed)).toBe(false);
    },
    25 * 60_000,
  );
});
