import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution server) on a
 * free loopback port, storing into a temp dir. Images are pushed with plain HTTP calls, the way
 * a build pushes them: two blobs, then an OCI image manifest under a tag.
 */

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryServer {
  url: string;
  stop(): Promise<void>;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

function registryBinary(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).stdout.trim();
  const binary = onPath || (existsSync(REGISTRY_BINARY) ? REGISTRY_BINARY : '');
  if (!binary) {
    throw new Error(
      'The registry tests need the real distribution server: docker-registry is not on PATH. Install it with `apt-get install docker-registry` (CI installs it).',
    );
  }
  return binary;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

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

async function waitForRegistry(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within 15 s: ${output()}`);
}

/** Starts docker-registry in `dir` (config, storage, htpasswd all inside it). */
export async function startRegistry(dir: string, options: { htpasswdLine?: string } = {}): Promise<RegistryServer> {
  const binary = registryBinary();
  const port = await freePort();
  const auth = options.htpasswdLine ? `auth:\n  htpasswd:\n    realm: rollbot-test\n    path: ${join(dir, 'htpasswd')}\n` : '';
  if (options.htpasswdLine) await writeFile(join(dir, 'htpasswd'), `${options.htpasswdLine}\n`);
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'storage')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: rollbot-test-secret
${auth}`,
  );
  // A clean environment: REGISTRY_* variables would override the config file.
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForRegistry(url, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function uploadBlob(url: string, name: string, data: Buffer, headers: Record<string, string>): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`${url}/v2/${name}/blobs/uploads/`, { method: 'POST', headers });
  await start.body?.cancel();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`blob upload did not start: HTTP ${start.status}`);
  const target = new URL(location, url);
  target.searchParams.set('digest', digest);
  const put = await fetch(target, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(data),
  });
  await put.body?.cancel();
  if (put.status !== 201) throw new Error(`blob upload failed: HTTP ${put.status}`);
  return digest;
}

export interface PushedImage {
  digest: string;
  mediaType: string;
}

/**
 * Pushes a tiny image under `name:tag`: a config blob and a layer blob, then an OCI image manifest.
 * `content` varies the config, so images pushed under different tags get different digests.
 */
export async function pushImage(url: string, name: string, tag: string, options: { content?: string; auth?: BasicCredentials } = {}): Promise<PushedImage> {
  const headers: Record<string, string> = options.auth
    ? { Authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` }
    : {};
  const layerTar = Buffer.from(`rollbot test layer for ${name}\n`);
  const layer = gzipSync(layerTar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.revision': options.content ?? tag } },
      rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
    }),
  );
  const configDigest = await uploadBlob(url, name, config, headers);
  const layerDigest = await uploadBlob(url, name, layer, headers);
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const put = await fetch(`${url}/v2/${name}/manifests/${tag}`, { method: 'PUT', headers: { ...headers, 'Content-Type': mediaType }, body: manifest });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`manifest push failed: HTTP ${put.status} ${text}`);
  return { digest: put.headers.get('docker-content-digest') ?? sha256(manifest), mediaType };
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
