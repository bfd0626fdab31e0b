import { beforeEach, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editLab, labPath, readLab } from '../lab/control.js';
import type { StageRecord } from '../src/report/record.js';
import { DEFAULT_INSTALL_FOLDER } from '../src/jams/unverified.js';
import { freshLab, runStage } from './helpers/run-stage.js';

// common.config's connection-string forms (SqlClient, OLE DB driver, ODBC driver) read by the real module under pwsh,
// through preflight and the backup against the lab's SQL stand-in.
let lab: string;
let runs: string;
const SHARE = '\\\\FILES\\backup\\jams';
const STATE = 'C:\\ProgramData\\jams-upgrade';
const BACKUP_SQL = 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT';

beforeEach(async () => {
  ({ lab, runs } = await freshLab());
});

const xml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Replaces the primary's common.config with these connection strings, in this order. */
function commonConfig(connections: [name: string, text: string][]): void {
  const adds = connections.map(
    ([name, text]) => `    <add name="${xml(name)}" connectionString="${xml(text)}" />`,
  );
  writeFileSync(
    labPath(lab, 'primary', `${DEFAULT_INSTALL_FOLDER}\\common.config`),
    ['<?xml version="1.0" encoding="utf-8"?>', '<configuration>', '  <connectionStrings>', ...adds]
      .concat(['  </connectionStrings>', '</configuration>', ''])
      .join('\n'),
  );
}

const preflight = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'preflight', role: 'primary', ...extra });
const backup = (extra: Record<string, string> = {}) =>
  runStage(lab, runs, { stage: 'backup', role: 'primary', 'backup-path': SHARE, ...extra });
const connections = (r: { record: StageRecord }) => r.record.data.databaseConnections?.connections;

/**
 * What the stage wrote of common.config's connections: its record, log and summary, and the transcript's lines of the
 * connections call (the config save's own lines carry whole files, as the saved copies do).
 */
function stageFiles(stage: string): string {
  const folder = join(runs, `${stage}-primary`);
  return readdirSync(folder)
    .filter((f) => /\.(log|json|md)$/.test(f))
    .map((f) => readFileSync(join(folder, f), 'utf8'))
    .map((text) => text.split('\n').filter((l) => !/^\S+ [<>] Read-JuTextFiles /.test(l)))
    .flat()
    .join('\n');
}

test('an OLE DB string gives its server and database to preflight and the backup; an unreadable lower one warns', async () => {
  editLab(lab, (s) => {
    s.sql.server = 'SQL01\\JAMS';
    s.sql.databases.push('JAMSProd');
  });
  commonConfig([
    ['Reporting', 'Driver={ODBC Driver 18 for SQL Server};Server=SQL02;UID=rep;PWD={pw;Rep0rt}'],
    [
      'JAMSDatabase',
      'Provider=MSOLEDBSQL19;Data Source=SQL01\\JAMS;Initial Catalog=JAMSProd;Integrated Security=SSPI;' +
        'Use Encryption for Data=Optional',
    ],
  ]);
  const r = await preflight();
  expect(r.exitCode).toBe(0);
  expect(r.record.data['database']).toEqual({
    server: 'SQL01\\JAMS',
    database: 'JAMSProd',
    auth: 'windows',
    source: expect.stringMatching(/common\.config \(connection string JAMSDatabase\)$/),
    form: 'oledb',
  });
  expect(r.record.warnings.filter((w) => w.includes('common.config'))).toEqual([
    expect.stringMatching(
      /common\.config: connection string 'Reporting' \(ODBC\) could not be read: it names no database \(Initial Catalog, Database\)\. It is not used: the JAMS database is read from connection string 'JAMSDatabase' \(OLE DB\)\.$/,
    ),
  ]);
  expect(stageFiles('preflight')).not.toMatch(/pw;Rep0rt|UID=rep/);

  const b = await backup();
  expect(b.exitCode).toBe(0);
  expect(b.record.data['database']).toMatchObject({
    server: 'SQL01\\JAMS',
    database: 'JAMSProd',
    form: 'oledb',
  });
  expect(readLab(lab).sql.log.map((c) => [c.sql, c.parameters['db']])).toEqual([
    [BACKUP_SQL, 'JAMSProd'],
    [expect.stringMatching(/^SELECT TOP 1 b\.backup_set_uuid/), undefined],
    [expect.stringMatching(/^RESTORE VERIFYONLY/), undefined],
  ]);
  expect(stageFiles('backup')).not.toMatch(/pw;Rep0rt/);
});

test('an ODBC string (braces, tcp:server,port) gives the server as written, and the backup runs against it', async () => {
  commonConfig([
    [
      'JAMSDatabase',
      'Driver={ODBC Driver 18 for SQL Server};Server=tcp:SQL01,1433;Database={JAMS};Trusted_Connection=yes;Encrypt=yes',
    ],
  ]);
  const b = await backup();
  expect(b.exitCode).toBe(0);
  expect(b.record.data['database']).toMatchObject({
    server: 'tcp:SQL01,1433',
    database: 'JAMS',
    form: 'odbc',
  });
  expect(connections(b)).toEqual([
    {
      name: 'JAMSDatabase',
      form: 'odbc',
      dataSource: 'tcp:SQL01,1433',
      initialCatalog: 'JAMS',
      integratedSecurity: true,
    },
  ]);
  expect(readLab(lab).sql.log[0]).toMatchObject({ sql: BACKUP_SQL, parameters: { db: 'JAMS' } });
  // The backup, msdb's record of its backup set, and the verification.
  expect(readLab(lab).sql.log).toHaveLength(3);
});

test('each form is read with its own quoting rules, and what cannot be read is named without its text', async () => {
  commonConfig([
    ['JAMSDatabase', 'Server=SQL01;Database=JAMS;Trusted_Connection=True'],
    ['Quoted', `Data Source=SQL01;Initial Catalog=JAMS;User ID=u;Password="p;w'd"`],
    [
      'OdbcBraces',
      'DRIVER={ODBC Driver 18 for SQL Server};SERVER={SQL}}01};DATABASE=JAMS;UID=u;PWD={p;w}}d}',
    ],
    ['Dsn', 'DSN=JamsDsn;Trusted_Connection=yes'],
    ['Twice', 'Server=SQL01;Data Source=SQL02;Database=JAMS'],
    ['Garbage', 'not a connection string'],
    ['Empty', ''],
  ]);
  const r = await preflight();
  expect(r.exitCode).toBe(0);
  const ok = (name: string, form: string, dataSource: string, integratedSecurity: boolean) => ({
    name,
    form,
    dataSource,
    initialCatalog: 'JAMS',
    integratedSecurity,
  });
  expect(connections(r)).toEqual([
    ok('JAMSDatabase', 'sqlclient', 'SQL01', true),
    ok('Quoted', 'sqlclient', 'SQL01', false),
    ok('OdbcBraces', 'odbc', 'SQL}01', false),
    expect.objectContaining({
      name: 'Dsn',
      form: 'odbc',
      error: expect.stringMatching(/^it names an ODBC data source \(DSN\).*; it names no database/),
    }),
    expect.objectContaining({
      name: 'Twice',
      form: 'sqlclient',
      error: 'it names the server twice with different values (Data Source, Server)',
    }),
    expect.objectContaining({
      name: 'Garbage',
      form: null,
      error: expect.stringMatching(/^it does not parse/),
    }),
    expect.objectContaining({ name: 'Empty', form: null, error: expect.stringMatching(/empty or missing/) }),
  ]);
  expect(
    r.record.warnings
      .filter((w) => w.includes('common.config'))
      .map((w) => /connection string '(\w+)'/.exec(w)?.[1]),
  ).toEqual(['Dsn', 'Twice', 'Garbage', 'Empty']);
  expect(stageFiles('preflight')).not.toMatch(/p;w|JamsDsn|not a connection string/);
});

test('an unreadable JAMS connection stops preflight and the backup with its name, why and the inputs to set', async () => {
  commonConfig([
    ['JAMSDatabase', 'Driver={ODBC Driver 18 for SQL Server};Server=SQL01;UID=jams;PWD={hunter2}'],
  ]);
  const r = await preflight();
  expect(r.exitCode).toBe(1);
  expect(r.record.failure?.message).toMatch(
    /^The JAMS database could not be read from .*common\.config: its connection string 'JAMSDatabase' \(ODBC\) could not be read: it names no database \(Initial Catalog, Database\)\.$/,
  );
  expect(r.record.failure?.hostState).toBe('Nothing was changed.');
  expect(r.record.failure?.nextStep).toMatch(/^Set the 'sql-server' and 'sql-database' inputs/);
  expect(r.record.actions).toEqual([]);
  expect(connections(r)).toEqual([
    expect.objectContaining({ name: 'JAMSDatabase', form: 'odbc', dataSource: 'SQL01', initialCatalog: '' }),
  ]);
  expect(stageFiles('preflight')).not.toMatch(/hunter2/);

  // The backup stops the same way before it saves or backs up anything.
  const b = await backup();
  expect(b.exitCode).toBe(1);
  expect(b.record.failure?.message).toMatch(
    /its connection string 'JAMSDatabase' \(ODBC\) could not be read/,
  );
  expect(b.record.failure?.nextStep).toMatch(/'sql-server' and 'sql-database'/);
  expect(b.record.actions).toEqual([]);
  expect(readLab(lab).sql.log).toEqual([]);
  expect(existsSync(labPath(lab, 'primary', `${STATE}\\backup-record.json`))).toBe(false);

  const inputs = { 'sql-server': 'SQL01', 'sql-database': 'JAMS' };
  const again = await preflight(inputs);
  expect(again.exitCode).toBe(0);
  expect(again.record.data['database']).toMatchObject({
    server: 'SQL01',
    database: 'JAMS',
    source: 'inputs sql-server and sql-database',
    form: null,
  });
  expect((await backup(inputs)).exitCode).toBe(0);
});

test('a common.config that is not XML names the file and the line, not its text', async () => {
  writeFileSync(
    labPath(lab, 'primary', `${DEFAULT_INSTALL_FOLDER}\\common.config`),
    '<configuration>\n  <connectionStrings>\n    <add name="JAMSDatabase" connectionString="Password=hunter2 />\n',
  );
  const r = await preflight();
  expect(r.exitCode).toBe(1);
  expect(r.record.failure?.message).toMatch(
    /^The JAMS database could not be read from .*common\.config: it is not well-formed XML \(line \d+\)\.$/,
  );
  expect(stageFiles('preflight')).not.toMatch(/hunter2/);
});
