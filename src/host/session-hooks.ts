// What a PowerShell session lets someone else add to it, and the one door through which the lab does: the product
// holds no lab code. The lab (lab/lab-hook.mjs) lives in the repository, beside dist/ in a clone, never in dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostRole } from '../jams/roles.js';

/**
 * PowerShell a hook runs in the session: constant text, which reads its values from `$juHook` (they cross as base64
 * JSON, like every value), so no value is ever part of the text.
 */
export interface HookStep {
  script: string;
  values?: Record<string, unknown>;
}

/** Additions to one session: the lab's fakes, its seams, its retargeting and its coverage. */
export interface SessionHooks {
  /** Files the hooks need; a missing one stops the session before it starts. */
  readonly files: readonly string[];
  /** The file the module dot-sources after the platform file, replacing its Seam* functions. */
  readonly seams: string;
  /** Runs in each new process before the module is imported; it may point `$ju.platform` at another file. */
  start(): HookStep;
  /** Runs before a call when it returns a step (a kept session pointed at another lab). */
  beforeCall(): HookStep | null;
  /** Runs while the process is still alive, as the session ends. */
  exit(): HookStep | null;
}

/** What the lab changes in a stage's settings: its own timing, from its profile. */
export interface LabProfile {
  pollIntervalMs: number;
}

/** The lab, as the product sees it. */
export interface LabHook {
  /** The hooks of a session that simulates `node` of the lab pair in `folder`. */
  session(folder: string, node: HostRole): SessionHooks;
  /** The lab pair's timing profile. */
  profile(folder: string): LabProfile;
}

/** The variable that asks for the lab; never set on a real host. */
export const LAB_VARIABLE = 'JAMS_UPGRADE_LAB';

/** The lab's entry point, relative to the repository root. */
const LAB_ENTRY = join('lab', 'lab-hook.mjs');

let installed: LabHook | undefined;

/** Installs the lab (the tests, the benchmarks and the lab's own tools do), so loadLab finds it without a file. */
export function installLab(lab: LabHook): void {
  installed = lab;
}

/** The lab installLab or loadLab gave; only called once JAMS_UPGRADE_LAB is known to be set. */
export function installedLab(): LabHook {
  if (!installed) throw new Error(`${LAB_VARIABLE} is set, but the lab was not loaded.`);
  return installed;
}

/**
 * The root of the repository or release this code runs from: the folder holding action.yml, dist/'s parent in the
 * bundle and src/'s in a clone.
 */
export function actionRoot(here: string = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [join(here, '..'), join(here, '..', '..')];
  return candidates.find((c) => existsSync(join(c, 'action.yml'))) ?? join(here, '..');
}

/** A lab asked for where there is none: JAMS_UPGRADE_LAB outside a clone of the repository. */
export class LabRefusedError extends Error {
  constructor(value: string, labFolder: string) {
    super(
      `${LAB_VARIABLE} is set to '${value}', but this jams-upgrade has no lab beside it (no ${labFolder}): the lab ` +
        `and its fake JAMS run only from a clone of the repository, never from a released bundle. On a JAMS host, ` +
        `remove the ${LAB_VARIABLE} environment variable from the runner; to rehearse, run the action from a clone ` +
        `(npm run rehearse), where lab/ sits next to dist/.`,
    );
    this.name = 'LabRefusedError';
  }
}

/**
 * The lab for a run with JAMS_UPGRADE_LAB set to `value`: the one installed, else lab/lab-hook.mjs beside dist/ in
 * the repository; refused when there is none there (a released bundle).
 */
export async function loadLab(value: string, root: string = actionRoot()): Promise<LabHook> {
  if (installed) return installed;
  const entry = join(root, LAB_ENTRY);
  if (!existsSync(entry)) throw new LabRefusedError(value, join(root, 'lab'));
  // Loaded at run time from the clone, never bundled: ncc leaves this import alone.
  const loaded = (await import(/* webpackIgnore: true */ pathToFileURL(entry).href)) as { lab: LabHook };
  installed = loaded.lab;
  return installed;
}
