// A GitHub environment as the REST API answers for it (GET /repos/{owner}/{repo}/environments/{name}): the gates stage
// reads its required reviewers, the fleet plan its wait timer. The request is octokit's, a fake in tests.
import * as github from '@actions/github';

/** The parts of the answer to GET /repos/{owner}/{repo}/environments/{environment_name} the stages read. */
export interface EnvironmentAnswer {
  name?: string;
  can_admins_bypass?: boolean;
  protection_rules?: ProtectionRule[];
}

export interface ProtectionRule {
  type: string;
  prevent_self_review?: boolean;
  wait_timer?: number;
  reviewers?: { type?: string; reviewer?: { login?: string; slug?: string; name?: string | null } | null }[];
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Reads one environment of a repository; a refusal throws the API's error, with its HTTP status. */
export type GetEnvironment = (repo: RepoRef, environmentName: string) => Promise<EnvironmentAnswer>;

/** The request through octokit, as the report reads the run (GITHUB_API_URL is honoured by getOctokit). */
export function octokitGetEnvironment(token: string): GetEnvironment {
  const octokit = github.getOctokit(token);
  return async ({ owner, repo }, environmentName) => {
    const { data } = await octokit.rest.repos.getEnvironment({
      owner,
      repo,
      environment_name: environmentName,
    });
    return data as EnvironmentAnswer;
  };
}

/** GitHub's REST docs: "Get an environment" needs the Actions repository permission (read) of a token. */
export const PERMISSION_FIX =
  'For the GITHUB_TOKEN, grant `actions: read` in the `permissions:` of the calling workflow (the job that calls the ' +
  'reusable workflow); a fine-grained token needs the repository permission Actions: Read. Then re-run the job.';

/** The repository the run belongs to (github.context.repo, from GITHUB_REPOSITORY), or null. */
export function currentRepo(): RepoRef | null {
  try {
    return github.context.repo;
  } catch {
    return null;
  }
}
