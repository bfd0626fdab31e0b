/**
 * The stages the action's `stage` input accepts: gates before anything else (it checks that the approval gates are
 * protected, on the control runner), then the procedure's stages in their order, the soak and the read-only status of a
 * fleet, then the rollback's own two, the report, and the fleet workflows' plan and report.
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
  'soak',
  'status',
  'restore',
  'reinstall',
  'report',
  'fleet-plan',
  'fleet-report',
] as const;

export type StageName = (typeof STAGE_NAMES)[number];
