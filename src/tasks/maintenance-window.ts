// The maintenance window's resource on the primary, shared by maintenance-on and maintenance-off (its record on the
// host is src/state/maintenance-window.ts).
import type { ResourceState } from '../jams/maintenance.js';
import { PrimitiveError } from '../host/powershell-session.js';
import { StageError, type StageContext } from '../stage-context.js';

/** The maintenance window is one JAMS-wide resource: only the primary's jobs open and close it. */
export function requirePrimary(ctx: StageContext): void {
  if (ctx.settings.role !== 'primary') {
    throw new StageError(
      `${ctx.settings.stage} runs on the primary: the maintenance window is one resource of the JAMS server, and its ` +
        'record is kept on the primary.',
      'Nothing was changed.',
      `Run ${ctx.settings.stage} with role: primary on the primary scheduler's runner.`,
    );
  }
}

/** The maintenance resource as JAMS holds it now; a resource of another shape stops the stage before any change. */
export async function readResource(ctx: StageContext): Promise<ResourceState> {
  const { jamsServer, resource } = ctx.settings.maintenance;
  try {
    return await ctx.host.resource(jamsServer, resource);
  } catch (err) {
    if (!(err instanceof PrimitiveError)) throw err;
    throw new StageError(
      `The maintenance resource ${resource} on ${jamsServer} could not be read: ${err.message}`,
      'Nothing was changed.',
      `Check the resource on the host (Get-Item JAMS::${jamsServer}\\Resources\\${resource} | Format-List *): preflight's ` +
        "table of assumptions (maintenance-resource) shows what this host returned. Fix the name with 'maintenance-resource', " +
        'or report the shape if your JAMS version differs, then re-run this job.',
    );
  }
}

/** The KB's set-up, for messages that ask the user to create the window. */
export function setupSteps(resource: string): string {
  return (
    `In the JAMS Client: Resources > New, name it ${resource}, Quantity Available 999999; then open the root ` +
    `folder's Properties > Resources and add ${resource} with Quantity Required 1 (vendor KB "Creating a Maintenance ` +
    `Window in JAMS"). Or set create-maintenance-resource: true and re-run this job. If your window has another ` +
    `name (the vendor's script uses MaintenanceWindow), set maintenance-resource.`
  );
}
