// Copies the PowerShell module and the lab next to the ncc bundle: the action runs dist/, not src/.
import { cpSync, mkdirSync, rmSync } from 'node:fs';

for (const [from, to] of [
  ['src/host/ps', 'dist/ps'],
  ['lab', 'dist/lab'],
]) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  // The vendor's surface (lab/jams-surface) is test data, not something a host runs.
  cpSync(from, to, {
    recursive: true,
    filter: (src) => !/\.(ts|md)$/.test(src) && !/jams-surface/.test(src),
  });
}
