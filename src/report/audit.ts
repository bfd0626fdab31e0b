import { dirname } from 'node:path';
import { actionsRan, type ActionsRan } from './action-identity.js';
import { agentNextSteps } from './agents-section.js';
import { pipelineFor, type GateStep, type PipelineName } from '../pipeline.js';
import type { ResumeGate, UpgradeOrder } from '../jams/upgrade-order.js';
import { gateApprovals, type GateApproval } from './approvals.js';
import {
  breakDownDowntime,
  breakDownWindow,
  breakDownSpan,
  WITHOUT_FAILOVER_NOTE,
  gateWaits,
  type Breakdown,
  type GateWait,
} from './breakdown.js';
import { measureDowntime, measureMaintenanceWindow, measureWithoutFailover, type Span } from './downtime.js';
import { runUrl, type Review, type RunFacts, type RunRef } from './github-run.js';
import { failures, hostStates, type HostState, type StepFailure } from './host-state.js';
import { nextSteps } from './next-steps.js';
import { summarizeRollback, type RollbackSummary } from './rollback.js';
import type { StageRecord } from './record.js';
import { latestData, recordsRead, type FoundRecord, type RecordsRead } from './records.js';
import { buildTimeline, overallResult, type TimelineRow } from './timeline.js';
import { versionsByHost, type HostVersions } from './versions.js';
import type { AgentsData, GatesData } from '../stage-data.js';

/** The audit record of one upgrade run: report.json, and the job summary rendered from it. */
export interface AuditReport {
  tool: 'jams-upgrade';
  kind: 'audit-report';
  /** Which workflow's run this reports on: its steps make the timeline. */
  pipeline: PipelineName;
  /** The upgrade's order and resume gate (null in a rollback's report): the timeline and the spans follow them. */
  order: UpgradeOrder | null;
  resumeGate: ResumeGate | null;
  generatedAt: string;
  result: 'succeeded' | 'failed' | 'incomplete';
  dryRun: boolean;
  lab: boolean;
  run: {
    id: string | null;
    attempt: string | null;
    repository: string | null;
    workflow: string | null;
    url: string | null;
    triggeredBy: string | null;
    actor: string | null;
  };
  /** Which run attempts' records were read; a step run in several is shown from its latest attempt. */
  recordsRead: RecordsRead;
  /** The build(s) of the action that ran the stages, and a warning when they differ. */
  action: ActionsRan;
  timeline: TimelineRow[];
  downtime: Span;
  maintenanceWindow: Span;
  /** Where the downtime went: its parts add up to it. */
  downtimeBreakdown: Breakdown;
  /** Where the maintenance window went, the downtime one part of it. */
  windowBreakdown: Breakdown;
  /**
   * order resume-after-primary: after the downtime, the pair without failover (the primary Running, the secondary
   * upgraded and started), and where that time went; null in the vendor's order, where it is the secondary's start.
   */
  withoutFailover: Span | null;
  withoutFailoverBreakdown: Breakdown | null;
  /** How long each gate waited for its reviewers (from GitHub's jobs). */
  gateWaits: GateWait[];
  versions: HostVersions[];
  /** The agents stage's record of each agent and desktop client; null when it left none. */
  agents: AgentsData | null;
  /** What the gates stage found about the gate environment; null when it left no record. */
  gateCheck: GatesData | null;
  approvals: { gates: GateApproval[]; unpaired: Review[]; note: string | null };
  artifacts: { items: { name: string; url: string | null }[]; note: string | null };
  failures: StepFailure[];
  hosts: HostState[];
  nextSteps: string[];
  /** The restore and the reinstall, in a rollback's report; null in an upgrade's. */
  rollback: RollbackSummary | null;
  /** Records that could not be read, and other limits of this report. */
  problems: string[];
}

export interface AuditInput {
  records: FoundRecord[];
  problems: string[];
  facts: RunFacts;
  run: RunRef | null;
  /** The report job's own run information (who triggered it). */
  runInfo: StageRecord['run'];
  recordsFolder: string;
  now: string;
  /** The pipeline whose run this is; the upgrade's when not given. */
  pipeline?: PipelineName;
  /** The upgrade's order and resume gate: its graph orders the timeline; the vendor's when not given. */
  order?: UpgradeOrder;
  resumeGate?: ResumeGate;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function artifacts(input: AuditInput): AuditReport['artifacts'] {
  const { facts, records, recordsFolder } = input;
  if (facts.artifacts.read) {
    return {
      items: facts.artifacts.items.map((a) => ({ name: a.name, url: a.expired ? null : a.url })),
      note: null,
    };
  }
  const downloaded = [...new Set(records.map((r) => r.artifact).filter((a): a is string => a !== null))];
  if (downloaded.length) {
    return {
      items: downloaded.map((name) => ({ name, url: null })),
      note: `Artifact links not read: ${facts.artifacts.reason}. They are listed on the run page.`,
    };
  }
  return {
    items: [...new Set(records.map((r) => dirname(r.path)))].map((folder) => ({
      name: `${recordsFolder}/${folder}`,
      url: null,
    })),
    note: 'Not a GitHub Actions run: these are the local run folders.',
  };
}

/** Everything the report says, from the stage records and what GitHub knows of the run. No I/O. */
export function buildAudit(input: AuditInput): AuditReport {
  const { records, facts, run, runInfo, now } = input;
  const pipeline = input.pipeline ?? 'upgrade';
  const graph = pipelineFor(pipeline, input.order, input.resumeGate);
  const steps = graph.flat();
  const timeline = buildTimeline(steps, records, facts.jobs);
  const result = overallResult(timeline);
  const downtime = measureDowntime(records, now);
  const maintenanceWindow = measureMaintenanceWindow(records, now);
  const order = pipeline === 'upgrade' ? (input.order ?? 'vendor') : null;
  const withoutFailover =
    order === 'resume-after-primary' ? measureWithoutFailover(records, downtime, now) : null;
  const failed = failures(timeline, records);
  const gates = steps.filter((s): s is GateStep => s.kind === 'gate');
  const agents = latestData(records, 'agents', 'agents');
  return {
    tool: 'jams-upgrade',
    kind: 'audit-report',
    pipeline,
    order,
    resumeGate: order ? (input.resumeGate ?? 'after-agents') : null,
    generatedAt: now,
    result,
    dryRun: records.length > 0 && records.every((r) => r.record.dryRun),
    lab: records.some((r) => r.record.lab),
    run: {
      id: run?.runId ?? null,
      attempt: run?.attempt ?? null,
      repository: run?.repository ?? null,
      workflow: str(runInfo['workflow']),
      url: run ? runUrl(run) : null,
      triggeredBy: str(runInfo['triggeringActor']) ?? str(runInfo['actor']),
      actor: str(runInfo['actor']),
    },
    recordsRead: recordsRead(records),
    action: actionsRan(records),
    timeline,
    downtime,
    maintenanceWindow,
    downtimeBreakdown: breakDownDowntime(graph, records, facts.jobs, downtime, now),
    windowBreakdown: breakDownWindow(
      graph,
      records,
      facts.jobs,
      maintenanceWindow,
      downtime,
      now,
      withoutFailover,
    ),
    withoutFailover,
    withoutFailoverBreakdown: withoutFailover
      ? breakDownSpan(graph, records, facts.jobs, withoutFailover, now, WITHOUT_FAILOVER_NOTE)
      : null,
    gateWaits: gateWaits(graph, facts.jobs),
    versions: versionsByHost(records),
    agents,
    gateCheck: latestData(records, 'gates', 'gates'),
    approvals: gateApprovals(gates, timeline, facts.reviews, facts.jobs),
    artifacts: artifacts(input),
    failures: failed,
    hosts: hostStates(records),
    nextSteps: [
      ...nextSteps(result, timeline, failed, downtime, maintenanceWindow, pipeline, withoutFailover),
      ...agentNextSteps(agents),
    ],
    rollback: pipeline === 'rollback' ? summarizeRollback(records) : null,
    problems: [
      ...input.problems,
      ...(records.length ? [] : [`No stage records were found in ${input.recordsFolder}.`]),
    ],
  };
}
