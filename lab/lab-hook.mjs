// The lab's side of src/host/session-hooks.ts: what a lab session loads before the module, how a kept session is
// pointed at another lab, the platform file's coverage (npm run coverage:ps), and the lab's timing profile. Plain
// JavaScript, since the built action (dist/, plain node) loads it from here when JAMS_UPGRADE_LAB is set; the tests and
// the lab's own tools install it (installLab).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const LAB_FAKES = join(here, 'ps', 'Lab.Fakes.ps1');
export const LAB_SEAMS = join(here, 'ps', 'Lab.Seams.ps1');
const LAB_COVERAGE = join(here, 'ps', 'Lab.Coverage.ps1');

/** The folder lab sessions write their platform-file coverage into (npm run coverage:ps). */
export const COVERAGE_VARIABLE = 'JAMS_UPGRADE_PS_COVERAGE';

/** The hooks of one lab session: the fakes first, at the global scope, then the module with the lab's seams. */
export function labSession(folder, node) {
  let target = { folder, node };
  let started = false;
  let retarget = false;
  let coverage = false;
  return {
    files: [LAB_FAKES, LAB_SEAMS],
    seams: LAB_SEAMS,
    useLab(nextFolder, nextNode) {
      if (target.folder === nextFolder && target.node === nextNode) return;
      target = { folder: nextFolder, node: nextNode };
      retarget = started;
    },
    start() {
      started = true;
      retarget = false;
      coverage = !!process.env[COVERAGE_VARIABLE];
      return {
        values: { fakes: LAB_FAKES, coverage: LAB_COVERAGE, ...target },
        script:
          '. $juHook.fakes -Folder $juHook.folder -Node $juHook.node' +
          // Coverage loads an instrumented copy of the platform file (lab/ps/Lab.Coverage.ps1).
          (coverage ? '; . $juHook.coverage; $ju.platform = Start-LabCoverage -Script $ju.platform' : ''),
      };
    },
    beforeCall() {
      if (!retarget) return null;
      retarget = false;
      return { values: { ...target }, script: 'Set-LabTarget -Folder $juHook.folder -Node $juHook.node' };
    },
    exit() {
      return coverage ? { script: 'Save-LabCoverage -Folder $env:JAMS_UPGRADE_PS_COVERAGE' } : null;
    },
  };
}

/** The timing a lab pair runs with: its state's (lab/control.ts setTiming), else the lab's default. */
export function labProfile(folder) {
  const state = join(folder, 'state.json');
  const own = existsSync(state) ? JSON.parse(readFileSync(state, 'utf8')).timing : undefined;
  const fallback = JSON.parse(readFileSync(join(here, 'default-state.json'), 'utf8')).timing;
  return { pollIntervalMs: own?.pollIntervalMs ?? fallback.pollIntervalMs };
}

/** The lab as src/host/session-hooks.ts's LabHook. */
export const lab = { session: labSession, profile: labProfile };
