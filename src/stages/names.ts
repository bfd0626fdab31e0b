/** The stages the action's `stage` input accepts, in the procedure's order. */
export const STAGE_NAMES = [
  'preflight',
  'maintenance-on',
  'backup',
  'stop',
  'upgrade',
  'start',
  'verify',
  'agents',
  'maintenance-off',
  'report',
] as const;

export type StageName = (typeof STAGE_NAMES)[number];
