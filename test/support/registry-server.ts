import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '../../src/local-mode/redis-process.js';
export { pushImage, startRegistry, REGISTRY_BINARY, type BasicCredentials, type PushedImage, type RegistryServer } from '../../src/local-mode/registry-process.js';
import type { BasicCredentials } from '../../src/local-mode/registry-process.js';

/** Test-only registry helpers: bcrypt htpasswd lines, and a front that pages tags / issues tokens. */

export { freePort };

/** A bcrypt htpasswd line (distribution accepts only bcrypt), or null when nothing here can make one. */
export function htpasswdLine({ username, password }: BasicCredentials): string | null {
  const htpasswd = spawnSync('htpasswd', ['-nbB', username, password], { encoding: 'utf8' });
  if (htpasswd.status === 0 && htpasswd.stdout.includes(':$2')) return htpasswd.stdout.trim();
  // Python's crypt module (gone in 3.13) can make bcrypt through libxcrypt.
  const python = spawnSync(
    'python3',
    ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password],
    { encoding: 'utf8' },
  );
  if (python.status === 0 && python.stdout.startsWith('$2')) return `${username}:${python.stdout.trim()}`;
  return null;
}

export interface RegistryFront {
  url: string;
  /** Every token request: what it asked for and whether its credentials were right. */
  tokenRequests: Array<{ service: string | null; scope: string | null; authorized: boolean }>;
  stop(): Promise<void>;
}

export interface RegistryFrontOptions {
  /** Demand bearer tokens, handed out by `/token` for these basic credentials (Quay, Harbor). */
  bearer?: BasicCredentials;
  /**
   * Paginate `tags/list` with `n`/`last` and a Link header, as the distribution spec says and as
   * Quay, Harbor and distribution v3 do. Debian's docker-registry (2.8) ignores `n` and `last`.
   */
  paginate?: boolean;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One page of a tag list, per the spec: lexical order, tags after `last`, at most `n`. */
function paginate(target: URL, body: Buffer): { body: Buffer; link?: string } {
  const list = JSON.parse(body.toString('utf8')) as { name: string; tags: string[] | null };
  const n = Number(target.searchParams.get('n') ?? '0');
  const last = target.searchParams.get('last');
  const after = [...(list.tags ?? [])].sort().filter((t) => last === null || t > last);
  if (!n || after.length <= n) return { body: Buffer.from(JSON.stringify({ ...list, tags: after })) };
  const page = after.slice(0, n);
  const next = `${target.pathname}?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}`;
  return { body: Buffer.from(JSON.stringify({ ...list, tags: page })), link: `<${next}>; rel="next"` };
}

/**
 * A front for the real registry that adds what Debian's docker-registry lacks: tag-list
 * pagination, and the bearer token flow in miniature (a 401 with `Bearer realm=…`, a token
 * endpoint that hands out tokens for basic credentials). Valid requests go to the registry behind.
 */
export async function startRegistryFront(upstream: string, options: RegistryFrontOptions): Promise<RegistryFront> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const issued = new Map<string, string>(); // token -> scope
  const tokenRequests: RegistryFront['tokenRequests'] = [];
  const credentials = options.bearer;
  const expected = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : '';

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = new URL(request.url ?? '/', url);
    if (credentials && target.pathname === '/token') {
      const authorized = request.headers.authorization === expected;
      const scope = target.searchParams.get('scope');
      tokenRequests.push({ service: target.searchParams.get('service'), scope, authorized });
      if (!authorized) {
        response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const token = `tok-${issued.size + 1}`;
      issued.set(token, scope ?? '');
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const repository = /^\/v2\/(.+?)\/(?:manifests|tags|blobs)\//.exec(target.pathname)?.[1];
    if (credentials) {
      const scope = repository ? `repository:${repository}:pull` : 'registry:catalog:*';
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!bearer || issued.get(bearer) !== scope) {
        response
          .writeHead(401, {
            'Content-Type': 'application/json',
            'WWW-Authenticate': `Bearer realm="${url}/token",service="rollbot-test-registry",scope="${scope}"`,
          })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
    }
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request);
    const headers: Record<string, string> = {};
    for (const key of ['accept', 'content-type']) {
      const value = request.headers[key];
      if (typeof value === 'string') headers[key] = value;
    }
    const forwarded = await fetch(`${upstream}${target.pathname}${target.search}`, {
      method: request.method,
      headers,
      body: body && new Uint8Array(body),
    });
    const out: Record<string, string> = {};
    forwarded.headers.forEach((value, key) => {
      // fetch already decoded the body; the front sends it as-is with its own length.
      if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(key)) out[key] = value;
    });
    let data: Buffer = Buffer.from(await forwarded.arrayBuffer());
    if (options.paginate && forwarded.status === 200 && target.pathname.endsWith('/tags/list')) {
      const page = paginate(target, data);
      data = page.body;
      if (page.link) out.link = page.link;
    }
    if (request.method === 'HEAD') out['content-length'] = forwarded.headers.get('content-length') ?? '0';
    response.writeHead(forwarded.status, out).end(request.method === 'HEAD' ? undefined : data);
  };

  const server: Server = createHttpServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url,
    tokenRequests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
