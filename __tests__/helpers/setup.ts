// Runs around every test file: the lab is installed (the product loads it only through src/host/session-hooks.ts), the
// lab's PowerShell processes get the lab's .NET settings, and the sessions its tests kept (helpers/run-stage.ts) end
// with the file.
import { afterAll } from '@jest/globals';
import { useLabDotnetEnv } from '../../lab/control.js';
import { lab } from '../../lab/lab-hook.mjs';
import { installLab } from '../../src/host/session-hooks.js';
import { closeSessions } from './run-stage.js';

installLab(lab);
useLabDotnetEnv();
afterAll(closeSessions);
