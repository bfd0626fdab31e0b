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
  resource: Probe<{ exists: boolean; item: Sample; root: Sample; request: Sample }>;
  entry: Probe<Sample>;
  queues: Probe<{ queues: { name: string; exists: boolean }[]; ace: Sample } | null>;
  /** The first agent definition, and whether MVPSI.JAMS.Agent has Load and Deploy; null when no agent is defined. */
  agents: Probe<{ agent: Sample; load: boolean; deploy: boolean } | null>;
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

/** The agent members the agents stage reads (Get-JuAgents). */
const AGENT_MEMBERS = [
  'AgentName',
  'AgentType',
  'PlatformType',
  'Address',
  'Version',
  'Online',
  'AgentState',
  'DeployJob',
];

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
      "The root folder's resource requirements are in .Resources, each with ResourceName and QuantityRequired.",
    settle: 'check `(Get-Item JAMS::localhost\\).Resources | Format-List *`',
    judge: (o) =>
      judged(o.resource, (r) => {
        if (!r.root.members.includes('Resources')) return shape(r.root, ['Resources']);
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
    id: 'agent',
    assumption:
      'Get-JAMSAgent lists agent definitions with AgentName, AgentType, PlatformType, Address, Version, Online, ' +
      'AgentState and DeployJob, and MVPSI.JAMS.Agent has Load and Deploy (what the agents stage calls).',
    settle:
      'check `Get-JAMSAgent -Server localhost | Select-Object -First 1 | Format-List *`; until it holds, upgrade the ' +
      'agents with agent-method: msi or by hand',
    judge: (o) =>
      judged(o.agents, (a) => {
        if (!a) return { holds: null, seen: 'no agent is defined' };
        const result = shape(a.agent, AGENT_MEMBERS);
        const missing = [a.load ? '' : 'Agent.Load', a.deploy ? '' : 'Agent.Deploy'].filter(Boolean);
        return {
          holds: result.holds && missing.length === 0,
          seen: `${missing.length ? `no ${missing.join(', ')}; ` : ''}${result.seen}`,
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

export function judgeContract(observation: ContractObservation, settings: ContractSettings): Verdict[] {
  return ASSUMPTIONS.map((a) => ({
    id: a.id,
    assumption: a.assumption,
    settle: a.settle,
    ...a.judge(observation, settings),
  }));
}
