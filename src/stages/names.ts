/** The stages the action's `stage` input accepts, in the procedure's order, then the rollback's own two. */
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
  'restore',
  'reinstall',
  'report',
] as const;

export type StageName = (typeof STAGE_NAMES)[number];
