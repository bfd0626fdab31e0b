import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  ASSUMPTIONS,
  INSTALLER_KIND_ASSUMPTION,
  judgeContract,
  judgeInstallerKind,
  type ContractObservation,
} from '../src/jams/contract.js';
import { SERVICE_NAME_CANDIDATES } from '../src/jams/unverified.js';

const settings = {
  serviceCandidates: SERVICE_NAME_CANDIDATES,
  resource: 'Maintenance_Window',
  server: 'localhost',
};

/** What a host that matches every assumption shows. */
const PRODUCT = '{6C8A1E2B-7F4D-4B8E-9A51-3D2C7E0B9F11}';

function healthy(): ContractObservation {
  return {
    services: {
      ok: true,
      observed: [
        { name: 'JAMSExecutor', displayName: 'JAMS Executor', status: 'Running' },
        { name: 'JAMSServer', displayName: 'JAMS Server', status: 'Running' },
        { name: 'JAMSScheduler', displayName: 'JAMS Scheduler', status: 'Running' },
      ],
    },
    logOnAs: {
      ok: true,
      observed: { members: ['Name', 'StartMode', 'StartName'], sample: { StartName: 'CORP\\svc' } },
    },
    uninstall: {
      ok: true,
      observed: [
        {
          key: PRODUCT,
          name: 'JAMS Scheduler',
          version: '7.2.100',
          publisher: 'Fortra',
          hasUninstall: true,
          uninstallString: `MsiExec.exe /X${PRODUCT}`,
        },
      ],
    },
    failoverConfig: { ok: true, observed: { exists: true, primary: 'JAMS-PRI', secondary: 'JAMS-SEC' } },
    jamsModule: { ok: true, observed: { path: 'C:\\JAMS.psd1', version: '7.2.100' } },
    failoverStatus: {
      ok: true,
      observed: {
        members: ['Status', 'Role', 'Primary', 'Secondary'],
        sample: { Status: 'Active      ', Role: 'Primary' },
      },
    },
    resource: {
      ok: true,
      observed: {
        exists: true,
        item: { members: ['ResourceName', 'QuantityAvailable'], sample: { QuantityAvailable: '999999' } },
        root: { members: ['Elements', 'Name', 'QualifiedName'], sample: {} },
        request: { members: ['ResourceName', 'QuantityRequired'], sample: {} },
      },
    },
    entry: { ok: true, observed: { members: ['JAMSEntry', 'JobName'], sample: { JobName: 'Nightly' } } },
    history: {
      ok: true,
      observed: {
        from: '2024-05-01T09:45:00.0000000Z',
        to: '2024-05-01T10:00:00.0000000Z',
        count: 12,
        first: {
          members: ['JAMSEntry', 'JobName', 'FinalSeverity', 'CompletionTimeUTC'],
          sample: { FinalSeverity: 'Success' },
        },
        earliest: '2024-05-01T09:46:10.0000000Z',
        latest: '2024-05-01T09:59:30.0000000Z',
        utcOffsetMinutes: 120,
      },
    },
    queues: {
      ok: true,
      observed: {
        queues: [
          { name: 'jamsrequests', exists: true },
          { name: 'jamsrequestssubmitcancel', exists: true },
        ],
        ace: { members: ['AccountName', 'AccessControlEntryType', 'Right'], sample: {} },
      },
    },
    agents: {
      ok: true,
      observed: {
        agent: {
          members: [
            'AgentName',
            'AgentType',
            'AgentPlatform',
            'Version',
            'Online',
            'AgentState',
            'Properties',
          ],
          sample: { AgentName: 'APP01', Version: '7.2.100' },
        },
        properties: ['Address', 'DeployJob', 'DeployCredential'],
        deployJobProperty: 'DeployJob',
        find: true,
        load: true,
        deploy: true,
      },
    },
  };
}

const never = (): never => {
  throw new Error('healthy() shows an agent');
};

const verdict = (o: ContractObservation, id: string) => judgeContract(o, settings).find((v) => v.id === id);

describe('the contract with a real host', () => {
  test('a host that shows every assumed shape: every assumption holds', () => {
    expect(judgeContract(healthy(), settings).map((v) => [v.id, v.holds])).toEqual(
      ASSUMPTIONS.map((a) => [a.id, true]),
    );
  });

  test('a failover status without Role does not hold, and says what is missing and how to settle it', () => {
    const o = healthy();
    o.failoverStatus = {
      ok: true,
      observed: { members: ['Status', 'Primary', 'Secondary'], sample: { Status: 'Active' } },
    };
    const v = verdict(o, 'failover-status');
    expect(v?.holds).toBe(false);
    expect(v?.seen).toMatch(/^no Role; members: Status, Primary, Secondary/);
    expect(v?.settle).toMatch(/JAMS Client/);
  });

  test('services under other short names name the input that settles it', () => {
    const o = healthy();
    o.services = {
      ok: true,
      observed: [{ name: 'JAMS_Scheduler', displayName: 'JAMS Scheduler', status: 'Running' }],
    };
    const v = verdict(o, 'service-names');
    expect(v?.holds).toBe(false);
    expect(v?.seen).toContain('JAMS Scheduler = JAMS_Scheduler (tried JAMSScheduler)');
    expect(v?.seen).toContain('JAMS Executor = none');
    expect(v?.settle).toMatch(/'scheduler-service'/);
  });

  test('a resource item without QuantityAvailable does not hold; a missing resource is not judged', () => {
    const o = healthy();
    if (!o.resource.ok) throw new Error('fixture');
    o.resource.observed.item = { members: ['ResourceName'], sample: {} };
    expect(verdict(o, 'maintenance-resource')?.holds).toBe(false);
    o.resource.observed.exists = false;
    expect(verdict(o, 'maintenance-resource')?.holds).toBeNull();
  });

  test("an Uninstall entry that is not Windows Installer's does not hold, and shows what the host has", () => {
    const o = healthy();
    if (!o.uninstall.ok) throw new Error('fixture');
    const [entry] = o.uninstall.observed;
    if (!entry) throw new Error('fixture');
    entry.uninstallString = '"C:\\ProgramData\\Package Cache\\{B}\\JAMSSetup.exe" /uninstall';
    expect(verdict(o, 'uninstall-string')).toMatchObject({
      holds: false,
      seen: `'JAMS Scheduler' ${PRODUCT}: "C:\\ProgramData\\Package Cache\\{B}\\JAMSSetup.exe" /uninstall`,
    });
    o.uninstall.observed = [];
    expect(verdict(o, 'uninstall-string')?.holds).toBeNull();
  });

  test('a probe that could not look is not a verdict on the shape', () => {
    const o = healthy();
    o.failoverStatus = { ok: false, error: 'Could not connect' };
    expect(verdict(o, 'failover-status')).toMatchObject({
      holds: null,
      seen: 'could not look: Could not connect',
    });
  });

  test('an unknown Status word does not hold', () => {
    const o = healthy();
    o.failoverStatus = {
      ok: true,
      observed: { members: ['Status', 'Role', 'Primary', 'Secondary'], sample: { Status: 'Online' } },
    };
    expect(verdict(o, 'failover-status')?.holds).toBe(false);
  });

  test('an agent without Properties, or a type without Deploy, does not hold; no deploy job or no agent is not judged', () => {
    const o = healthy();
    const agents = { ...(o.agents.ok && o.agents.observed ? o.agents.observed : never()) };
    o.agents = {
      ok: true,
      observed: {
        ...agents,
        agent: {
          members: ['AgentName', 'AgentType', 'AgentPlatform', 'Version', 'Online', 'AgentState'],
          sample: {},
        },
        properties: [],
        deployJobProperty: null,
        deploy: false,
      },
    };
    expect(verdict(o, 'agent')).toMatchObject({
      holds: false,
      seen: expect.stringMatching(
        /^no Agent\.Deploy; no Properties;.*Properties entries seen: none; deploy job read from: no agent/,
      ),
    });
    o.agents = { ok: true, observed: { ...agents, properties: ['Address'], deployJobProperty: null } };
    expect(verdict(o, 'agent')).toMatchObject({
      holds: null,
      seen: expect.stringContaining('Properties entries seen: Address'),
    });
    o.agents = { ok: true, observed: null };
    expect(verdict(o, 'agent')?.holds).toBeNull();
  });

  test('a JAMS 6.x root folder (Requirements, no Elements) does not hold and says so', () => {
    const o = healthy();
    if (!o.resource.ok) throw new Error('healthy() has a resource');
    o.resource.observed.root = { members: ['Name', 'QualifiedName', 'Requirements'], sample: {} };
    expect(verdict(o, 'root-requirement')).toMatchObject({
      holds: false,
      seen: expect.stringContaining('a JAMS 6.x folder (Requirements, no Elements)'),
    });
  });

  test("the installer's kind holds for a Burn bundle only, and is not judged when it could not be read", () => {
    expect(judgeInstallerKind('burn', 'a PE with a .wixburn section')).toMatchObject({
      id: 'installer-kind',
      holds: true,
    });
    expect(judgeInstallerKind('msi', 'an OLE compound file')).toMatchObject({
      holds: false,
      seen: 'msi (an OLE compound file)',
    });
    expect(judgeInstallerKind(null, 'the share did not answer')).toMatchObject({
      holds: null,
      seen: 'not read: the share did not answer',
    });
  });

  test('History.Find: completions outside the window asked do not hold; none is no verdict; no probe is no verdict', () => {
    const o = healthy();
    expect(verdict(o, 'history')?.seen).toMatch(
      /^members: .*; 12 completed from 2024-05-01T09:46:10.0000000Z to .* \(UTC\); this host is UTC\+120 min$/,
    );
    if (!o.history?.ok) throw new Error('fixture');
    // Read as local time on a UTC+2 host: the completions JAMS answers with lie two hours before the window.
    o.history.observed.earliest = '2024-05-01T07:46:10.0000000Z';
    o.history.observed.latest = '2024-05-01T07:59:30.0000000Z';
    expect(verdict(o, 'history')).toMatchObject({
      holds: false,
      seen: expect.stringContaining(
        'outside it: History.Find did not read the window as UTC completion times',
      ),
    });
    o.history.observed.count = 0;
    expect(verdict(o, 'history')).toMatchObject({
      holds: null,
      seen: expect.stringMatching(/^no entry completed/),
    });
    o.history.observed.count = 3;
    o.history.observed.first.members = ['JAMSEntry', 'CompletionTimeUTC'];
    o.history.observed.earliest = o.history.observed.latest = '2024-05-01T09:50:00.0000000Z';
    expect(verdict(o, 'history')).toMatchObject({
      holds: false,
      seen: expect.stringMatching(/^no JobName, FinalSeverity;/),
    });
    delete o.history;
    expect(verdict(o, 'history')).toMatchObject({
      holds: null,
      seen: expect.stringMatching(/^could not look: not probed/),
    });
  });

  test('docs/unverified.md lists every assumption by its id', () => {
    const doc = readFileSync('docs/unverified.md', 'utf8');
    for (const a of [...ASSUMPTIONS, INSTALLER_KIND_ASSUMPTION]) expect(doc).toContain(`\`${a.id}\``);
  });
});
