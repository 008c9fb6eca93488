import type { EmulatedAppInput, EmulatedPull, EmulatedPullInput, EmulatedRepo, EmulatedRepoInput, EmulatedTokenInput } from './types.js';

const SHA = /^[0-9a-f]{40}$/;
const NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Repositories, pull requests, tokens and Apps, as a test or the demo set them up. */
export class GitHubState {
  readonly repos = new Map<string, EmulatedRepo>();
  readonly pulls: EmulatedPull[] = [];
  readonly tokens = new Map<string, EmulatedTokenInput>();
  readonly apps = new Map<string, EmulatedAppInput>();
  private nextId = 1000;

  constructor(private readonly nowMs: () => number) {}

  addRepo(input: EmulatedRepoInput): EmulatedRepo {
    if (!NAME.test(input.fullName)) throw new Error(`GitHub emulator: '${input.fullName}' is not owner/name`);
    const [owner, name] = input.fullName.split('/') as [string, string];
    const repo: EmulatedRepo = {
      id: this.nextId++,
      owner,
      name,
      fullName: input.fullName,
      private: input.private ?? false,
      defaultBranch: input.defaultBranch ?? 'main',
      forkOf: input.forkOf,
      createdAt: new Date(this.nowMs()).toISOString(),
    };
    this.repos.set(key(input.fullName), repo);
    return repo;
  }

  repo(fullName: string): EmulatedRepo | undefined {
    return this.repos.get(key(fullName));
  }

  addPull(input: EmulatedPullInput): EmulatedPull {
    const repo = this.repo(input.repo);
    if (!repo) throw new Error(`GitHub emulator: add the repository ${input.repo} before its pull requests`);
    if (!SHA.test(input.headSha)) throw new Error(`GitHub emulator: head SHA '${input.headSha}' must be 40 hex digits`);
    const headRepo = input.headRepo ?? repo.fullName;
    if (!this.repo(headRepo)) this.addRepo({ fullName: headRepo, forkOf: repo.fullName });
    const number = input.number ?? 1 + Math.max(0, ...this.pulls.filter((p) => key(p.repo) === key(repo.fullName)).map((p) => p.number));
    if (this.pull(repo.fullName, number)) throw new Error(`GitHub emulator: ${repo.fullName}#${number} exists already`);
    const now = new Date(this.nowMs()).toISOString();
    const merged = input.merged ?? false;
    const state = merged ? 'closed' : (input.state ?? 'open');
    const pull: EmulatedPull = {
      id: this.nextId++,
      number,
      repo: repo.fullName,
      title: input.title,
      body: input.body ?? '',
      author: input.author,
      headRef: input.headRef,
      headSha: input.headSha,
      headRepo: this.repo(headRepo)!.fullName,
      baseRef: input.baseRef ?? repo.defaultBranch,
      draft: input.draft ?? false,
      state,
      merged,
      createdAt: input.createdAt ?? now,
      updatedAt: input.updatedAt ?? input.createdAt ?? now,
      closedAt: state === 'closed' ? (input.updatedAt ?? now) : null,
      mergedAt: merged ? (input.updatedAt ?? now) : null,
    };
    this.pulls.push(pull);
    return pull;
  }

  pull(repo: string, number: number): EmulatedPull | undefined {
    return this.pulls.find((p) => key(p.repo) === key(repo) && p.number === number);
  }

  /** Closes (or merges) a PR, as someone pressing the button on GitHub. */
  close(repo: string, number: number, options: { merged?: boolean } = {}): void {
    const pull = this.pull(repo, number);
    if (!pull) throw new Error(`GitHub emulator: no ${repo}#${number}`);
    const now = new Date(this.nowMs()).toISOString();
    pull.state = 'closed';
    pull.closedAt = now;
    pull.updatedAt = now;
    if (options.merged) {
      pull.merged = true;
      pull.mergedAt = now;
    }
  }

  /** A new commit on the PR's branch. */
  pushToPull(repo: string, number: number, headSha: string): void {
    const pull = this.pull(repo, number);
    if (!pull) throw new Error(`GitHub emulator: no ${repo}#${number}`);
    if (!SHA.test(headSha)) throw new Error(`GitHub emulator: head SHA '${headSha}' must be 40 hex digits`);
    pull.headSha = headSha;
    pull.updatedAt = new Date(this.nowMs()).toISOString();
  }
}

/** GitHub names are case-insensitive. */
function key(fullName: string): string {
  return fullName.toLowerCase();
}
