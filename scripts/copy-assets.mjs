// Copies the PowerShell module next to the ncc bundle: the action runs dist/, not src/. dist/ holds only what runs on a
// host; the lab stays in the repository (lab/, beside dist/ in a clone), where JAMS_UPGRADE_LAB loads it from.
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist/lab', { recursive: true, force: true });
rmSync('dist/ps', { recursive: true, force: true });
mkdirSync('dist/ps', { recursive: true });
cpSync('src/host/ps', 'dist/ps', { recursive: true, filter: (src) => !/\.(ts|md)$/.test(src) });
