// The vendor's JAMS class library as data: the public surface of JAMSShr.dll (and JAMSCommon/JAMSBaseTypes), read from
// metadata only by scripts/Read-JamsSurface.ps1, and the checks that hold the lab's fakes and the platform file to it.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SurfaceMember {
  type?: string;
  static?: boolean;
  readOnly?: boolean;
}
export interface SurfaceParameter {
  name: string;
  type: string;
}
export interface SurfaceOverload {
  returns: string;
  parameters: SurfaceParameter[];
  static?: boolean;
}
export interface SurfaceType {
  kind: 'class' | 'interface' | 'enum' | 'struct' | 'delegate';
  base?: string;
  properties?: Record<string, SurfaceMember>;
  methods?: Record<string, SurfaceOverload[]>;
  fields?: Record<string, SurfaceMember>;
  constructors?: SurfaceParameter[][];
  values?: Record<string, number | null>;
}
export type SurfaceTypes = Record<string, SurfaceType>;

/** Where one assembly of a surface came from. */
export interface SurfaceSource {
  file: string;
  fileVersion: string;
  sha256: string;
  repository?: string;
  commit?: string;
  path?: string;
}
export interface Surface {
  version: string;
  sources: SurfaceSource[];
  types: SurfaceTypes;
}

export const SURFACE_FOLDER = 'lab/jams-surface';
/** The vendor's published JAMS 7 assemblies whose surfaces are committed (6.5.18.0 is committed too, unsupported). */
export const PUBLISHED_SURFACES = ['7.5.2.30', '7.3.381.0'] as const;

/** Reads assemblies' public surfaces through pwsh (metadata only: nothing of the vendor's is loaded or run). */
export function readAssemblies(dlls: string[], pwsh = 'pwsh'): (SurfaceSource & { types: SurfaceTypes })[] {
  const out = execFileSync(
    pwsh,
    ['-NoProfile', '-NonInteractive', '-File', join('scripts', 'Read-JamsSurface.ps1'), ...dlls],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out) as (SurfaceSource & { types: SurfaceTypes })[];
}

/** A surface as committed: sources first, then one type a line, sorted, so a new JAMS version diffs by type. */
export function formatSurface(surface: Surface): string {
  const names = Object.keys(surface.types).sort();
  const lines = names.map(
    (n, i) =>
      `    ${JSON.stringify(n)}: ${JSON.stringify(surface.types[n])}${i < names.length - 1 ? ',' : ''}`,
  );
  return [
    '{',
    `  "version": ${JSON.stringify(surface.version)},`,
    `  "sources": ${JSON.stringify(surface.sources)},`,
    '  "types": {',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function loadSurface(version: string, folder = SURFACE_FOLDER): Surface {
  return JSON.parse(readFileSync(join(folder, `${version}.json`), 'utf8')) as Surface;
}

export function surfaceVersions(folder = SURFACE_FOLDER): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Every committed surface of a supported JAMS (7 and later), whose shapes the fakes must agree with: the vendor's, and
 * any an admin added from their own install with `npm run jams-surface`.
 */
export function supportedSurfaces(folder = SURFACE_FOLDER): string[] {
  return surfaceVersions(folder).filter((v) => Number(v.split('.')[0]) >= 7);
}

/** The type and its bases as far as the surface knows them (a base outside MVPSI.JAMS ends the chain). */
function chain(types: SurfaceTypes, name: string): SurfaceType[] {
  const found: SurfaceType[] = [];
  for (let t = types[name]; t && found.length < 20; t = t.base ? types[t.base] : undefined) found.push(t);
  return found;
}

/** Members every .NET object has, and those of the framework bases JAMS types derive from. */
const FRAMEWORK_MEMBERS: Record<string, string[]> = {
  'System.Object': ['ToString', 'Equals', 'GetHashCode', 'GetType'],
  'System.ComponentModel.BindingList`1': [
    'Add',
    'Remove',
    'Clear',
    'Count',
    'Item[]',
    'GetEnumerator',
    'Insert',
  ],
};

function frameworkMember(types: SurfaceTypes, name: string, member: string): boolean {
  const last = chain(types, name).at(-1);
  const bases = ['System.Object', (last?.base ?? '').replace(/<.*$/, '')];
  return bases.some((b) => FRAMEWORK_MEMBERS[b]?.includes(member));
}

export type MemberKind = 'property' | 'method' | 'field' | 'constructor' | 'value';

/** Whether the type (or a base) has the member, of any kind, in this surface. */
export function hasMember(types: SurfaceTypes, type: string, member: string): boolean {
  if (!types[type]) return false;
  if (chain(types, type).some((t) => memberIn(t, member))) return true;
  return frameworkMember(types, type, member);
}

function memberIn(t: SurfaceType, member: string): boolean {
  return Boolean(
    t.properties?.[member] ??
    t.properties?.[`${member}[]`] ??
    t.methods?.[member] ??
    t.fields?.[member] ??
    t.values?.[member] !== undefined,
  );
}

function sameParameters(a: SurfaceParameter[], b: SurfaceParameter[]): boolean {
  return a.length === b.length && a.every((p, i) => p.type === b[i]?.type);
}

const shown = (ps: SurfaceParameter[]) => `(${ps.map((p) => p.type).join(', ')})`;

/**
 * What a fake declares that the vendor's surface lacks or shapes otherwise: each public type, member and enum value of
 * the fakes must be in the real library with the same kind, type, static-ness and parameters. Names starting with
 * `Lab` are the lab's own plumbing and are skipped.
 */
export function conformanceProblems(fakes: SurfaceTypes, real: SurfaceTypes, version: string): string[] {
  const problems: string[] = [];
  const add = (what: string) => problems.push(`${what} (JAMSShr ${version})`);
  for (const [name, fake] of Object.entries(fakes)) {
    if (name.split(/[.+]/).at(-1)?.startsWith('Lab')) continue;
    const actual = real[name];
    if (!actual) {
      add(`${name}: no such public type`);
      continue;
    }
    if (fake.kind !== actual.kind) add(`${name}: a ${fake.kind} in the lab, a ${actual.kind} in JAMS`);
    if (fake.base && fake.base !== 'System.Object' && fake.base !== actual.base)
      add(`${name}: derives from ${fake.base} in the lab, from ${actual.base ?? 'nothing'} in JAMS`);
    const realChain = chain(real, name);
    for (const [value, number] of Object.entries(fake.values ?? {})) {
      const expected = actual.values?.[value];
      if (expected === undefined) add(`${name}.${value}: no such enum value`);
      else if (expected !== number) add(`${name}.${value}: ${number} in the lab, ${expected} in JAMS`);
    }
    for (const [prop, p] of Object.entries(fake.properties ?? {})) {
      if (prop.startsWith('Lab')) continue;
      const r = realChain.map((t) => t.properties?.[prop]).find(Boolean);
      if (!r) {
        if (!frameworkMember(real, name, prop)) add(`${name}.${prop}: no such property`);
        continue;
      }
      if (r.type !== p.type) add(`${name}.${prop}: ${p.type} in the lab, ${r.type} in JAMS`);
      if (Boolean(r.static) !== Boolean(p.static)) add(`${name}.${prop}: static differs`);
      if (r.readOnly && !p.readOnly) add(`${name}.${prop}: settable in the lab, read-only in JAMS`);
    }
    for (const [method, overloads] of Object.entries(fake.methods ?? {})) {
      if (method.startsWith('Lab')) continue;
      const realOverloads = realChain.flatMap((t) => t.methods?.[method] ?? []);
      if (realOverloads.length === 0) {
        if (!frameworkMember(real, name, method)) add(`${name}.${method}(): no such method`);
        continue;
      }
      for (const o of overloads) {
        const match = realOverloads.find((r) => sameParameters(r.parameters, o.parameters));
        if (!match) add(`${name}.${method}${shown(o.parameters)}: no such overload`);
        else if (Boolean(match.static) !== Boolean(o.static))
          add(`${name}.${method}${shown(o.parameters)}: static differs`);
        else if (match.returns !== o.returns)
          add(`${name}.${method}${shown(o.parameters)}: returns ${o.returns}, not ${match.returns}`);
      }
    }
    for (const field of Object.keys(fake.fields ?? {})) {
      if (!field.startsWith('Lab')) add(`${name}.${field}: a public field (JAMS exposes properties)`);
    }
    for (const c of fake.constructors ?? []) {
      if (!(actual.constructors ?? []).some((r) => sameParameters(r, c)))
        add(`${name}${shown(c)}: no such constructor`);
    }
  }
  return problems;
}
