import { describe, expect, test } from '@jest/globals';
import { ConfigMergeError, describeMerge, mergeConfig, redact } from '../src/jams/config-merge.js';

const saved = `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="WebClientUrl" value="https://jams.corp.example/jams" />
    <add key="MaxConcurrentRequests" value="64" />
    <add key="SmtpPassword" value="hunter2" />
  </appSettings>
  <connectionStrings>
    <add name="Reporting" connectionString="Data Source=SQL02;User Id=rep;Password=s3cret;" />
  </connectionStrings>
</configuration>
`;

const installed = `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- the new version's defaults -->
  <appSettings>
    <add key="WebClientUrl" value="http://localhost/jams" />
    <add key="MaxConcurrentRequests" value="64" />
    <add key="EnableRestApi" value="true" />
  </appSettings>
  <system.serviceModel>
    <bindings />
  </system.serviceModel>
</configuration>
`;

describe('mergeConfig', () => {
  test('reapplies changed and missing entries by key and keeps the new entries and everything else', () => {
    const r = mergeConfig(saved, installed);
    expect(r.changed).toBe(true);
    expect(r.text).toContain('<add key="WebClientUrl" value="https://jams.corp.example/jams"/>');
    expect(r.text).toContain('<add key="EnableRestApi" value="true"/>');
    expect(r.text).toContain('<add key="SmtpPassword" value="hunter2"/>');
    expect(r.text).toContain("<!-- the new version's defaults -->");
    expect(r.text).toContain('<system.serviceModel>');
    // The section the new file lacked is created, indented like its siblings.
    expect(r.text).toMatch(
      /\n {2}<connectionStrings>\n {4}<add name="Reporting" connectionString="Data Source=SQL02;User Id=rep;Password=s3cret;"\/>\n {2}<\/connectionStrings>\n<\/configuration>\n$/,
    );
    expect(r.changes).toEqual([
      expect.objectContaining({ section: 'appSettings', key: 'WebClientUrl', kind: 'changed' }),
      expect.objectContaining({ section: 'appSettings', key: 'SmtpPassword', kind: 'added' }),
      expect.objectContaining({ section: 'appSettings', key: 'EnableRestApi', kind: 'kept' }),
      expect.objectContaining({ section: 'connectionStrings', key: 'Reporting', kind: 'added' }),
    ]);
    expect(r.otherDifferences).toBe(true);
  });

  test('the diff is readable and hides secrets', () => {
    const lines = describeMerge(mergeConfig(saved, installed));
    expect(lines).toContain(
      '~ appSettings WebClientUrl: value="http://localhost/jams" -> value="https://jams.corp.example/jams"',
    );
    expect(lines).toContain('+ appSettings SmtpPassword: value="***"');
    expect(lines).toContain(
      '+ connectionStrings Reporting: connectionString="Data Source=SQL02;User Id=rep;Password=***;"',
    );
    expect(lines.join('\n')).not.toMatch(/hunter2|s3cret/);
  });

  test('merging again changes nothing and returns the text as it is', () => {
    const once = mergeConfig(saved, installed);
    const twice = mergeConfig(saved, once.text);
    expect(twice.changed).toBe(false);
    expect(twice.text).toBe(once.text);
  });

  test('keeps CRLF line endings and the installed text when nothing differs', () => {
    const crlf = installed.replace(/\n/g, '\r\n');
    const r = mergeConfig(saved, crlf);
    expect(r.text.split('\r\n').length).toBeGreaterThan(10);
    expect(r.text.replace(/\r\n/g, '')).not.toContain('\n');
    const same = mergeConfig(installed, crlf);
    expect(same.changed).toBe(false);
    expect(same.text).toBe(crlf);
  });

  test('fills an empty section and copies section attributes', () => {
    const r = mergeConfig(
      '<configuration><appSettings file="custom.config"><add key="A" value="1"/></appSettings></configuration>',
      '<configuration>\n  <appSettings />\n</configuration>',
    );
    expect(r.text).toBe(
      '<configuration>\n  <appSettings file="custom.config">\n    <add key="A" value="1"/>\n  </appSettings>\n</configuration>',
    );
    expect(r.changes.map((c) => `${c.kind} ${c.key}`)).toEqual(['added @file', 'added A']);
  });

  test('notes <remove> and <clear> entries it does not reapply', () => {
    const r = mergeConfig(
      '<configuration><appSettings><clear/><add key="A" value="1"/></appSettings></configuration>',
      '<configuration><appSettings><add key="A" value="1"/></appSettings></configuration>',
    );
    expect(r.changed).toBe(false);
    expect(r.notes).toEqual(['appSettings: <remove>/<clear> entries of the saved file were not reapplied']);
  });

  test('refuses a file that is not well-formed XML, naming which one', () => {
    expect(() => mergeConfig('<configuration><appSettings></configuration>', installed)).toThrow(
      ConfigMergeError,
    );
    expect(() => mergeConfig(saved, 'not xml at all')).toThrow(/the installed file is not well-formed XML/);
  });

  test('a file without the merged sections merges nothing', () => {
    const failover = '<FailoverConfig><Primary>A</Primary><Port>4773</Port></FailoverConfig>';
    const r = mergeConfig(failover, '<FailoverConfig><Primary>B</Primary><Port>4773</Port></FailoverConfig>');
    expect(r.changed).toBe(false);
    expect(r.otherDifferences).toBe(true);
  });
});

describe('redact', () => {
  test.each([
    ['Data Source=S;Password=s3cret;User Id=u', 'Data Source=S;Password=***;User Id=u'],
    ['Data Source=S;Password="p;w\'d";User Id=u', 'Data Source=S;Password=***;User Id=u'],
    [
      "Provider=MSOLEDBSQL19;Password='a;''b';Data Source=S",
      'Provider=MSOLEDBSQL19;Password=***;Data Source=S',
    ],
    [
      'Driver={ODBC Driver 18 for SQL Server};PWD={se;cr}}et};Server=S',
      'Driver={ODBC Driver 18 for SQL Server};PWD=***;Server=S',
    ],
  ])('%s: the whole password value, whatever its quoting, is hidden', (value, shown) => {
    expect(redact('connectionStrings', 'JAMS', 'connectionString', value)).toBe(shown);
  });
});
