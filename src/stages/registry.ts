import { agents } from './agents.js';
import { backup } from './backup.js';
import { fleetPlan } from './fleet-plan.js';
import { fleetReport } from './fleet-report.js';
import { gates } from './gates.js';
import type { Stage } from '../stage-context.js';
import { maintenanceOff } from './maintenance-off.js';
import { maintenanceOn } from './maintenance-on.js';
import type { StageName } from './names.js';
import { preflight } from './preflight.js';
import { reinstall } from './reinstall.js';
import { report } from './report.js';
import { restore } from './restore.js';
import { soak } from './soak.js';
import { start } from './start.js';
import { status } from './status.js';
import { stop } from './stop.js';
import { upgrade } from './upgrade.js';
import { verify } from './verify.js';
import { keepingThePrimary } from '../tasks/upgrade-order.js';

export const STAGES: Readonly<Record<StageName, Stage>> = {
  gates,
  preflight,
  'maintenance-on': maintenanceOn,
  backup,
  stop,
  // With order resume-after-primary, the secondary's failures say the primary keeps running.
  upgrade: keepingThePrimary(upgrade),
  start: keepingThePrimary(start),
  verify: keepingThePrimary(verify),
  agents,
  'maintenance-off': maintenanceOff,
  soak,
  status,
  restore,
  reinstall,
  report,
  'fleet-plan': fleetPlan,
  'fleet-report': fleetReport,
};
