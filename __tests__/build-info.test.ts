import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_INFO_FILE, buildInfoText, buildInputs, sourceDigest } from '../scripts/build-info.mjs';
import { BUILD_INFO } from '../src/build-info.js';
import { actionIdentity, actionsRan } from '../src/report/action-identity.js';
import type { ActionIdentity } from '../src/report/record.js';
import { renderAudit } from '../src/report/audit-markdown.js';
import { buildAudit } from '../src/report/audit.js';
import type { StageRecord } from '../src/report/record.js';
import { found, stageRecord, successfulRun, writeArtifacts } from './helpers/records.js';
import { runStage, tempDir } from './helpers/run-stage.js';

// One version per run: every stage record names the build that ran it (src/build-info.ts, baked in by
// scripts/build-info.mjs at `npm run package`, and the ref the runner names), and the report warns when they differ.

/** A tree with the build's inputs, and files that are not among them. */
function tree(): string {
  const root = tempDir('build-info');
  mkdirSync(join(root, 'src', 'report'), { recursive: true });
  mkdirSync(join(root, '__tests__'), { recursive: true });
  writeFileSync(join(root, 'src', 'index.ts'), 'export {};\n');
  writeFileSync(join(root, 'src', 'report', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src', 'build-info.ts'), '// old\n');
  writeFileSync(join(root, 'package.json'), '{ "version": "1.2.3" }\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  writeFileSync(join(root, 'action.yml'), 'name: x\n');
  writeFileSync(join(root, 'README.md'), '# x\n');
  writeFileSync(join(root, '__tests__', 'a.test.ts'), '\n');
  return root;
}

describe('the source digest', () => {
  test('covers src/ (less build-info.ts), package.json, package-lock.json and action.yml, in path order', () => {
    expect(buildInputs(tree())).toEqual([
      'action.yml',
      'package-lock.json',
      'package.json',
      'src/index.ts',
      'src/report/a.ts',
    ]);
  });

  test('changes when a src file or another input changes, and not otherwise', () => {
    const root = tree();
    const digest = sourceDigest(root);
    expect(digest).toMatch(/^[0-9a-f]{12}$/);
    expect(sourceDigest(tree())).toBe(digest);

    // Not inputs: the generated file itself, files outside src/, a file's time.
    writeFileSync(join(root, 'src', 'build-info.ts'), '// regenerated\n');
    writeFileSync(join(root, 'README.md'), '# changed\n');
    writeFileSync(join(root, '__tests__', 'a.test.ts'), 'changed\n');
    utimesSync(join(root, 'src', 'index.ts'), new Date(0), new Date(0));
    expect(sourceDigest(root)).toBe(digest);

    writeFileSync(join(root, 'src', 'report', 'a.ts'), 'export const a = 2;\n');
    const changed = sourceDigest(root);
    expect(changed).not.toBe(digest);
    writeFileSync(join(root, 'src', 'report', 'a.ts'), 'export const a = 1;\n');
    expect(sourceDigest(root)).toBe(digest);

    writeFileSync(join(root, 'src', 'report', 'b.ts'), '');
    expect(sourceDigest(root)).not.toBe(digest);
    const withB = sourceDigest(root);
    writeFileSync(join(root, 'action.yml'), 'name: y\n');
    expect(sourceDigest(root)).not.toBe(withB);
  });

  test('the generated module carries the version and the digest, and no time', () => {
    const root = tree();
    const text = buildInfoText(root);
    expect(text).toContain(
      `export const BUILD_INFO = { version: '1.2.3', source: '${sourceDigest(root)}' } as const;`,
    );
    expect(buildInfoText(root)).toBe(text);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test(`${BUILD_INFO_FILE} is fresh: the digest of this tree, package.json's version (run node scripts/build-info.mjs)`, () => {
    expect(readFileSync(BUILD_INFO_FILE, 'utf8')).toBe(buildInfoText('.'));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(BUILD_INFO).toEqual({ version: pkg.version, source: sourceDigest('.') });
  });
});

describe("the action's identity", () => {
  test('the build, and the ref the runner names for a `uses: owner/repo@ref` step, or null', () => {
    const sha = 'c0ffee'.repeat(6) + 'abcd';
    expect(
      actionIdentity({ GITHUB_ACTION_REF: sha, GITHUB_ACTION_REPOSITORY: 'corp/jams-upgrade' }, BUILD_INFO),
    ).toEqual({ ...BUILD_INFO, ref: `corp/jams-upgrade@${sha}` });
    expect(actionIdentity({ GITHUB_ACTION_REF: 'v1' })).toEqual({ ...BUILD_INFO, ref: 'v1' });
    expect(actionIdentity({ GITHUB_ACTION_REF: '', GITHUB_ACTION_REPOSITORY: 'corp/x' })).toEqual({
      ...BUILD_INFO,
      ref: null,
    });
  });

  const v1: ActionIdentity = { version: '0.1.0', source: 'aaaaaaaaaaaa', ref: 'corp/jams-upgrade@v1' };
  const v2: ActionIdentity = { ...v1, source: 'bbbbbbbbbbbb' };
  const ran = (records: StageRecord[]) => actionsRan(found(records));

  test('one build for the whole run: no warning', () => {
    const r = ran(successfulRun().map((x) => ({ ...x, action: v1 })));
    expect(r.warning).toBeNull();
    expect(r.builds).toEqual([{ recorded: true, ...v1, stages: expect.arrayContaining(['stop (primary)']) }]);
  });

  test('records that differ in the source digest (or version, or ref) warn, naming which stage ran which', () => {
    const records: StageRecord[] = successfulRun().map((x) => ({ ...x, action: v1 }));
    records.push(stageRecord('stop', 'primary', 700, 710, { attempt: 2, action: v2 }));
    const r = ran(records);
    expect(r.builds.map((b) => [b.source, b.stages.filter((s) => s.startsWith('stop (primary)'))])).toEqual([
      ['aaaaaaaaaaaa', ['stop (primary), attempt 1']],
      ['bbbbbbbbbbbb', ['stop (primary), attempt 2']],
    ]);
    expect(r.warning).toMatch(
      /^The stages of this run ran 2 different builds of jams-upgrade: 0\.1\.0 \(source aaaaaaaaaaaa, ref corp\/jams-upgrade@v1\) ran gates, attempt 1, preflight \(primary\), attempt 1, .*; 0\.1\.0 \(source bbbbbbbbbbbb, ref corp\/jams-upgrade@v1\) ran stop \(primary\), attempt 2\. Pin/,
    );
    const ref = ran([
      stageRecord('stop', 'primary', 0, 1, { action: v1 }),
      stageRecord('start', 'primary', 2, 3, { action: { ...v1, ref: null } }),
    ]);
    expect(ref.warning).toMatch(/ref not set\) ran start \(primary\)/);
  });

  test('old records without the field are tolerated: "not recorded", and a warning only beside a recorded one', () => {
    const old = ran(successfulRun());
    expect(old.warning).toBeNull();
    expect(old.builds).toEqual([
      expect.objectContaining({ recorded: false, version: null, stages: expect.any(Array) }),
    ]);
    const markdown = renderAudit(
      buildAudit({
        records: found(successfulRun()),
        problems: [],
        facts: {
          reviews: { read: false, reason: 'x' },
          jobs: { read: false, reason: 'x' },
          artifacts: { read: false, reason: 'x' },
        },
        run: null,
        runInfo: {},
        recordsFolder: '/r',
        now: successfulRun()[0]?.startedAt ?? '',
      }),
    );
    expect(markdown).toContain('### Action version\n\n| Version | Source digest | Ref | Ran |');
    expect(markdown).toContain(
      '| not recorded (a record older than the action identity) |  |  | all 16 stage record(s) |',
    );
    expect(markdown).not.toContain('WARNING');
    const mixed = ran([
      stageRecord('stop', 'primary', 0, 1),
      stageRecord('start', 'primary', 2, 3, { action: v1 }),
    ]);
    expect(mixed.warning).toMatch(
      /: not recorded \(a record older than the action identity\) ran stop \(primary\); 0\.1\.0/,
    );
  });
});

describe('the report stage', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("records its own identity, shows the builds, and warns (log and summary) when the run's records differ", async () => {
    const folder = tempDir('artifacts');
    const v1: ActionIdentity = { version: '0.1.0', source: 'aaaaaaaaaaaa', ref: 'corp/jams-upgrade@v1' };
    const records: StageRecord[] = successfulRun().map((r) => ({ ...r, action: v1 }));
    records.push(
      stageRecord('verify', 'secondary', 700, 710, {
        attempt: 2,
        action: { ...v1, ref: 'corp/jams-upgrade@v2' },
      }),
    );
    writeArtifacts(folder, records);
    const runs = tempDir('report-run');
    const r = await runStage(
      join(runs, 'no-lab'),
      runs,
      { stage: 'report', 'records-folder': folder },
      {
        env: { GITHUB_ACTION_REF: 'v3', GITHUB_ACTION_REPOSITORY: 'corp/jams-upgrade' },
      },
    );
    expect(r.exitCode).toBe(0);
    expect(r.record.action).toEqual({ ...BUILD_INFO, ref: 'corp/jams-upgrade@v3' });
    expect(r.stdout).toMatch(
      /::warning::The stages of this run ran 2 different builds of jams-upgrade: .* ran verify \(secondary\), attempt 2\./,
    );
    expect(r.stdout).toContain('Records read: attempt 1 (16 stages), attempt 2 (1 stage).');
    const summary = readFileSync(join(runs, 'report', 'summary.md'), 'utf8');
    expect(summary).toMatch(/\*\*WARNING\*\*: The stages of this run ran 2 different builds/);
    expect(summary).toContain(
      '| 0.1.0 | aaaaaaaaaaaa | corp/jams-upgrade@v2 | verify (secondary), attempt 2 |',
    );
    expect(summary).toContain(
      'Records read: attempt 1 (16 stages), attempt 2 (1 stage). A step run in more than one',
    );
  });
});
