import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AppJwtRejected } from './app-jwt.js';
import { GitHubState } from './github-state.js';
import { InstallationNotFound, InstallationTokens } from './installation-tokens.js';
import { pullView, repoView } from './pull-view.js';
import { RateLimits } from './rate-limits.js';
import type { EmulatedPull, EmulatedRepo, EmulatedTokenInput, RecordedGitHubRequest } from './types.js';

export interface GitHubEmulatorOptions {
  /** Clock for timestamps, token expiry and rate-limit windows (epoch ms). */
  nowMs?: () => number;
  /** Lifetime of installation tokens; GitHub: one hour. */
  installationTokenTtlMs?: number;
  /** Where clone and html URLs point; default https://github.com. */
  webUrl?: string;
  host?: string;
}

export interface InjectedGitHubFault {
  /** Answer with this status instead of the real answer (omit with delayMs to answer normally, late). */
  status?: number;
  /** Wait this long before answering: a slow or hanging GitHub. */
  delayMs?: number;
  message?: string;
  headers?: Record<string, string>;
  times?: number;
}

const DOCS = 'https://docs.github.com/rest';

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

type Caller = { kind: 'anonymous' } | { kind: 'token'; token: EmulatedTokenInput };

/**
 * GitHub's REST API at the HTTP boundary, for the real Octokit client: repositories, pull requests
 * (list with GitHub's filters, sorting and Link pagination; get with merged state), rate-limit
 * headers and the primary limit, 401 for bad or expired tokens, 404 for what a caller may not see,
 * and GitHub App installation tokens issued against a verified RS256 JWT. Like GitHub Enterprise,
 * it also answers below /api/v3.
 */
export class GitHubEmulator {
  readonly state: GitHubState;
  readonly requests: RecordedGitHubRequest[] = [];
  readonly installationTokens: InstallationTokens;
  private readonly nowMs: () => number;
  private readonly rateLimits: RateLimits;
  private readonly webUrl: string;
  private readonly host: string;
  private readonly faults: Array<{ path: RegExp; fault: InjectedGitHubFault; left: number }> = [];
  private tokenTtlMs: number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(options: GitHubEmulatorOptions = {}) {
    this.nowMs = options.nowMs ?? Date.now;
    this.state = new GitHubState(this.nowMs);
    this.rateLimits = new RateLimits(this.nowMs);
    this.tokenTtlMs = options.installationTokenTtlMs ?? 3600_000;
    this.installationTokens = new InstallationTokens(this.state, this.nowMs, () => this.tokenTtlMs);
    this.webUrl = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
    this.host = options.host ?? '127.0.0.1';
  }

  /** Octokit's baseUrl (https://api.github.com on github.com). */
  get baseUrl(): string {
    if (!this.server) throw new Error('GitHub emulator: start() it first');
    return `http://${this.host}:${this.port}`;
  }

  /** The same API as GitHub Enterprise serves it (https://<host>/api/v3). */
  get enterpriseBaseUrl(): string {
    return `${this.baseUrl}/api/v3`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, this.host, resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addToken(token: EmulatedTokenInput): void {
    this.state.tokens.set(token.token, token);
  }

  /** Whether GitHub would accept this token now (for a git server standing in for github.com). */
  acceptsToken(token: string, repo?: string): boolean {
    const record = this.state.tokens.get(token);
    if (!record) return false;
    if (record.expiresAtMs !== undefined && record.expiresAtMs <= this.nowMs()) return false;
    return repo === undefined || record.repos === undefined || record.repos.some((r) => r.toLowerCase() === repo.toLowerCase());
  }

  setRateLimit(caller: string | 'anonymous', state: { remaining?: number; reset?: number; limit?: number }): void {
    this.rateLimits.set(caller, state);
  }

  setInstallationTokenTtl(ms: number): void {
    this.tokenTtlMs = ms;
  }

  /** The next `times` requests whose path matches answer with this status instead. */
  failNext(path: RegExp, fault: InjectedGitHubFault): void {
    this.faults.push({ path, fault, left: fault.times ?? 1 });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/\/+$/, '') || '/';
    const scheme = /^(\S+)\s/.exec(req.headers.authorization ?? '')?.[1]?.toLowerCase() ?? 'none';
    let status = 500;
    let headers: Record<string, string> = {};
    try {
      const body = method === 'POST' ? await readJson(req) : {};
      const result = await this.route(method, path, url.searchParams, req, body, (h) => (headers = { ...headers, ...h }));
      status = result.status;
      send(res, status, result.body, { ...headers, ...result.headers });
    } catch (error) {
      if (error instanceof HttpAnswer) {
        status = error.status;
        send(res, status, { message: error.message, documentation_url: DOCS, status: String(status) }, { ...headers, ...error.headers });
      } else {
        status = 500;
        send(res, 500, { message: `GitHub emulator error: ${(error as Error).message}` }, {});
      }
    }
    this.requests.push({ method, path: path + url.search, auth: scheme, status });
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    req: IncomingMessage,
    body: Record<string, unknown>,
    addHeaders: (headers: Record<string, string>) => void,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const fault = this.faults.find((f) => f.path.test(path) && f.left > 0);
    if (fault) {
      fault.left -= 1;
      if (fault.fault.delayMs) await new Promise((r) => setTimeout(r, fault.fault.delayMs));
      if (fault.fault.status !== undefined) throw new HttpAnswer(fault.fault.status, fault.fault.message ?? 'Server Error', fault.fault.headers);
    }
    addHeaders({ 'x-github-media-type': 'github.v3; format=json', 'x-github-request-id': `EMU:${this.requests.length + 1}` });

    const tokenRoute = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (tokenRoute) {
      if (method !== 'POST') throw new HttpAnswer(404, 'Not Found');
      return this.accessToken(req, Number(tokenRoute[1]));
    }

    const caller = this.caller(req.headers.authorization);
    const callerKey = caller.kind === 'token' ? caller.token.token : 'anonymous';
    if (path === '/rate_limit') {
      const window = this.rateLimits.current(callerKey);
      return { status: 200, body: { resources: { core: { ...window, used: window.limit - window.remaining } }, rate: { ...window, used: window.limit - window.remaining } } };
    }
    const limit = this.rateLimits.take(callerKey);
    addHeaders(limit.headers);
    if (!limit.allowed) {
      throw new HttpAnswer(403, `API rate limit exceeded for ${caller.kind === 'token' ? `user ${caller.token.login ?? 'token'}` : 'your IP address'}.`, {});
    }

    if (path === '/user' && method === 'GET') {
      if (caller.kind !== 'token') throw new HttpAnswer(401, 'Requires authentication');
      return { status: 200, body: { login: caller.token.login ?? 'rollbot', id: 1, type: 'User' } };
    }
    const repoRoute = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!repoRoute) throw new HttpAnswer(404, 'Not Found');
    const repo = this.visibleRepo(caller, `${decodeURIComponent(repoRoute[1]!)}/${decodeURIComponent(repoRoute[2]!)}`);
    const rest = repoRoute[3] ?? '';
    if (rest === '' && method === 'GET') return { status: 200, body: this.repoJson(repo) };
    if (rest === '/pulls' && method === 'GET') return this.listPulls(repo, query);
    if (rest === '/pulls' && method === 'POST') return this.createPull(repo, body, caller);
    const pullRoute = /^\/pulls\/(\d+)$/.exec(rest);
    if (pullRoute && method === 'GET') {
      const pull = this.state.pull(repo.fullName, Number(pullRoute[1]));
      if (!pull) throw new HttpAnswer(404, 'Not Found');
      return { status: 200, body: this.pullJson(pull, true) };
    }
    throw new HttpAnswer(404, 'Not Found');
  }

  private accessToken(req: IncomingMessage, installationId: number) {
    try {
      const issued = this.installationTokens.issue(req.headers.authorization, installationId);
      return {
        status: 201,
        body: {
          token: issued.token,
          expires_at: issued.expiresAt,
          permissions: { contents: 'write', pull_requests: 'write', metadata: 'read' },
          repository_selection: issued.repositories ? 'selected' : 'all',
        },
      };
    } catch (error) {
      if (error instanceof AppJwtRejected) throw new HttpAnswer(401, error.message);
      if (error instanceof InstallationNotFound) throw new HttpAnswer(404, 'Not Found');
      throw error;
    }
  }

  private caller(authorization: string | undefined): Caller {
    if (!authorization) return { kind: 'anonymous' };
    const match = /^(token|bearer)\s+(\S+)$/i.exec(authorization);
    const record = match ? this.state.tokens.get(match[2]!) : undefined;
    if (!record || (record.expiresAtMs !== undefined && record.expiresAtMs <= this.nowMs())) throw new HttpAnswer(401, 'Bad credentials');
    return { kind: 'token', token: record };
  }

  /** GitHub answers 404, not 403, for a private repository the caller may not see. */
  private visibleRepo(caller: Caller, fullName: string): EmulatedRepo {
    const repo = this.state.repo(fullName);
    if (!repo) throw new HttpAnswer(404, 'Not Found');
    if (caller.kind === 'anonymous') {
      if (repo.private) throw new HttpAnswer(404, 'Not Found');
      return repo;
    }
    const granted = caller.token.repos === undefined || caller.token.repos.some((r) => r.toLowerCase() === repo.fullName.toLowerCase());
    if (!granted && repo.private) throw new HttpAnswer(404, 'Not Found');
    if (caller.token.forbidden) {
      throw new HttpAnswer(403, caller.token.login?.endsWith('[bot]') ? 'Resource not accessible by integration' : 'Resource not accessible by personal access token');
    }
    return repo;
  }

  private repoJson(repo: EmulatedRepo) {
    return repoView(repo, this.baseUrl, this.webUrl, repo.forkOf ? this.state.repo(repo.forkOf) : undefined);
  }

  private pullJson(pull: EmulatedPull, detailed: boolean) {
    return pullView(pull, (name) => this.state.repo(name), this.baseUrl, this.webUrl, detailed);
  }

  private listPulls(repo: EmulatedRepo, query: URLSearchParams) {
    const state = query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw new HttpAnswer(422, `Validation Failed: state must be open, closed or all`);
    const sort = query.get('sort') ?? 'created';
    if (!['created', 'updated', 'popularity', 'long-running'].includes(sort)) throw new HttpAnswer(422, 'Validation Failed: sort');
    const direction = query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const head = query.get('head');
    const base = query.get('base');
    let pulls = this.state.pulls.filter((p) => p.repo === repo.fullName && (state === 'all' || p.state === state));
    if (head) {
      const [owner, ref] = head.includes(':') ? (head.split(':', 2) as [string, string]) : [undefined, head];
      pulls = pulls.filter((p) => p.headRef === ref && (owner === undefined || this.state.repo(p.headRepo)?.owner.toLowerCase() === owner.toLowerCase()));
    }
    if (base) pulls = pulls.filter((p) => p.baseRef === base);
    const field = sort === 'updated' ? 'updatedAt' : 'createdAt';
    pulls = [...pulls].sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.number - b.number));
    if (direction === 'desc') pulls.reverse();
    const last = Math.max(1, Math.ceil(pulls.length / perPage));
    const slice = pulls.slice((page - 1) * perPage, page * perPage);
    const link = (n: number, rel: string) => {
      const q = new URLSearchParams(query);
      q.set('page', String(n));
      q.set('per_page', String(perPage));
      return `<${this.baseUrl}/repos/${repo.fullName}/pulls?${q}>; rel="${rel}"`;
    };
    const links = [page < last ? link(page + 1, 'next') : '', page < last ? link(last, 'last') : '', page > 1 ? link(1, 'first') : '', page > 1 ? link(page - 1, 'prev') : '']
      .filter(Boolean)
      .join(', ');
    const headers: Record<string, string> = links ? { link: links } : {};
    return { status: 200, body: slice.map((p) => this.pullJson(p, false)), headers };
  }

  private createPull(repo: EmulatedRepo, body: Record<string, unknown>, caller: Caller) {
    if (caller.kind !== 'token') throw new HttpAnswer(401, 'Requires authentication');
    const { title, head, base } = body;
    if (typeof title !== 'string' || typeof head !== 'string' || typeof base !== 'string') throw new HttpAnswer(422, 'Validation Failed');
    const ref = head.includes(':') ? head.split(':')[1]! : head;
    if (this.state.pulls.some((p) => p.repo === repo.fullName && p.state === 'open' && p.headRef === ref && p.baseRef === base)) {
      throw new HttpAnswer(422, `Validation Failed: A pull request already exists for ${repo.owner}:${ref}.`);
    }
    const pull = this.state.addPull({
      repo: repo.fullName,
      title,
      body: typeof body.body === 'string' ? body.body : '',
      author: caller.token.login ?? 'rollbot',
      headRef: ref,
      headSha: '0'.repeat(40),
      baseRef: base,
      draft: body.draft === true,
    });
    return { status: 201, body: this.pullJson(pull, true) };
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    throw new HttpAnswer(400, 'Problems parsing JSON');
  }
}
