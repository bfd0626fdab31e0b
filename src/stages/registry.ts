import type { Stage } from './context.js';
import type { StageName } from './names.js';
import { preflight } from './preflight.js';
import { start } from './start.js';
import { stop } from './stop.js';
import { upgrade } from './upgrade.js';
import { verify } from './verify.js';

export const STAGES: Readonly<Record<StageName, Stage>> = { preflight, stop, upgrade, start, verify };
