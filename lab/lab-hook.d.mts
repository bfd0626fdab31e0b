// Types for lab/lab-hook.mjs, which the built action loads with plain node.
import type { LabHook, LabProfile, SessionHooks } from '../src/host/session-hooks.js';
import type { HostRole } from '../src/jams/roles.js';

/** A lab session's hooks, and the one thing only the lab does with them: point a kept session at another lab. */
export interface LabSessionHooks extends SessionHooks {
  useLab(folder: string, node: HostRole): void;
}
export declare const LAB_FAKES: string;
export declare const LAB_SEAMS: string;
export declare const COVERAGE_VARIABLE: string;
export declare function labSession(folder: string, node: HostRole): LabSessionHooks;
export declare function labProfile(folder: string): LabProfile;
export declare const lab: LabHook;
