import type { Stage } from './context.js';
import type { StageName } from './names.js';
import { preflight } from './preflight.js';
import { report } from './report.js';
import { start } from './start.js';
import { stop } from './stop.js';
import { verify } from './verify.js';

export const STAGES: Readonly<Record<StageName, Stage>> = { preflight, stop, start, verify, report };
