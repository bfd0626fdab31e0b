import * as github from '@actions/github';

/** The workflow run the report belongs to, from the runner's environment. */
export interface RunRef {
  serverUrl: string;
  repository: string;
  runId: string;
  attempt: string;
}

export interface Review {
  user: string;
  state: string;
  comment: string;
  environments: string[];
}

export interface RunJob {
  name: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  url: string | null;
}

export interface RunArtifact {
  name: string;
  url: string;
  expired: boolean;
}

/** Something read from GitHub, or why it was not: the report says so rather than guess. */
export type Fetched<T> = { read: true; items: T[] } | { read: false; reason: string };

/** The three reads the report makes; a fake stands in for it in tests. */
export interface ActionsApi {
  reviews(): Promise<Review[]>;
  jobs(): Promise<RunJob[]>;
  artifacts(): Promise<RunArtifact[]>;
}

export function runRef(env: NodeJS.ProcessEnv = process.env): RunRef | null {
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (!repository || !runId) return null;
  return {
    serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
    repository,
    runId,
    attempt: env['GITHUB_RUN_ATTEMPT'] || '1',
  };
}

export function runUrl(run: RunRef): string {
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`;
}

/** The run's approvals, jobs and artifacts through octokit (GITHUB_API_URL is honoured by getOctokit). */
export function octokitApi(token: string, run: RunRef): ActionsApi {
  const octokit = github.getOctokit(token);
  const [owner = '', repo = ''] = run.repository.split('/');
  const params = { owner, repo, run_id: Number(run.runId) };
  return {
    async reviews() {
      const { data } = await octokit.rest.actions.getReviewsForRun(params);
      return data.map((r) => ({
        user: r.user.login,
        state: r.state,
        comment: r.comment,
        environments: r.environments.map((e) => e.name ?? '').filter(Boolean),
      }));
    },
    async jobs() {
      const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
        ...params,
        filter: 'latest',
        per_page: 100,
      });
      return jobs.map((j) => ({
        name: j.name,
        conclusion: j.conclusion ?? null,
        startedAt: j.started_at ?? null,
        completedAt: j.completed_at ?? null,
        url: j.html_url ?? null,
      }));
    },
    async artifacts() {
      const artifacts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
        ...params,
        per_page: 100,
      });
      return artifacts.map((a) => ({
        name: a.name,
        url: `${runUrl(run)}/artifacts/${a.id}`,
        expired: a.expired,
      }));
    },
  };
}

/** A job of this run by its name; a called workflow's jobs are named "<caller job> / <job>". */
export function findJob(jobs: Fetched<RunJob>, title: string): RunJob | null {
  if (!jobs.read) return null;
  const named = jobs.items.filter((j) => j.name === title || j.name.endsWith(` / ${title}`));
  // Each order has its own jobs under the same names; the other order's are skipped.
  return named.find((j) => j.conclusion !== 'skipped') ?? named[0] ?? null;
}

/** Why a read failed, in words that say what to change. */
export function explainApiError(err: unknown): string {
  const status = (err as { status?: unknown }).status;
  if (status === 401) return 'the token was refused (HTTP 401): pass github-token: ${{ github.token }}';
  if (status === 403) {
    return (
      'the token may not read this run (HTTP 403): the calling workflow must grant ' +
      '`permissions: actions: read` (see docs/setup.md)'
    );
  }
  if (status === 404) {
    return 'the run was not found (HTTP 404): the token cannot see this repository, or lacks actions: read';
  }
  return `the request failed: ${(err as Error).message}`;
}

async function fetch<T>(read: () => Promise<T[]>): Promise<Fetched<T>> {
  try {
    return { read: true, items: await read() };
  } catch (err) {
    return { read: false, reason: explainApiError(err) };
  }
}

export interface RunFacts {
  reviews: Fetched<Review>;
  jobs: Fetched<RunJob>;
  artifacts: Fetched<RunArtifact>;
}

/** Reads what GitHub knows of the run; with no API (no run, no token) every part says why it is missing. */
export async function readRunFacts(api: ActionsApi | { reason: string }): Promise<RunFacts> {
  if (!('reviews' in api)) {
    const missing = { read: false as const, reason: api.reason };
    return { reviews: missing, jobs: missing, artifacts: missing };
  }
  const [reviews, jobs, artifacts] = await Promise.all([
    fetch(() => api.reviews()),
    fetch(() => api.jobs()),
    fetch(() => api.artifacts()),
  ]);
  return { reviews, jobs, artifacts };
}
