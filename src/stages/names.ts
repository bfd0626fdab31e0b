/** The stages the action's `stage` input accepts. */
export const STAGE_NAMES = ['preflight', 'stop', 'start', 'verify', 'report'] as const;

export type StageName = (typeof STAGE_NAMES)[number];
