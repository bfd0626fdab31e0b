// Runs around every test file: the lab's PowerShell processes get the lab's .NET settings, and the sessions its tests
// kept (helpers/run-stage.ts) end with the file.
import { afterAll } from '@jest/globals';
import { useLabDotnetEnv } from '../../lab/control.js';
import { closeSessions } from './run-stage.js';

useLabDotnetEnv();
afterAll(closeSessions);
