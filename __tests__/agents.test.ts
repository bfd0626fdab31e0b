import { describe, expect, test } from '@jest/globals';
import {
  clientVersion,
  globMatch,
  judgeDeploy,
  planAgent,
  selectAgents,
  versionStanding,
  type AgentInfo,
  type DeployProgress,
} from '../src/jams/agent-rules.js';
import { problemsWith, settingsWith } from './helpers/inputs.js';
import { agentNextSteps, agentsMarkdown } from '../src/report/agents-section.js';
import { countRows } from '../src/stage-data.js';
import { hostAllowed, reachedHosts } from '../src/tasks/agent-hosts.js';
import { agentHostsOutput } from '../src/stage-data.js';
import { runPool, type Flight, type PoolWork } from '../src/tasks/bounded-pool.js';
import { agentsData } from './helpers/records.js';
import type { AgentRow } from '../src/stage-data.js';

// The agents stage's JAMS knowledge, its pool and its inputs, without PowerShell.

const FOLDER = 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler\\Agents';
const agent = (name: string, extra: Partial<AgentInfo> = {}): AgentInfo => ({
  name,
  type: 'Outgoing',
  platform: 'Windows',
  address: `${name.toLowerCase()}.corp.example`,
  version: '7.2.100',
  online: true,
  state: 'Idle',
  deployJob: 'DeployAgentWindows',
  ...extra,
});

describe('which agents a method can upgrade', () => {
  const plan = (a: AgentInfo, method: 'deploy' | 'msi' = 'deploy') => planAgent(a, method, '7.4.0', FOLDER);

  test.each([
    ['a Windows agent with a deploy job', agent('A'), 'deploy', 'upgrade'],
    [
      'an AgentX with its deploy job',
      agent('B', { type: 'SSHAgentX', platform: 'Unix' }),
      'deploy',
      'upgrade',
    ],
    ['an agent that never reported a version', agent('C', { version: null }), 'deploy', 'upgrade'],
    ['a Windows agent without a deploy job, by msi', agent('D', { deployJob: null }), 'msi', 'upgrade'],
    ['a Windows agent without a deploy job', agent('E', { deployJob: null }), 'deploy', 'manual'],
    ['an incoming agent (JAMS Agent Interactive)', agent('F', { type: 'Incoming' }), 'deploy', 'manual'],
    ['an AgentX, by msi', agent('G', { type: 'SSHAgentX', platform: 'Unix' }), 'msi', 'manual'],
    ['a passive agent', agent('H', { type: 'Passive', platform: 'zOS' }), 'deploy', 'manual'],
    ['an SSH agent', agent('I', { type: 'SSH', platform: 'Unix', version: null }), 'deploy', 'skip'],
    ["the scheduler's own agent", agent('J', { type: 'Local' }), 'msi', 'skip'],
    ['an agent already on the version', agent('K', { version: '7.4.0.1234' }), 'deploy', 'skip'],
    ['an agent newer than the scheduler', agent('L', { version: '7.5.0' }), 'deploy', 'skip'],
  ] as const)('%s: %s -> %s', (_what, a, method, action) => {
    expect(plan(a, method).action).toBe(action);
  });

  test('each manual step says what to do, on which machine', () => {
    const noJob = plan(agent('FILE01', { deployJob: null }));
    expect(noJob).toMatchObject({ reason: 'it has no deploy job' });
    expect(noJob.action === 'manual' && noJob.manualStep).toMatch(
      /deploy job and a deploy credential .* agent-method: msi; or on file01\.corp\.example, as an administrator, run msiexec \/i SetupAgentx64\.msi/,
    );
    const incoming = plan(agent('DESK01', { type: 'Incoming', address: '' }));
    expect(incoming.action === 'manual' && incoming.manualStep).toMatch(
      /^On DESK01, exit the JAMS Agent Interactive/,
    );
    const unix = plan(agent('LNX01', { type: 'SSHAgentX', platform: 'Unix' }), 'msi');
    expect(unix.action === 'manual' && unix.manualStep).toMatch(/agent-method: deploy and agents: LNX01/);
  });

  test('versions compare by their first three parts; none reported is unknown', () => {
    expect(versionStanding('7.4.0.1234', '7.4.0')).toBe('same');
    expect(versionStanding('7.3.338', '7.4.0')).toBe('older');
    expect(versionStanding('7.10.0', '7.4.0')).toBe('newer');
    expect(versionStanding(null, '7.4.0')).toBe('unknown');
  });
});

describe('the agents input', () => {
  const defined = ['APP01', 'APP02', 'FILE01', 'lnx01'].map((n) => agent(n));
  const names = (patterns: string[]) => selectAgents(defined, patterns).selected.map((a) => a.name);

  test('all, names in any case, and * ? patterns, each agent once and in name order', () => {
    expect(names(['all'])).toEqual(['APP01', 'APP02', 'FILE01', 'lnx01']);
    expect(names(['file01', 'APP0?', 'app*'])).toEqual(['APP01', 'APP02', 'FILE01']);
    expect(names(['LNX*'])).toEqual(['lnx01']);
  });

  test('a name JAMS does not define is missing; a pattern that matches nothing is only empty', () => {
    expect(selectAgents(defined, ['APP01', 'NOPE', 'WEB*'])).toMatchObject({
      missing: ['NOPE'],
      empty: ['WEB*'],
    });
  });

  test.each([
    ['APP*', 'app01', true],
    ['A?P0?', 'APP01', true],
    ['*01', 'FILE01', true],
    ['*', '', true],
    ['?', '', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYYcd', false],
    ['**x**', 'x', true],
    ['app.prod', 'appXprod', false],
    ['lnx-0?.prod', 'LNX-01.prod', true],
  ])('%s against %s is %s, with no regex', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });

  test('patterns match in linear time: 20 * and a 10,000-character pattern answer at once', () => {
    const name = `${'A'.repeat(63)}B`;
    const started = performance.now();
    expect(globMatch(`${'A*'.repeat(20)}C`, name)).toBe(false);
    expect(globMatch('*A'.repeat(5000), name)).toBe(false);
    expect(globMatch(`${'*A'.repeat(4999)}*`, name)).toBe(false);
    expect(globMatch(`${'*'.repeat(9998)}AB`, name)).toBe(true);
    expect(selectAgents([agent(name)], [`${'A*'.repeat(5000)}C`]).selected).toEqual([]);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('judging a deploy', () => {
  const progress = (p: Partial<DeployProgress>): DeployProgress => ({
    name: 'APP01',
    agent: { version: '7.2.100', online: true, state: 'Idle' },
    error: null,
    entry: { id: 5001, state: 'Executing', severity: '', status: '' },
    ...p,
  });
  const judge = (p: Partial<DeployProgress>, elapsed = 1000, held = 0) =>
    judgeDeploy(progress(p), '7.4.0', elapsed, 60_000, held, 30_000);

  test('done when the agent is online on the target; waiting while the deploy job runs', () => {
    expect(judge({ agent: { version: '7.4.0.12', online: true, state: 'Idle' } })).toEqual({
      done: true,
      ok: true,
      version: '7.4.0.12',
    });
    expect(judge({})).toEqual({ done: false });
    expect(judge({ agent: { version: '7.4.0', online: false, state: 'Unreachable' } })).toEqual({
      done: false,
    });
  });

  test('a deploy entry that ended in error fails at once, with its status', () => {
    const entry = {
      id: 5001,
      state: 'Completed',
      severity: 'Error',
      status: 'The network path was not found.',
    };
    expect(judge({ entry })).toEqual({
      done: true,
      ok: false,
      held: false,
      reason: 'its deploy job (entry 5001) ended with Error: The network path was not found.',
    });
  });

  test('an entry waiting for resources past the grace is held by the maintenance window', () => {
    const entry = { id: 5002, state: 'ResourceWait', severity: '', status: '' };
    expect(judge({ entry }, 20_000, 20_000)).toEqual({ done: false });
    expect(judge({ entry }, 31_000, 30_000)).toMatchObject({
      ok: false,
      held: true,
      reason: expect.stringMatching(/maintenance window/),
    });
  });

  test('at the timeout the reason says what was last seen', () => {
    const ended = { id: 5003, state: 'Completed', severity: 'Success', status: '' };
    expect(judge({}, 60_000)).toMatchObject({
      reason: 'its deploy job (entry 5001) is still Executing after 60 s',
    });
    expect(
      judge({ entry: ended, agent: { version: '7.4.0', online: false, state: 'Unreachable' } }, 61_000),
    ).toMatchObject({
      reason:
        'its deploy job (entry 5003) finished, and the agent is not online again after 61 s (state Unreachable)',
    });
    expect(judge({ entry: ended }, 61_000)).toMatchObject({
      reason: 'its deploy job (entry 5003) finished, and the agent reports 7.2.100 after 61 s, not 7.4.0',
    });
    expect(judge({ entry: null, agent: null, error: 'Agent APP01 was not found' }, 61_000)).toMatchObject({
      reason: 'the agent could not be read after 61 s: Agent APP01 was not found',
    });
  });

  test("a desktop client's version is the JAMS product that is not an agent", () => {
    expect(
      clientVersion([
        { name: 'JAMS Agent', version: '7.2.100' },
        { name: 'JAMS Client', version: '7.4.0' },
      ]),
    ).toBe('7.4.0');
    expect(clientVersion([{ name: 'JAMS Agent', version: '7.2.100' }])).toBeNull();
  });
});

describe('the bounded pool', () => {
  /** Items that end `runs[item]` ticks after they start; item 'bad' cannot start, 'stuck' stops the rest. */
  function work(runs: Record<string, number>, seen: { inFlight: number[]; starts: string[][] }) {
    let clock = 0;
    let halted: string | null = null;
    const w: PoolWork<string, number, string> = {
      start: (items) => {
        seen.starts.push(items);
        return Promise.resolve(
          items.map((item) =>
            item === 'bad' ? { item, error: new Error('refused') } : { item, handle: clock },
          ),
        );
      },
      poll: (flights: readonly Flight<string, number>[]) => {
        seen.inFlight.push(flights.length);
        clock++;
        const ended = new Map<string, string>();
        for (const f of flights) {
          if (f.item === 'stuck') halted = 'the window holds them';
          if (clock - f.handle >= (runs[f.item] ?? 1)) ended.set(f.item, `ok ${f.item}`);
        }
        return Promise.resolve(ended);
      },
      failed: (item, err) => `failed ${item}: ${err.message}`,
      succeeded: (r) => r.startsWith('ok'),
      halt: () => halted,
      notStarted: (item, reason) => `not started ${item}: ${reason}`,
    };
    return w;
  }
  const options = (lines: string[], limit: number) => ({
    limit,
    pollIntervalMs: 400,
    label: 'deploy agent',
    progress: (line: string) => lines.push(line),
    sleep: () => Promise.resolve(),
  });

  test('never more than the limit in flight; freed slots are refilled together; one look per cycle', async () => {
    const seen = { inFlight: [] as number[], starts: [] as string[][] };
    const lines: string[] = [];
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const results = await runPool(items, work({ a: 1, b: 3, c: 1, d: 2 }, seen), options(lines, 3));
    expect([...results.keys()].sort()).toEqual(items);
    expect(Math.max(...seen.inFlight)).toBe(3);
    // a and c end first and d, e take their slots together; then e frees one for f, and b, d, f free the last for g.
    expect(seen.starts).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f'], ['g']]);
    expect(lines[lines.length - 1]).toBe('deploy agent: 7 done, 0 failed, 0 left (0 in flight)');
  });

  test('an item that cannot start fails alone; a halt ends the rest unstarted', async () => {
    const seen = { inFlight: [] as number[], starts: [] as string[][] };
    const lines: string[] = [];
    const results = await runPool(['bad', 'stuck', 'x', 'y'], work({ stuck: 5 }, seen), options(lines, 2));
    expect(results.get('bad')).toBe('failed bad: refused');
    expect(results.get('stuck')).toBe('ok stuck');
    expect(results.get('x')).toBe('not started x: the window holds them');
    expect(results.get('y')).toBe('not started y: the window holds them');
    expect(lines[lines.length - 1]).toBe('deploy agent: 1 done, 3 failed, 0 left (0 in flight)');
  });
});

describe('the agents inputs', () => {
  test('defaults: no agent, deploy, 8 at a time, 900 s, warn, no client', () => {
    expect(settingsWith({ stage: 'agents' }).agents).toEqual({
      patterns: [],
      method: 'deploy',
      parallel: 8,
      timeoutMs: 900_000,
      onFailure: 'warn',
      clients: [],
      msiSigner: null,
      hostsAllowed: null,
      clientInstaller: { path: null, sha256: null, arguments: ['/quiet', '/norestart', '/log', '{log}'] },
    });
    const trust = settingsWith({
      stage: 'agents',
      'agent-msi-signer': 'ab'.repeat(20),
      'agent-hosts-allowed': 'app*.corp.example\nws0?',
    }).agents;
    expect(trust).toMatchObject({ msiSigner: 'AB'.repeat(20), hostsAllowed: ['app*.corp.example', 'ws0?'] });
    expect(
      settingsWith({ stage: 'agents', 'agent-msi-signer': 'CN=JAMS Software, O=Fortra' }).agents.msiSigner,
    ).toBe('CN=JAMS Software, O=Fortra');
    expect(settingsWith({ stage: 'agents', agents: 'APP01, WEB*\nall' }).agents.patterns).toEqual([
      'APP01',
      'WEB*',
      'all',
    ]);
  });

  test('names and patterns of another form, a bad method and clients without the installer are refused', () => {
    expect(
      problemsWith({
        stage: 'agents',
        agents: 'APP01, APP$02',
        'agent-method': 'push',
        'agents-parallel': '0',
      }),
    ).toEqual([
      expect.stringMatching(
        /^input 'agents' has the value 'APP01, APP\$02': 'APP\$02' is refused; give agent names/,
      ),
      expect.stringMatching(/^input 'agent-method' has the value 'push': use deploy .* or msi/),
      expect.stringMatching(/^input 'agents-parallel' has the value '0': use 1 to 64/),
    ]);
    expect(problemsWith({ stage: 'agents', clients: 'ws01.corp.example' })).toEqual([
      expect.stringMatching(/^input 'client-installer-path' is empty/),
      expect.stringMatching(/^input 'client-installer-sha256' is empty/),
    ]);
    expect(problemsWith({ stage: 'agents', clients: 'ws01 corp' })).toEqual([
      expect.stringMatching(/^input 'clients' .*: give the host names/),
    ]);
  });
});

describe('the agents report', () => {
  test('the table, the steps left to a person, and a next step naming them', () => {
    const data = agentsData();
    const manual: AgentRow = {
      ...(data.rows[0] as AgentRow),
      name: 'FILE01',
      result: 'manual',
      manualStep: 'Give it a deploy job.',
      detail: 'it has no deploy job',
    };
    data.rows.push(manual);
    data.counts = countRows(data.rows);
    const text = agentsMarkdown(data);
    expect(text).toMatch(/\*\*1 upgraded, 1 skipped, 1 need a manual step\*\*/);
    expect(text).toContain(
      '| APP01 | Outgoing Windows on app01.corp.example | 7.2.100 | 7.4.0 | deploy | 35 s | upgraded |',
    );
    expect(text).toContain('- **FILE01** (it has no deploy job): Give it a deploy job.');

    expect(agentNextSteps(data)).toEqual([
      expect.stringMatching(/^Upgrade by hand what the agents job did not: FILE01\./),
    ]);
    expect(agentNextSteps(agentsData())).toEqual([]);
  });
});

describe('the hosts the agents stage reaches', () => {
  test('agent-hosts-allowed: names and * ? patterns, case-insensitive; none set allows any host', () => {
    expect(hostAllowed('APP01.corp.example', ['app*.corp.example'])).toBe(true);
    expect(hostAllowed('app01.corp.example.evil.net', ['app*.corp.example'])).toBe(false);
    expect(hostAllowed('ws01', ['ws0?', 'db01'])).toBe(true);
    expect(hostAllowed('10.0.0.5', ['app*'])).toBe(false);
    expect(hostAllowed('anything', null)).toBe(true);
  });

  test('the hosts of the agents to upgrade and the workstations, each with how it is reached', () => {
    const hosts = reachedHosts([agent('APP01'), agent('NOADDR', { address: ' ' })], 'msi', ['ws01']);
    expect(hosts).toEqual([
      { host: 'app01.corp.example', source: 'agent APP01', how: 'WinRM, the agent MSI' },
      { host: 'NOADDR', source: 'agent NOADDR', how: 'WinRM, the agent MSI' },
      { host: 'ws01', source: 'clients input', how: 'WinRM, the JAMS installer' },
    ]);
  });

  test('the gate output keeps host-name characters only, so a name from JAMS carries no markup or command', () => {
    const output = agentHostsOutput({
      hosts: [
        { host: 'app01.corp.example', source: 'agent APP01', how: '' },
        { host: '::set-output name=x::y', source: 'agent EVIL', how: '' },
        { host: 'a|b<script>`x`\n## y', source: 'agent EVIL2', how: '' },
      ],
      allowed: null,
      notes: [],
    });
    expect(output).toBe('app01.corp.example, ??set-output?name?x??y, a?b?script??x?????y');
    expect(output).not.toMatch(/[:|<>`\n#]/);
    expect(agentHostsOutput({ hosts: [], allowed: null, notes: [] })).toBe('none');
  });
});
