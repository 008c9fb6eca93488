import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of the GitHub REST API for release PRs, as a real HTTP server so the real Octokit
 * client talks to it: `POST /repos/:owner/:repo/pulls` (recorded; 422 when an open PR has the same
 * head, like GitHub) and `GET /repos/:owner/:repo/pulls?head=&base=&state=`.
 */

export interface RecordedPull {
  owner: string;
  repo: string;
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
  authorization: string | undefined;
  userAgent: string | undefined;
}

export interface FakeGitHub {
  /** Use as Octokit's baseUrl (like GitHub Enterprise's https://host/api/v3). */
  baseUrl: string;
  pulls: RecordedPull[];
  requests: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

export interface FakeGitHubOptions {
  token: string;
  /** owner/repo names that exist; others answer 404. */
  repos: string[];
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function json(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const pulls: RecordedPull[] = [];
  const requests: FakeGitHub['requests'] = [];
  let baseUrl = '';
  const view = (p: RecordedPull) => ({
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    draft: p.draft,
    html_url: `https://github.example.com/${p.owner}/${p.repo}/pull/${p.number}`,
    url: `${baseUrl}/repos/${p.owner}/${p.repo}/pulls/${p.number}`,
    head: { ref: p.head, label: `${p.owner}:${p.head}` },
    base: { ref: p.base, label: `${p.owner}:${p.base}` },
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push({ method: request.method ?? 'GET', path: url.pathname + url.search });
    const auth = request.headers.authorization;
    if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}` && auth !== `Bearer ${options.token}`) {
      return send(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    const route = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
    if (!route) return send(response, 404, { message: 'Not Found' });
    const [, owner, repo] = route as unknown as [string, string, string];
    if (!options.repos.includes(`${owner}/${repo}`)) return send(response, 404, { message: 'Not Found' });

    if (request.method === 'GET') {
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const state = url.searchParams.get('state') ?? 'open';
      const found = pulls.filter(
        (p) =>
          p.owner === owner &&
          p.repo === repo &&
          (!head || `${p.owner}:${p.head}` === head) &&
          (!base || p.base === base) &&
          (state === 'all' || p.state === state),
      );
      return send(response, 200, found.map(view));
    }
    if (request.method !== 'POST') return send(response, 404, { message: 'Not Found' });
    const body = await json(request);
    const head = String(body.head ?? '');
    const base = String(body.base ?? '');
    if (!head || !base || !body.title) {
      return send(response, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'missing_field' }] });
    }
    if (pulls.some((p) => p.owner === owner && p.repo === repo && p.head === head && p.base === base && p.state === 'open')) {
      return send(response, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }],
      });
    }
    const pull: RecordedPull = {
      owner,
      repo,
      number: pulls.length + 1,
      head,
      base,
      title: String(body.title),
      body: String(body.body ?? ''),
      draft: body.draft === true,
      state: 'open',
      authorization: auth,
      userAgent: request.headers['user-agent'],
    };
    pulls.push(pull);
    return send(response, 201, view(pull));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  return { baseUrl, pulls, requests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
