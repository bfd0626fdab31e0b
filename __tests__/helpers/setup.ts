// Runs around every test file: the PowerShell sessions its tests kept (helpers/run-stage.ts) end with the file.
import { afterAll } from '@jest/globals';
import { closeSessions } from './run-stage.js';

afterAll(closeSessions);
