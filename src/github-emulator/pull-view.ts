import type { EmulatedPull, EmulatedRepo } from './types.js';

/** The JSON GitHub sends for repositories and pull requests (the fields clients read). */

export function ownerView(login: string, baseUrl: string) {
  return { login, id: idOf(login), type: login.endsWith('[bot]') ? 'Bot' : 'User', url: `${baseUrl}/users/${login}`, html_url: `https://github.com/${login}` };
}

function idOf(text: string): number {
  let h = 7;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 2_000_000_000;
  return h;
}

export function repoView(repo: EmulatedRepo, baseUrl: string, webUrl: string, parent?: EmulatedRepo) {
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    owner: ownerView(repo.owner, baseUrl),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    fork: repo.forkOf !== undefined,
    ...(parent ? { parent: { id: parent.id, full_name: parent.fullName, name: parent.name, owner: ownerView(parent.owner, baseUrl) } } : {}),
    html_url: `${webUrl}/${repo.fullName}`,
    url: `${baseUrl}/repos/${repo.fullName}`,
    clone_url: `${webUrl}/${repo.fullName}.git`,
    ssh_url: `git@${new URL(webUrl).host}:${repo.fullName}.git`,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    archived: false,
    disabled: false,
  };
}

export function pullView(pull: EmulatedPull, repos: (fullName: string) => EmulatedRepo | undefined, baseUrl: string, webUrl: string, detailed: boolean) {
  const base = repos(pull.repo)!;
  const head = repos(pull.headRepo);
  const branch = (ref: string, sha: string, repo: EmulatedRepo | undefined) => ({
    label: `${repo?.owner ?? 'unknown'}:${ref}`,
    ref,
    sha,
    user: repo ? ownerView(repo.owner, baseUrl) : null,
    // A fork that was deleted shows as null, as on GitHub.
    repo: repo ? repoView(repo, baseUrl, webUrl) : null,
  });
  return {
    id: pull.id,
    node_id: `PR_${pull.id}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    user: ownerView(pull.author, baseUrl),
    html_url: `${webUrl}/${pull.repo}/pull/${pull.number}`,
    url: `${baseUrl}/repos/${pull.repo}/pulls/${pull.number}`,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    head: branch(pull.headRef, pull.headSha, head),
    base: branch(pull.baseRef, '0'.repeat(40), base),
    author_association: pull.headRepo === pull.repo ? 'MEMBER' : 'CONTRIBUTOR',
    ...(detailed ? { merged: pull.merged, mergeable: pull.state === 'open' ? true : null, comments: 0, commits: 1 } : {}),
  };
}
