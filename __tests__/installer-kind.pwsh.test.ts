import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labInstallerImage, syntheticPe, writeLabInstaller, type LabInstallerKind } from '../lab/control.js';
import { describeOnPosix, tempDir } from './helpers/run-stage.js';

// The platform file's reading of a setup's kind (PlatformGetInstallerKind), run by pwsh on synthetic bytes: through the
// platform file's own PlatformInstallerImage, whose seam SeamInstallerImageStart is the platform's for plain files and the lab's for the lab installer's stub.
interface Kind {
  kind: string;
  evidence: string | null;
  sections: string[];
}

const manifest = Buffer.from(
  '<assembly><assemblyIdentity name="InstallShield.Setup"/><description>InstallShield.Setup</description></assembly>',
  'latin1',
);
const wixburn = () => {
  const data = Buffer.alloc(56);
  data.writeUInt32LE(0x00f14300, 0);
  return data;
};
const pe = syntheticPe([{ name: '.text' }, { name: '.rdata' }, { name: '.wixburn', data: wixburn() }]);
const withLfanew = (bytes: Buffer, lfanew: number) => {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(lfanew, 0x3c);
  return copy;
};

/** Each case: its bytes as a file. */
const FILES: Record<string, Buffer> = {
  burn: pe,
  'pe without .wixburn': syntheticPe([{ name: '.text' }, { name: '.rdata' }, { name: '.rsrc' }]),
  'installshield header after the sections': syntheticPe(
    [{ name: '.text' }, { name: '.rsrc' }],
    Buffer.concat([Buffer.from('InstallShield\0', 'latin1'), Buffer.alloc(46)]),
  ),
  'installshield header after a debug block': syntheticPe(
    [{ name: '.text' }],
    Buffer.concat([
      Buffer.from('NB10', 'latin1'),
      Buffer.alloc(60),
      Buffer.from('ISSetupStream\0', 'latin1'),
    ]),
  ),
  'installshield manifest in .rsrc': syntheticPe([{ name: '.text' }, { name: '.rsrc', data: manifest }]),
  'the word InstallShield in .text only': syntheticPe([
    { name: '.text', data: Buffer.from('built with InstallShield', 'latin1') },
    { name: '.rsrc' },
  ]),
  ole: labInstallerImage('msi'),
  garbage: Buffer.from('this is not a setup program at all, just text\n'.repeat(20), 'latin1'),
  empty: Buffer.alloc(0),
  'mz cut short': Buffer.from('MZ\x90\x00', 'latin1'),
  'truncated pe': pe.subarray(0, 0x100),
  'e_lfanew outside the file': withLfanew(pe, 0x10000),
  'e_lfanew past the bytes read': withLfanew(Buffer.concat([pe, Buffer.alloc(8192)]), 0x2000),
  'e_lfanew at no pe signature': withLfanew(pe, 0x80),
};

function run(script: string): Record<string, Kind> {
  return JSON.parse(
    execFileSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8' }),
  ) as Record<string, Kind>;
}

/** PlatformGetInstallerKind for each file, under the module's strict mode, with the lab's seams when asked. */
function kinds(files: Record<string, string>, seams: string[] = []): Record<string, Kind> {
  const cases = Object.entries(files)
    .map(([name, file]) => `'${name.replace(/'/g, "''")}' = '${file}'`)
    .join('; ');
  return run(
    [
      'Set-StrictMode -Version 2.0',
      "$ErrorActionPreference = 'Stop'",
      "foreach ($f in (Get-ChildItem -Path ./src/host/ps/platform -Filter '*.ps1')) { . $f.FullName }",
      ...seams.map((s) => `. ${s}`),
      `$cases = [ordered]@{ ${cases} }`,
      '$out = [ordered]@{}',
      'foreach ($name in @($cases.Keys)) { $out[$name] = PlatformGetInstallerKind -Path $cases[$name] }',
      '$out | ConvertTo-Json -Depth 4 -Compress',
    ].join('\n'),
  );
}

describe('the installer kind, from the bytes on disk (the platform seam)', () => {
  let found: Record<string, Kind>;
  beforeAll(() => {
    const dir = tempDir('kind');
    const files = Object.fromEntries(
      Object.entries(FILES).map(([name, bytes], i) => {
        const file = join(dir, `case-${i}.bin`);
        writeFileSync(file, bytes);
        return [name, file];
      }),
    );
    found = kinds(files);
  });

  test('a PE with a .wixburn section is a Burn bundle, its 8-character name read without a NUL', () => {
    expect(found['burn']).toEqual({
      kind: 'burn',
      evidence: 'a PE with a .wixburn section (sections .text, .rdata, .wixburn)',
      sections: ['.text', '.rdata', '.wixburn'],
    });
  });

  test('a PE without .wixburn or an InstallShield marker is unknown, with its sections', () => {
    expect(found['pe without .wixburn']).toMatchObject({
      kind: 'unknown',
      evidence: 'a PE with no .wixburn section and no InstallShield marker (sections .text, .rdata, .rsrc)',
    });
  });

  test("InstallShield: its header after the last section (also after a debug block), or its manifest's name", () => {
    expect(found['installshield header after the sections']).toMatchObject({
      kind: 'installshield',
      evidence: expect.stringMatching(
        /after its last section \(at 0x600\) begins with the header InstallShield$/,
      ),
    });
    expect(found['installshield header after a debug block']?.kind).toBe('installshield');
    expect(found['installshield manifest in .rsrc']).toMatchObject({
      kind: 'installshield',
      evidence: expect.stringMatching(/resources name InstallShield\.Setup/),
    });
  });

  test('the word InstallShield elsewhere in a program is not taken for an InstallShield setup', () => {
    expect(found['the word InstallShield in .text only']?.kind).toBe('unknown');
  });

  test('an OLE compound file is a Windows Installer package', () => {
    expect(found['ole']).toMatchObject({ kind: 'msi', sections: [] });
  });

  test.each([
    ['garbage', /^neither a PE \(MZ\) nor an OLE compound file \(920 bytes read\)$/],
    ['empty', /^neither a PE .*\(0 bytes read\)$/],
    ['mz cut short', /^an MZ header cut short at 4 bytes$/],
    ['truncated pe', /^its 3 section headers at 0x138 end past the 256 bytes read$/],
    ['e_lfanew outside the file', /^e_lfanew 0x10000 points past the \d+ bytes read$/],
    // Only the first 4 KB are read for the headers.
    ['e_lfanew past the bytes read', /^e_lfanew 0x2000 points past the 4096 bytes read$/],
    ['e_lfanew at no pe signature', /^no PE signature at e_lfanew 0x80$/],
  ])('%s is unknown, and the evidence says where the bytes stop making sense', (name, evidence) => {
    expect(found[name]).toMatchObject({ kind: 'unknown', sections: [] });
    expect(found[name]?.evidence).toMatch(evidence);
  });
});

describeOnPosix("the lab installer's kind: its image after the stub (the lab's seam)", () => {
  test('each kind the lab writes reads as that kind, the stub skipped', () => {
    const dir = tempDir('kind-lab');
    const lab: LabInstallerKind[] = ['burn', 'installshield', 'msi', 'random'];
    const files = Object.fromEntries(
      lab.map((kind) => [kind, writeLabInstaller(dir, '7.4.0', { kind, name: `${kind}.exe` }).file]),
    );
    const found = kinds(files, ['./lab/ps/Lab.Seams.ps1']);
    expect(Object.fromEntries(lab.map((k) => [k, found[k]?.kind]))).toEqual({
      burn: 'burn',
      installshield: 'installshield',
      msi: 'msi',
      random: 'unknown',
    });
  });
});
