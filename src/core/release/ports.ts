/**
 * What a release needs from GitHub and Jira, as small interfaces: core stays free of Octokit and
 * HTTP details, and the adapters in src/adapters implement them.
 */

export interface PullRequestRequest {
  owner: string;
  repo: string;
  /** The branch with the change (already pushed). */
  head: string;
  /** The branch to merge into, e.g. main. */
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
  /** True when an open PR for the same head already existed (a retried job), and that one is returned. */
  existing: boolean;
}

export interface PullRequestOpener {
  open(request: PullRequestRequest): Promise<OpenedPullRequest>;
}

export interface TicketRequest {
  /** Project key, e.g. AAP. */
  project: string;
  /** Issue type name; Jira's default workflows have Task. */
  issueType?: string;
  summary: string;
  description: string;
  labels?: string[];
}

export interface CreatedTicket {
  key: string;
  url: string;
}

export interface TicketCreator {
  create(request: TicketRequest): Promise<CreatedTicket>;
}
