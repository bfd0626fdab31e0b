// npm run jams-surface -- --dll <JAMSShr.dll> [--dll <JAMSCommon.dll> ...] [--from <owner/repo>@<commit>/<folder>] [--out <file>]
// Writes the public MVPSI.JAMS* surface of the assemblies (metadata only: nothing is loaded or run) to
// lab/jams-surface/<version>.json, the version being the first assembly's file version. Point it at the JAMSShr.dll of
// your own install (C:\Program Files\MVPSI\JAMS\Scheduler) and the conformance test checks the lab against it.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  SURFACE_FOLDER,
  formatSurface,
  readAssemblies,
  type Surface,
  type SurfaceTypes,
} from '../lab/surface.js';

const usage =
  'usage: npm run jams-surface -- --dll <JAMSShr.dll> [--dll <more.dll>] [--from <owner/repo>@<commit>/<folder>] [--out <file>]';
const { values } = parseArgs({
  options: {
    dll: { type: 'string', multiple: true },
    from: { type: 'string' },
    out: { type: 'string' },
    pwsh: { type: 'string', default: 'pwsh' },
  },
});
const dlls = values.dll ?? [];
if (dlls.length === 0) {
  console.error(usage);
  process.exit(2);
}
let origin: { repository: string; commit: string; folder: string } | undefined;
if (values.from) {
  const m = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40})\/(.+)$/.exec(values.from);
  if (!m) {
    console.error(`--from '${values.from}' is not <owner/repo>@<40-hex commit>/<folder>.\n${usage}`);
    process.exit(2);
  }
  origin = { repository: m[1] ?? '', commit: m[2] ?? '', folder: (m[3] ?? '').replace(/\/$/, '') };
}

const read = readAssemblies(dlls, values.pwsh);
const types: SurfaceTypes = {};
for (const assembly of read) Object.assign(types, assembly.types);
const sources = read.map(({ file, fileVersion, sha256 }) =>
  origin
    ? {
        repository: origin.repository,
        commit: origin.commit,
        path: `${origin.folder}/${file}`,
        file,
        fileVersion,
        sha256,
      }
    : { file, fileVersion, sha256 },
);
const version = sources[0]?.fileVersion || basename(dlls[0] ?? 'unknown');
const surface: Surface = { version, sources, types };
const out = values.out ?? join(SURFACE_FOLDER, `${version}.json`);
writeFileSync(out, formatSurface(surface));
console.log(
  `${out}: ${Object.keys(types).length} public types of ${sources.map((s) => s.file).join(', ')} ${version}`,
);
