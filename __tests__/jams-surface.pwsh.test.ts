import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JAMS_MEMBERS } from '../src/jams/contract.js';
import {
  PUBLISHED_SURFACES,
  conformanceProblems,
  hasMember,
  loadSurface,
  supportedSurfaces,
  surfaceVersions,
  type SurfaceTypes,
} from '../lab/surface.js';

// The lab's fakes and the platform file held to the vendor's own class library (lab/jams-surface/*.json, read from
// JAMSShr.dll's metadata by `npm run jams-surface`): a fake shaped to the code would prove nothing about JAMS.
const FAKES = 'lab/ps/modules/JAMS/MVPSI.JAMS.cs';

/**
 * The lab's fakes compiled as the lab's JAMS module compiles them, then read by the same metadata reader, in one pwsh.
 */
function fakeSurface(): SurfaceTypes {
  const folder = mkdtempSync(join(tmpdir(), 'jams-fakes-'));
  try {
    const out = execFileSync(
      'pwsh',
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        'Add-Type -TypeDefinition ([IO.File]::ReadAllText($env:JU_FAKES)) -OutputAssembly $env:JU_DLL -OutputType Library; ' +
          '& $env:JU_READER $env:JU_DLL',
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          JU_FAKES: resolve(FAKES),
          JU_DLL: join(folder, 'MVPSI.JAMS.Lab.dll'),
          JU_READER: resolve('scripts/Read-JamsSurface.ps1'),
        },
      },
    );
    const [assembly] = JSON.parse(out) as { types: SurfaceTypes }[];
    return assembly?.types ?? {};
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Every MVPSI.JAMS type and static member the code names in PowerShell: New-Object, type literals, -as [type]. */
function jamsReferences(text: string): { type: string; member?: string }[] {
  const found: { type: string; member?: string }[] = [];
  const name = String.raw`MVPSI\.JAMS(?:\.[A-Za-z_]\w*)+`;
  for (const m of text.matchAll(new RegExp(String.raw`\[(${name})\](?:::([A-Za-z_]\w*))?`, 'g')))
    found.push({ type: m[1] ?? '', ...(m[2] ? { member: m[2] } : {}) });
  for (const m of text.matchAll(new RegExp(String.raw`New-Object\s+(?:-TypeName\s+)?(${name})`, 'g')))
    found.push({ type: m[1] ?? '' });
  for (const m of text.matchAll(new RegExp(String.raw`'(${name})'\s+-as\s+\[type\]`, 'g')))
    found.push({ type: m[1] ?? '' });
  return found;
}

function codeFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ps1|psm1)$/.test(f))
    .map((f) => join(folder, f));
}

/** The references the surface lacks; the lab's own plumbing (Lab* members) is not JAMS's. */
function missingFrom(types: SurfaceTypes, refs: { type: string; member?: string }[]) {
  return refs
    .filter((r) => !r.member?.startsWith('Lab'))
    .filter((r) => (r.member ? !hasMember(types, r.type, r.member) : !types[r.type]));
}

function unknownReferences(types: SurfaceTypes, files: string[]): string[] {
  return files.flatMap((file) =>
    missingFrom(types, jamsReferences(readFileSync(file, 'utf8'))).map(
      (r) => `${file}: ${r.type}${r.member ? `::${r.member}` : ''}`,
    ),
  );
}

describe("the vendor's surface, as committed", () => {
  test('each version names where its assemblies came from', () => {
    const versions = surfaceVersions();
    for (const v of [...PUBLISHED_SURFACES, '6.5.18.0'])
      expect(loadSurface(v).sources[0]?.repository).toMatch(/^JAMSScheduler\//);
    expect(versions).toEqual(expect.arrayContaining([...PUBLISHED_SURFACES, '6.5.18.0']));
    expect(supportedSurfaces()).toEqual(expect.arrayContaining([...PUBLISHED_SURFACES]));
    expect(supportedSurfaces()).not.toContain('6.5.18.0');
    for (const v of versions) {
      const s = loadSurface(v);
      expect(s.version).toBe(v);
      expect(s.sources[0]).toMatchObject({ file: 'JAMSShr.dll', fileVersion: v });
      for (const source of s.sources) {
        expect(source.sha256).toMatch(/^[0-9A-F]{64}$/);
        // The vendor's: its repository and commit. One an admin read from their own install names no repository.
        if (source.repository !== undefined) {
          expect(source.repository).toMatch(/^JAMSScheduler\//);
          expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
        }
      }
      expect(Object.keys(s.types).length).toBeGreaterThan(300);
    }
  });

  test('holds the facts the platform file is built on', () => {
    for (const v of PUBLISHED_SURFACES) {
      const t = loadSurface(v).types;
      expect(t['MVPSI.JAMS.Folder']?.properties?.['Elements']?.type).toBe('MVPSI.JAMS.ElementCollection');
      expect(t['MVPSI.JAMS.Folder']?.properties?.['Resources']).toBeUndefined();
      expect(t['MVPSI.JAMS.ResourceRequest']).toBeUndefined();
      expect(t['MVPSI.JAMS.Agent']?.properties?.['DeployJob']).toBeUndefined();
      expect(t['MVPSI.JAMS.Agent']?.properties?.['Properties']?.type).toBe(
        'MVPSI.JAMS.PropertyValueCollection',
      );
      expect(t['MVPSI.JAMS.EntryState']?.values?.['CompletedKept']).toBe(1100);
      expect(t['MVPSI.JAMS.FailoverRole']?.values).toEqual({
        Unknown: 0,
        Standalone: 1,
        Primary: 2,
        Secondary: 3,
      });
    }
    const v6 = loadSurface('6.5.18.0').types;
    expect(v6['MVPSI.JAMS.Folder']?.properties?.['Requirements']).toBeDefined();
    expect(v6['MVPSI.JAMS.Folder']?.properties?.['Elements']).toBeUndefined();
  });
});

describe("the lab's fakes conform to JAMSShr.dll", () => {
  let fakes: SurfaceTypes;
  beforeAll(() => {
    fakes = fakeSurface();
  });

  test.each(supportedSurfaces())(
    'nothing in MVPSI.JAMS.cs is missing from or shaped otherwise in %s',
    (v) => {
      expect(Object.keys(fakes)).toEqual(
        expect.arrayContaining(['MVPSI.JAMS.Agent', 'MVPSI.JAMS.Folder', 'MVPSI.JAMS.ResourceRequirement']),
      );
      expect(conformanceProblems(fakes, loadSurface(v).types, v)).toEqual([]);
    },
  );

  test('an invented member, enum value, type, overload or property type is caught', () => {
    const real = loadSurface('7.5.2.30').types;
    const invented = structuredClone(fakes);
    const agent = invented['MVPSI.JAMS.Agent'];
    if (!agent?.properties || !agent.methods) throw new Error('the fake Agent has no members');
    agent.properties['DeployJob'] = { type: 'System.String' };
    agent.properties['AgentState'] = { type: 'System.String' };
    agent.methods['Deploy'] = [
      { returns: 'System.Void', parameters: [{ name: 'credential', type: 'System.String' }] },
    ];
    const state = invented['MVPSI.JAMS.EntryState'];
    if (!state?.values) throw new Error('the fake EntryState has no values');
    state.values['Finished'] = 2000;
    invented['MVPSI.JAMS.ResourceRequest'] = {
      kind: 'class',
      properties: { ResourceName: { type: 'System.String' } },
    };
    invented['MVPSI.JAMS.LabHooks'] = { kind: 'class' };
    expect(conformanceProblems(invented, real, '7.5.2.30')).toEqual([
      'MVPSI.JAMS.Agent.AgentState: System.String in the lab, MVPSI.JAMS.AgentState in JAMS (JAMSShr 7.5.2.30)',
      'MVPSI.JAMS.Agent.AgentState: settable in the lab, read-only in JAMS (JAMSShr 7.5.2.30)',
      'MVPSI.JAMS.Agent.DeployJob: no such property (JAMSShr 7.5.2.30)',
      'MVPSI.JAMS.Agent.Deploy(System.String): no such overload (JAMSShr 7.5.2.30)',
      'MVPSI.JAMS.EntryState.Finished: no such enum value (JAMSShr 7.5.2.30)',
      'MVPSI.JAMS.ResourceRequest: no such public type (JAMSShr 7.5.2.30)',
    ]);
  });
});

describe('the code names only what JAMSShr.dll has', () => {
  test.each(supportedSurfaces())(
    'src/ and lab/ PowerShell: New-Object, type literals and static calls (%s)',
    (v) => {
      const files = [...codeFiles('src'), ...codeFiles('lab')];
      const refs = files.flatMap((f) => jamsReferences(readFileSync(f, 'utf8')));
      expect(refs.length).toBeGreaterThanOrEqual(5);
      expect(unknownReferences(loadSurface(v).types, files)).toEqual([]);
    },
  );

  test.each(supportedSurfaces())('the members the contract reads on each type (%s)', (v) => {
    const types = loadSurface(v).types;
    const absent = Object.entries(JAMS_MEMBERS).flatMap(([type, members]) =>
      members.filter((m) => !hasMember(types, type, m)).map((m) => `${type}.${m}`),
    );
    expect(absent).toEqual([]);
  });

  test('a reference the library lacks is caught', () => {
    const text = [
      '$r = New-Object MVPSI.JAMS.ResourceRequest',
      '$a = [MVPSI.JAMS.Agent]::Find("*", $s)',
      "$t = 'MVPSI.JAMS.Agent' -as [type]",
      '[MVPSI.JAMS.Agent]::LoadAll($s)',
    ].join('\n');
    expect(jamsReferences(text)).toHaveLength(4);
    const types = loadSurface('7.5.2.30').types;
    const bad = missingFrom(types, jamsReferences(text));
    expect(bad).toEqual([
      { type: 'MVPSI.JAMS.Agent', member: 'LoadAll' },
      { type: 'MVPSI.JAMS.ResourceRequest' },
    ]);
  });
});
