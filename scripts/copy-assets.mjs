// Copies the PowerShell module next to the ncc bundle: the action runs dist/, not src/. dist/ holds only what runs on a
// host; the lab stays in the repository (lab/, beside dist/ in a clone), where JAMS_UPGRADE_LAB loads it from. The module's
// concern files are joined here, so a session on a host reads two files: dist/ps/JamsUpgrade.psm1 holds module/*.ps1
// in place of its <module> block, and dist/ps/Platform.Windows.ps1 holds platform/*.ps1. Both in name order, as the
// source module dot-sources them.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PS = 'src/host/ps';

/** The .ps1 files of a folder in ordinal name order, each as a marked section of one text. */
function joined(folder) {
  return readdirSync(join(PS, folder))
    .filter((f) => f.endsWith('.ps1'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => `# ---- ${folder}/${f} ----\n${readFileSync(join(PS, folder, f), 'utf8').trimEnd()}\n`)
    .join('\n');
}

/** The module file with its <module> block replaced by the module files' text. */
export function joinedModule() {
  const text = readFileSync(join(PS, 'JamsUpgrade.psm1'), 'utf8');
  const block = /^# <module>.*\n[\s\S]*?^# <\/module>\n/m;
  if (!block.test(text)) throw new Error(`${PS}/JamsUpgrade.psm1 has no <module> block to replace.`);
  return text.replace(block, () => `${joined('module')}\n`);
}

/** The platform folder as one file. */
export function joinedPlatform() {
  return (
    '# Every call jams-upgrade makes into Windows and JAMS: src/host/ps/platform/*.ps1 joined by npm run package.\n' +
    '# Dot-sourced by JamsUpgrade.psm1. Windows PowerShell 5.1 compatible, ASCII only.\n\n' +
    joined('platform')
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync('dist/lab', { recursive: true, force: true });
  rmSync('dist/ps', { recursive: true, force: true });
  mkdirSync('dist/ps', { recursive: true });
  // The concern folders are joined below.
  cpSync(PS, 'dist/ps', {
    recursive: true,
    filter: (src) => !/\.(ts|md)$/.test(src) && !/[\\/]ps[\\/](module|platform)$/.test(src),
  });
  writeFileSync('dist/ps/JamsUpgrade.psm1', joinedModule());
  writeFileSync('dist/ps/Platform.Windows.ps1', joinedPlatform());
}
