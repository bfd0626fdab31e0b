/**
 * The stages the action's `stage` input accepts: gates before anything else (it checks that the approval gates are
 * protected, on the control runner), then the procedure's stages in their order, then the rollback's own two, then
 * the report.
 */
export const STAGE_NAMES = [
  'gates',
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
