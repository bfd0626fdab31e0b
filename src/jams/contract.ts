/**
 * The contract between jams-upgrade and a real JAMS host: each assumption the platform file makes that no session could
 * verify, judged against what preflight saw on the host (Get-JuContract). docs/unverified.md lists the same assumptions
 * by id; a user's first dry-run on their own pair records which of them hold.
 */
import { SERVICE_LABELS, type ServiceKind } from './services.js';
import { msiProductCode } from './uninstall.js';
import { FAILOVER_STATUS_LABELS } from './unverified.js';

/** One probe of the host: what it observed, or the error that stopped it. */
export type Probe<T> = { ok: true; observed: T } | { ok: false; error: string };

/** Member names and non-secret sample values of one object the host returned. */
export interface Sample {
  members: string[];
  sample: Record<string, string>;
}

export interface ContractObservation {
  services: Probe<{ name: string; displayName: string; status: string }[]>;
  logOnAs: Probe<Sample>;
  uninstall: Probe<
    {
      key: string;
      name: string;
      version: string;
      publisher: string;
      hasUninstall: boolean;
      uninstallString?: string;
    }[]
  >;
  failoverConfig: Probe<{ exists: boolean; primary?: string | null; secondary?: string | null }>;
  jamsModule: Probe<{ path: string; version: string }>;
  failoverStatus: Probe<Sample>;
  /** The resource, the root folder, and the first ResourceRequirement among the root folder's Elements. */
  resource: Probe<{ exists: boolean; item: Sample; root: Sample; request: Sample }>;
  entry: Probe<Sample>;
  /**
   * What History.Find answered for the 15 minutes before `to`, unfiltered (platform/History.ps1): how many, the first's
   * members, the earliest and latest CompletionTimeUTC (UTC, ISO 8601), and the host's UTC offset in minutes.
   * Absent in an observation recorded before the probe existed.
   */
  history?: Probe<HistoryObservation>;
  queues: Probe<{ queues: { name: string; exists: boolean }[]; ace: Sample } | null>;
  /**
   * The first agent definition, the names of the Properties entries the agents carry (and which of them the platform
   * file reads as the deploy job), and whether MVPSI.JAMS.Agent has Find, Load and Deploy; null when no agent is defined.
   */
  agents: Probe<{
    agent: Sample;
    properties: string[];
    deployJobProperty: string | null;
    find: boolean;
    load: boolean;
    deploy: boolean;
  } | null>;
}

/** The history probe's observation (PlatformHistoryProbe). */
export interface HistoryObservation {
  from: string;
  to: string;
  count: number;
  first: Sample;
  earliest: string | null;
  latest: string | null;
  utcOffsetMinutes: number;
}

/** What the judge knows besides the observation: the names the run is configured with. */
export interface ContractSettings {
  serviceCandidates: Record<ServiceKind, readonly string[]>;
  resource: string;
  server: string;
}

/** holds: true or false, or null when the host showed nothing to judge by (nothing is wrong, nothing is proven). */
export interface Verdict {
  id: string;
  assumption: string;
  holds: boolean | null;
  seen: string;
  settle: string;
}

interface Assumption {
  id: string;
  assumption: string;
  settle: string;
  judge(o: ContractObservation, s: ContractSettings): { holds: boolean | null; seen: string };
}

/**
 * The members of the vendor's MVPSI.JAMS types that src/host/ps/platform/*.ps1 reads or calls, by type. Each is
 * in JAMSShr.dll 7.3 and 7.5 (__tests__/jams-surface.pwsh.test.ts); the probes below check a host shows them.
 */
export const JAMS_MEMBERS = {
  'MVPSI.JAMS.Server': ['GetServer', 'Name'],
  'MVPSI.JAMS.Agent': [
    'AgentName',
    'AgentType',
    'AgentPlatform',
    'Version',
    'Online',
    'AgentState',
    'Properties',
    'Find',
    'Load',
    'Deploy',
  ],
  'MVPSI.JAMS.PropertyValueCollection': ['ContainsProperty', 'GetValue'],
  'MVPSI.JAMS.PropertyValue': ['PropertyName'],
  'MVPSI.JAMS.Folder': ['Elements', 'Update'],
  'MVPSI.JAMS.ElementCollection': ['Add'],
  'MVPSI.JAMS.ResourceRequirement': ['ResourceName', 'QuantityRequired'],
  'MVPSI.JAMS.Resource': ['ResourceName', 'QuantityAvailable', 'Update'],
  'MVPSI.JAMS.Entry': [
    'JAMSEntry',
    'JobName',
    'CurrentState',
    'FinalSeverity',
    'FinalStatus',
    'StartTimeUTC',
    'AvgElapsedTime',
  ],
  'MVPSI.JAMS.DeltaTime': ['TotalSeconds'],
  'MVPSI.JAMS.History': ['Find', 'JAMSEntry', 'JobName', 'FinalSeverity', 'CompletionTimeUTC'],
  'MVPSI.JAMS.HistorySearchOptions': ['None'],
} as const satisfies Record<string, readonly string[]>;

/** The History members the soak counts by (Get-JuEntryHistory), besides CompletionTimeUTC, which the probe reads. */
const HISTORY_MEMBERS = ['JAMSEntry', 'JobName', 'FinalSeverity'] as const;

/** The agent members the agents stage reads (Get-JuAgents): the properties among JAMS_MEMBERS' Agent. */
const AGENT_MEMBERS = JAMS_MEMBERS['MVPSI.JAMS.Agent'].filter((m) => !['Find', 'Load', 'Deploy'].includes(m));

/** How the root-requirement verdict names a JAMS 6.x root folder (preflight refuses such a host). */
export const JAMS6_FOLDER = 'a JAMS 6.x folder (Requirements, no Elements)';

const missing = (members: readonly string[], wanted: readonly string[]) =>
  wanted.filter((w) => !members.includes(w));

/** A probe that failed is no verdict on the shape: it says what stopped it. */
function judged<T>(probe: Probe<T>, judge: (value: T) => { holds: boolean | null; seen: string }) {
  return probe.ok ? judge(probe.observed) : { holds: null, seen: `could not look: ${probe.error}` };
}

function shape(sample: Sample, wanted: readonly string[]): { holds: boolean; seen: string } {
  const absent = missing(sample.members, wanted);
  const values = Object.entries(sample.sample)
    .map(([k, v]) => `${k}='${v}'`)
    .join(', ');
  return {
    holds: absent.length === 0,
    seen: `${absent.length ? `no ${absent.join(', ')}; ` : ''}members: ${sample.members.join(', ') || 'none'}${values ? `; ${values}` : ''}`,
  };
}

export const ASSUMPTIONS: readonly Assumption[] = [
  {
    id: 'service-names',
    assumption:
      'The JAMS services are JAMS Executor, JAMS Server and JAMS Scheduler under the short names jams-upgrade tries.',
    settle:
      "set the 'executor-service', 'server-service' or 'scheduler-service' input to the short name seen",
    judge: (o, s) =>
      judged(o.services, (list) => {
        const parts = (Object.keys(SERVICE_LABELS) as ServiceKind[]).map((kind) => {
          const svc = list.find((x) => x.displayName === SERVICE_LABELS[kind]);
          const ok =
            svc !== undefined &&
            s.serviceCandidates[kind].some((c) => c.toLowerCase() === svc.name.toLowerCase());
          return {
            ok,
            text: `${SERVICE_LABELS[kind]} = ${svc?.name ?? 'none'}${ok ? '' : ` (tried ${s.serviceCandidates[kind].join(', ')})`}`,
          };
        });
        return { holds: parts.every((p) => p.ok), seen: parts.map((p) => p.text).join('; ') };
      }),
  },
  {
    id: 'log-on-as',
    assumption: "Win32_Service carries a service's Log On As account (StartName) and start type (StartMode).",
    settle: "check `Get-CimInstance Win32_Service | Where-Object DisplayName -like 'JAMS *' | Format-List *`",
    judge: (o) => judged(o.logOnAs, (sample) => shape(sample, ['StartName', 'StartMode'])),
  },
  {
    id: 'uninstall-key',
    assumption:
      'An Uninstall key whose DisplayName starts with JAMS carries the installed version (DisplayVersion).',
    settle: 'nothing to set: the version is then read from JAMSScheduler.exe; check Programs and Features',
    judge: (o) =>
      judged(o.uninstall, (entries) => {
        const withVersion = entries.filter((e) => e.version);
        return {
          holds: withVersion.length > 0,
          seen: entries.length
            ? entries.map((e) => `'${e.name}' ${e.version || '(no DisplayVersion)'}`).join('; ')
            : 'no Uninstall entry named JAMS*',
        };
      }),
  },
  {
    id: 'uninstall-string',
    assumption:
      'The JAMS Uninstall entry is a Windows Installer product: its UninstallString is MsiExec.exe /X{product code} ' +
      "(or /I), its key the product code. A rollback's uninstall-first removes it with msiexec /x and nothing else.",
    settle:
      'nothing to set for an upgrade; before a rollback over a newer version, plan to remove JAMS by hand (Programs ' +
      'and Features) if its installer refuses the downgrade',
    judge: (o) =>
      judged(o.uninstall, (entries) => {
        const jams = entries.filter((e) => e.version);
        if (jams.length === 0) return { holds: null, seen: 'no Uninstall entry named JAMS* with a version' };
        return {
          holds: jams.some((e) => msiProductCode(e.uninstallString ?? '') === e.key.toUpperCase()),
          seen: jams
            .map((e) => `'${e.name}' ${e.key}: ${e.uninstallString || 'no UninstallString'}`)
            .join('; '),
        };
      }),
  },
  {
    id: 'failover-config',
    assumption: 'Failover.config in the install folder names the Primary and the Secondary.',
    settle:
      "set 'install-folder' to the folder that holds Failover.config, or configure failover in the JAMS Client",
    judge: (o) =>
      judged(o.failoverConfig, (c) => ({
        holds: c.exists && !!c.primary && !!c.secondary,
        seen: c.exists
          ? `Primary '${c.primary ?? ''}', Secondary '${c.secondary ?? ''}'`
          : 'no Failover.config',
      })),
  },
  {
    id: 'jams-module',
    assumption: 'The JAMS PowerShell module loads in the PowerShell that runs the stage.',
    settle:
      "install the JAMS Client's PowerShell module on the host, and keep 'shell' on auto (Windows PowerShell 5.1)",
    judge: (o) => judged(o.jamsModule, (m) => ({ holds: true, seen: `JAMS ${m.version} from ${m.path}` })),
  },
  {
    id: 'failover-status',
    assumption:
      'Get-JAMSFailoverStatus -Server <node> returns one object with Status (Active or Passive), Role, Primary and Secondary.',
    settle:
      'compare with the JAMS Client (About > JAMS Servers > Status); until it holds, start and verify cannot judge roles',
    judge: (o) =>
      judged(o.failoverStatus, (sample) => {
        const result = shape(sample, ['Status', 'Role', 'Primary', 'Secondary']);
        const status = (sample.sample['Status'] ?? '').trim().toLowerCase();
        const known = status in FAILOVER_STATUS_LABELS;
        return {
          holds: result.holds && known,
          seen: `${result.seen}${known ? '' : ' (Status not understood)'}`,
        };
      }),
  },
  {
    id: 'maintenance-resource',
    assumption:
      'The maintenance window is a resource JAMS::<server>\\Resources\\<name> with QuantityAvailable.',
    settle:
      "set 'maintenance-resource' to the resource the root folder requires, and check `Get-Item JAMS::localhost\\Resources\\<name> | Format-List *`",
    judge: (o, s) =>
      judged(o.resource, (r) =>
        r.exists
          ? shape(r.item, ['QuantityAvailable'])
          : {
              holds: null,
              seen: `no resource ${s.resource} on ${s.server} yet (maintenance-on says how to create it)`,
            },
      ),
  },
  {
    id: 'root-requirement',
    assumption:
      'The root folder (JAMS::<server>\\) holds its resource requirements in Elements, as MVPSI.JAMS.ResourceRequirement ' +
      'elements with ResourceName and QuantityRequired (JAMS 7; JAMS 6.x kept them in Requirements).',
    settle:
      'check `(Get-Item JAMS::localhost\\).Elements | Format-List *`; a JAMS 6.x server is upgraded to 7 by hand first',
    judge: (o) =>
      judged(o.resource, (r) => {
        if (!r.root.members.includes('Elements') && r.root.members.includes('Requirements'))
          return {
            holds: false,
            seen: `${JAMS6_FOLDER}; members: ${r.root.members.join(', ')}`,
          };
        if (!r.root.members.includes('Elements')) return shape(r.root, ['Elements']);
        if (r.request.members.length === 0)
          return { holds: null, seen: 'the root folder requires no resource yet' };
        return shape(r.request, ['ResourceName', 'QuantityRequired']);
      }),
  },
  {
    id: 'entry',
    assumption: 'Get-JAMSEntry -State Executing lists entries with JAMSEntry (the entry number) and JobName.',
    settle:
      'check `Get-JAMSEntry -Server localhost -State Executing | Select-Object -First 1 | Format-List *` while a job runs',
    judge: (o) =>
      judged(o.entry, (sample) =>
        sample.members.length
          ? shape(sample, ['JAMSEntry', 'JobName'])
          : { holds: null, seen: 'no entry to look at' },
      ),
  },
  {
    id: 'history',
    assumption:
      '[MVPSI.JAMS.History]::Find with an empty selection (every job), every severity, checkCompletion only and ' +
      'HistorySearchOptions.None lists the entries that completed between two UTC times, as History objects with ' +
      'JAMSEntry, JobName, FinalSeverity and CompletionTimeUTC: the soak counts failed entries with it.',
    settle:
      "compare the soak's counts with the JAMS Client's History view for the same window; until it holds, judge the " +
      "soak's failure rate there (see docs/unverified.md, history)",
    judge: (o) =>
      judged(
        o.history ?? { ok: false, error: 'not probed (a record from before the history probe)' },
        (h) => {
          const window = `${h.from} to ${h.to} (UTC)`;
          if (h.count === 0)
            return {
              holds: null,
              seen:
                `no entry completed in the window ${window}` +
                (h.utcOffsetMinutes < 0
                  ? ' (or History.Find read it as local time, which lies ahead of UTC here)'
                  : ''),
            };
          const result = shape(h.first, HISTORY_MEMBERS);
          const from = Date.parse(h.from);
          const to = Date.parse(h.to);
          const outside = [h.earliest, h.latest].some(
            (t) => t === null || Date.parse(t) < from || Date.parse(t) > to,
          );
          const offset =
            h.utcOffsetMinutes === 0
              ? 'this host keeps UTC, so whether History.Find reads the window as local time does not show'
              : `this host is UTC${h.utcOffsetMinutes > 0 ? '+' : '-'}${Math.abs(h.utcOffsetMinutes)} min`;
          return {
            holds: result.holds && !outside,
            seen:
              `${result.seen}; ${h.count} completed from ${h.earliest ?? 'no CompletionTimeUTC'} to ` +
              `${h.latest ?? 'no CompletionTimeUTC'} for the window ${window}` +
              (outside ? ', outside it: History.Find did not read the window as UTC completion times' : '') +
              `; ${offset}`,
          };
        },
      ),
  },
  {
    id: 'agent',
    assumption:
      '[MVPSI.JAMS.Agent]::Find lists agent definitions with AgentName, AgentType, AgentPlatform, Version, Online, ' +
      'AgentState and Properties, MVPSI.JAMS.Agent has Load and Deploy, and an agent that can be deployed names its ' +
      'deploy job in a Properties entry (the names PlatformAgentDeployProperties tries).',
    settle:
      "check `[MVPSI.JAMS.Agent]::Find('*', 'localhost') | Select-Object -First 1 -ExpandProperty Properties | " +
      'Select-Object PropertyName, Value`; until it holds, upgrade the agents with agent-method: msi or by hand',
    judge: (o) =>
      judged(o.agents, (a) => {
        if (!a) return { holds: null, seen: 'no agent is defined' };
        const result = shape(a.agent, AGENT_MEMBERS);
        const missing = [
          a.find ? '' : 'Agent.Find',
          a.load ? '' : 'Agent.Load',
          a.deploy ? '' : 'Agent.Deploy',
        ].filter(Boolean);
        const properties =
          `; Properties entries seen: ${a.properties.join(', ') || 'none'}` +
          `; deploy job read from: ${a.deployJobProperty ?? 'no agent shows one'}`;
        return {
          // No agent with a deploy job is no proof either way: the deploy method is then not judged.
          holds: result.holds && missing.length === 0 ? (a.deployJobProperty ? true : null) : false,
          seen: `${missing.length ? `no ${missing.join(', ')}; ` : ''}${result.seen}${properties}`,
        };
      }),
  },
  {
    id: 'queues',
    assumption:
      'The MSMQ private queues jamsrequests and jamsrequestssubmitcancel exist, and their ACL entries carry AccountName, AccessControlEntryType and Right.',
    settle:
      'check `Get-MsmqQueue -QueueType Private | Get-MsmqQueueACL`; the 7.3.338 note in preflight depends on it',
    judge: (o) =>
      judged(o.queues, (q) => {
        if (!q) return { holds: null, seen: 'no queue was looked at' };
        const absent = q.queues.filter((x) => !x.exists).map((x) => x.name);
        const result = shape(q.ace, ['AccountName', 'AccessControlEntryType', 'Right']);
        return {
          holds: absent.length === 0 && result.holds,
          seen: `${absent.length ? `missing queues: ${absent.join(', ')}; ` : ''}${result.seen}`,
        };
      }),
  },
];

/**
 * The setup's kind is not a probe of the host but of the installer preflight stages: judged once preflight has read it
 * (src/tasks/installer-kind.ts), and recorded beside the host's verdicts.
 */
export const INSTALLER_KIND_ASSUMPTION = {
  id: 'installer-kind',
  assumption:
    'The JAMS setup is a WiX Burn bundle (a PE with a .wixburn section), which the default installer-arguments ' +
    '(/quiet /norestart /log <file>) suit.',
  settle:
    "set 'installer-arguments' to the switches of the kind preflight read (its message names them); see " +
    'docs/unverified.md for each kind',
} as const;

export function judgeInstallerKind(kind: string | null, evidence: string | null): Verdict {
  return {
    ...INSTALLER_KIND_ASSUMPTION,
    holds: kind === null ? null : kind === 'burn',
    seen:
      kind === null ? `not read: ${evidence ?? 'no reason given'}` : `${kind} (${evidence ?? 'no evidence'})`,
  };
}

export function judgeContract(observation: ContractObservation, settings: ContractSettings): Verdict[] {
  return ASSUMPTIONS.map((a) => ({
    id: a.id,
    assumption: a.assumption,
    settle: a.settle,
    ...a.judge(observation, settings),
  }));
}
