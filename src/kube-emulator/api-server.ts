import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { ApiError, sendError, sendJson } from './api-status.js';
import { mergePatch } from './merge-patch.js';
import type { KubeObject, ObjectStore, StoredEvent } from './object-store.js';
import { allows, type PolicyRule } from './rbac.js';
import { apiVersionOf, typeByPath, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher, SelectorError } from './selectors.js';
import type { TlsMaterial } from './tls-material.js';

export interface ApiRequestRecord {
  method: string;
  path: string;
  verb: 'get' | 'list' | 'watch' | 'patch' | 'other';
  resource?: string;
  status: number;
}

export interface ApiServerOptions {
  /** The bearer token the kubeconfig carries; every request without it gets 401, as on a real cluster. */
  token: string;
  /** The caller's ClusterRole rules (e.g. the Helm chart's); absent: everything is allowed. */
  rules?: PolicyRule[];
  /** The user named in 403 messages. */
  user?: string;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const MAX_BODY = 3 * 1024 * 1024;

function parsePath(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, version, rest] = ['', parts[1]!, parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = typeByPath(group, version, rest[0]!);
  if (!type || rest.length > 3) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2] };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const qualified = (type: ResourceType) => (type.group ? `${type.plural}.${type.group}` : type.plural);

/** The wire form: built-in lists leave out each item's kind and apiVersion, as the real server does. */
function listBody(type: ResourceType, items: KubeObject[], resourceVersion: number) {
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata: { resourceVersion: String(resourceVersion) },
    items: type.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
  };
}

/**
 * The Kubernetes API over HTTP, as @kubernetes/client-node calls it: get, list, watch
 * (`?watch=true`, newline-delimited events resuming from a resourceVersion) and merge patches, with
 * the API server's Status errors, bearer-token authentication and (when given) RBAC.
 */
export class KubeApiServer {
  private server?: Server;
  private readonly openWatches = new Set<ServerResponse>();
  private readonly sockets = new Set<Duplex>();
  readonly requests: ApiRequestRecord[] = [];
  url = '';

  constructor(
    private readonly store: ObjectStore,
    private readonly options: ApiServerOptions,
  ) {}

  async start(tls: TlsMaterial, port = 0): Promise<string> {
    this.server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`);
        if (!response.headersSent) sendError(response, apiError);
        else response.end();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const response of this.openWatches) {
      response.emit('close');
      response.end();
    }
    this.openWatches.clear();
    if (!this.server) return;
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Watches open right now (a follower should hold a handful, never pile them up). */
  get activeWatches(): number {
    return this.openWatches.size;
  }

  private record(entry: ApiRequestRecord): void {
    this.requests.push(entry);
    if (this.requests.length > 20_000) this.requests.splice(0, 10_000);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? '/', 'http://emulator');
    const method = request.method ?? 'GET';
    const entry: ApiRequestRecord = { method, path: target.pathname + target.search, verb: 'other', status: 200 };
    response.on('finish', () => (entry.status = response.statusCode));
    this.record(entry);
    if (request.headers.authorization !== `Bearer ${this.options.token}`) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    if (target.pathname === '/version' && method === 'GET') {
      return sendJson(response, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-rollbot-emulator', platform: 'linux/amd64' });
    }
    const route = parsePath(target.pathname);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    entry.resource = qualified(route.type);
    const watch = target.searchParams.get('watch');
    const verb = method === 'GET' ? (watch === 'true' || watch === '1' ? 'watch' : route.name ? 'get' : 'list') : method === 'PATCH' ? 'patch' : 'other';
    entry.verb = verb;
    if (verb === 'other') throw new ApiError(405, 'MethodNotAllowed', `the emulator serves get, list, watch and patch; ${method} is not supported`);
    this.authorize(verb, route);
    if (route.subresource && route.subresource !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (verb === 'get') return sendJson(response, 200, this.mustGet(route));
    if (verb === 'patch') return this.patch(request, response, route);
    let labels: ReturnType<typeof labelMatcher>;
    let fields: ReturnType<typeof fieldMatcher>;
    try {
      labels = labelMatcher(target.searchParams.get('labelSelector'));
      fields = fieldMatcher(target.searchParams.get('fieldSelector'));
    } catch (error) {
      if (error instanceof SelectorError) throw new ApiError(400, 'BadRequest', error.message);
      throw error;
    }
    const matches = (o: KubeObject) => o.metadata.namespace === (route.namespace ?? o.metadata.namespace) && labels(o.metadata.labels ?? {}) && fields(o);
    if (verb === 'list') {
      const items = this.store.list(route.type, route.namespace).filter(matches);
      return sendJson(response, 200, listBody(route.type, items, this.store.resourceVersion));
    }
    return this.watch(request, response, route.type, matches, target.searchParams);
  }

  private authorize(verb: string, route: Route): void {
    if (!this.options.rules) return;
    const resource = route.subresource ? `${route.type.plural}/${route.subresource}` : route.type.plural;
    if (allows(this.options.rules, verb, route.type.group, resource)) return;
    const user = this.options.user ?? 'system:serviceaccount:rollbot:rollbot';
    const scope = route.namespace ? ` in the namespace "${route.namespace}"` : ' at the cluster scope';
    const named = route.name ? ` "${route.name}"` : '';
    throw new ApiError(
      403,
      'Forbidden',
      `${qualified(route.type)}${named} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${route.type.group}"${scope}`,
      { name: route.name, group: route.type.group, kind: route.type.plural },
    );
  }

  private mustGet(route: Route): KubeObject {
    const object = route.name ? this.store.get(route.type, route.namespace, route.name) : undefined;
    if (!object) {
      throw new ApiError(404, 'NotFound', `${qualified(route.type)} "${route.name}" not found`, { name: route.name, group: route.type.group, kind: route.type.plural });
    }
    return object;
  }

  private async patch(request: IncomingMessage, response: ServerResponse, route: Route): Promise<void> {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    const body = await readBody(request);
    if (contentType !== 'application/merge-patch+json' && !(contentType === 'application/strategic-merge-patch+json' && !route.type.custom)) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json${route.type.custom ? '' : ', application/strategic-merge-patch+json'}`,
      );
    }
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch (error) {
      throw new ApiError(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`);
    }
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new ApiError(400, 'BadRequest', 'a merge patch must be a JSON object');
    const current = this.mustGet(route);
    const wanted = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== current.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(route.type)} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const patched = mergePatch(current, patch) as KubeObject;
    // The status subresource: the main resource ignores status changes, /status takes only them.
    const next: KubeObject = route.subresource === 'status' ? { ...current, status: patched.status } : { ...patched, status: current.status };
    next.metadata = { ...next.metadata, name: current.metadata.name, namespace: current.metadata.namespace, uid: current.metadata.uid };
    sendJson(response, 200, this.store.apply(next));
  }

  private watch(request: IncomingMessage, response: ServerResponse, type: ResourceType, matches: (o: KubeObject) => boolean, params: URLSearchParams): void {
    const since = params.get('resourceVersion');
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    const send = (type_: string, object: unknown) => {
      if (!response.writableEnded) response.write(`${JSON.stringify({ type: type_, object })}\n`);
    };
    const relevant = (event: StoredEvent) => event.resource === type && matches(event.object);
    this.openWatches.add(response);
    const unsubscribe = this.store.subscribe((event) => {
      if (relevant(event)) send(event.type, event.object);
    });
    const seconds = Number(params.get('timeoutSeconds') ?? '0');
    // A real server ends every watch after a while (30-60 min by default); clients must re-watch.
    const timer = setTimeout(() => response.end(), (seconds > 0 ? seconds : 1800 + Math.random() * 1800) * 1000);
    const close = () => {
      clearTimeout(timer);
      unsubscribe();
      this.openWatches.delete(response);
    };
    request.on('close', close);
    response.on('close', close);
    if (since && since !== '0') {
      const events = this.store.eventsSince(Number(since));
      if (!events || Number.isNaN(Number(since))) {
        send('ERROR', new ApiError(410, 'Expired', `too old resource version: ${since} (${this.store.oldestResumable})`).body());
        response.end();
        return;
      }
      for (const event of events.filter(relevant)) send(event.type, event.object);
    } else {
      for (const object of this.store.list(type).filter(matches)) send('ADDED', object);
    }
  }
}
