import { InvalidInput } from '../errors.js';
import type { GitHubRepoRef } from '../release/github-repo.js';
import type { PullRequestDirectory, PullRequestInfo } from './ports.js';

/** Which PR a `/rollout` means: the requester's own, the one on a branch, or a number. */
export type PullRequestSelector = { kind: 'mine' } | { kind: 'branch'; branch: string } | { kind: 'number'; number: number };

export type PullRequestChoice =
  /** Exactly one PR fits: roll it out. */
  | { kind: 'one'; pull: PullRequestInfo }
  /** Several fit: the requester picks; nothing changes until then. */
  | { kind: 'several'; pulls: PullRequestInfo[] }
  /** None fits; `sentence` says so and what to do, `others` are open PRs by other people. */
  | { kind: 'none'; sentence: string; others: PullRequestInfo[] };

export interface ChoiceRequest {
  service: string;
  repo: GitHubRepoRef;
  selector: PullRequestSelector;
  /** The requester's GitHub login (github.users); undefined: every open PR is a candidate. */
  login?: string;
}

const fullName = (repo: GitHubRepoRef) => `${repo.owner}/${repo.repo}`;

/** Seed 000's sentence, naming the service and what was looked for. */
function noPrSentence(service: string, what: string): string {
  return `No PR found for current branch of ${service} (${what}). Create a PR first with \`gh pr create\`.`;
}

/**
 * Seed 000 takes the PR of the current branch (`gh pr view`); in Slack there is no current branch,
 * so rollbot asks the code host for the open PRs and narrows them to the requester's.
 */
export async function choosePullRequest(directory: PullRequestDirectory, request: ChoiceRequest): Promise<PullRequestChoice> {
  const { service, repo, selector, login } = request;
  const where = fullName(repo);
  if (selector.kind === 'number') {
    const pull = await directory.get(repo, selector.number);
    if (!pull) {
      throw new InvalidInput(`${where} has no pull request #${selector.number}. Check the number (\`/rollout ${service}\` lists your open PRs), or create one with \`gh pr create\`.`);
    }
    assertOpen(pull, service, where);
    return { kind: 'one', pull };
  }
  const open = await directory.listOpen(repo);
  if (selector.kind === 'branch') {
    const onBranch = open.filter((p) => p.headRef === selector.branch);
    if (onBranch.length === 1) return { kind: 'one', pull: onBranch[0]! };
    if (onBranch.length > 1) return { kind: 'several', pulls: onBranch };
    return { kind: 'none', sentence: noPrSentence(service, `no open pull request from branch \`${selector.branch}\` in ${where}`), others: open };
  }
  const mine = login ? open.filter((p) => p.author.toLowerCase() === login.toLowerCase()) : open;
  if (mine.length === 1) return { kind: 'one', pull: mine[0]! };
  if (mine.length > 1) return { kind: 'several', pulls: mine };
  const what = login ? `@${login} has no open pull request in ${where}` : `${where} has no open pull request`;
  return { kind: 'none', sentence: noPrSentence(service, what), others: open };
}

/** A closed or merged PR is history: its head may be gone or already in main. */
export function assertOpen(pull: PullRequestInfo, service: string, where: string): void {
  if (pull.merged) {
    throw new InvalidInput(
      `PR #${pull.number} of ${where} ("${pull.title}") is already merged, so it is not rolled out as a preview. Roll out an open PR (\`/rollout ${service}\` lists them), or release main's build with \`/release ${service} <sha>\`.`,
    );
  }
  if (pull.state !== 'open') {
    throw new InvalidInput(`PR #${pull.number} of ${where} ("${pull.title}") is closed. Reopen it on GitHub, or roll out an open PR (\`/rollout ${service}\` lists them).`);
  }
}

/** "#42 "Add health endpoint" by alice, head 2fad862": how progress and replies name a PR. */
export function describePull(pull: Pick<PullRequestInfo, 'number' | 'title' | 'author' | 'headSha'>): string {
  return `#${pull.number} "${pull.title}" by ${pull.author}, head ${pull.headSha.slice(0, 7)}`;
}
