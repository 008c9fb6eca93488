import type { RolloutCommand } from '../../core/commands/command.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { InvalidInput } from '../../core/errors.js';
import { choosePullRequest, type PullRequestSelector } from '../../core/pulls/pull-request-choice.js';
import type { PullRequestDirectory, PullRequestInfo } from '../../core/pulls/ports.js';
import { serviceGitHubRepo } from '../../core/pulls/service-github-repo.js';
import { requirePr } from '../../core/rollout/require-pr.js';
import { noPullMessage, severalPullsMessage } from '../render/pull-request-picker.js';
import type { Reply, RequestContext } from './router-deps.js';

/** How the bot reaches the code host's pull requests (built from `github:`; absent without it). */
export interface PullRequestLookup {
  baseUrl?: string;
  /** Slack user ID -> GitHub login (github.users). */
  users: Record<string, string>;
  /** Built on first use: a missing token is reported to the person who needed it. */
  directory(): PullRequestDirectory;
}

/** The PR a rollout goes ahead with: its number, and from the API its head and who wrote it. */
export interface RolloutTarget {
  pr: number;
  pull?: PullRequestInfo;
}

/**
 * Which PR `/rollout <service> [pr|branch]` means. With the service's GitHub repository known, the
 * API answers (open PRs, the requester's first; the head SHA; closed and merged refused); without
 * it, a PR number is required and its head comes from `refs/pull/<pr>/head` as before.
 */
export async function rolloutTarget(
  lookup: PullRequestLookup | undefined,
  env: EnvironmentConfig,
  command: RolloutCommand,
  ctx: RequestContext,
  now: number,
): Promise<RolloutTarget | Reply> {
  const { service, branch } = command;
  if (command.sha && branch) throw new InvalidInput(`--sha goes with a PR number, not a branch: \`/rollout ${service} <pr> --sha ${command.sha}\`.`);
  const repo = lookup && !command.sha ? serviceGitHubRepo(env, service, lookup.baseUrl) : null;
  if (!lookup || !repo) return { pr: requirePrWithoutGitHub(command, env.name) };
  const selector: PullRequestSelector =
    command.pr !== undefined ? { kind: 'number', number: command.pr } : branch ? { kind: 'branch', branch } : { kind: 'mine' };
  const login = lookup.users[ctx.user];
  const choice = await choosePullRequest(lookup.directory(), { service, repo, selector, login });
  const picker = { env: env.name, service, requester: ctx.user, dryRun: command.dryRun, now };
  switch (choice.kind) {
    case 'one':
      return { pr: choice.pull.number, pull: choice.pull };
    case 'several': {
      const whose = branch ? `Branch \`${branch}\` has` : login ? `You (@${login}) have` : `${repo.owner}/${repo.repo} has`;
      return { visibility: 'ephemeral', message: severalPullsMessage(choice.pulls, whose, picker) };
    }
    case 'none':
      return { visibility: 'ephemeral', message: noPullMessage(choice.sentence, choice.others, picker) };
  }
}

/** Without a code host to ask, a PR number is needed; a branch name is answered with why. */
export function requirePrWithoutGitHub(command: RolloutCommand, envName?: string): number {
  const { service, branch } = command;
  if (branch) {
    const where = envName ? `for ${service} in \`${envName}\`` : 'here';
    throw new InvalidInput(
      `'${branch}' is not a pull request number, and rollbot can only find a branch's PR through the GitHub API, which is not set up ${where} (add \`github\` and the service's \`githubRepo\` or a GitHub \`sourceRepo\`). Give the PR number, for example \`/rollout ${service} 42\`.`,
    );
  }
  return requirePr(command.pr?.toString(), service);
}

export function isReply(value: RolloutTarget | Reply): value is Reply {
  return 'visibility' in value;
}
