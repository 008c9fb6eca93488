import { createHash } from 'node:crypto';
import { validateImageTag } from '../validate.js';
import { ImageNotFound, RegistryUnauthorized, RegistryUnreachable } from './errors.js';
import { describeFetchError, parseChallenge, RegistryAuth, type FetchFn } from './registry-auth.js';
import { repositoryFor, resolveRegistry, type RegistryConfig, type ResolvedRegistry } from './registry-config.js';

/** Every manifest kind a build may push: single-platform images and multi-platform indexes. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

export interface ManifestCheck {
  found: boolean;
  digest?: string;
  mediaType?: string;
}

export interface ImageRef {
  /** host/repository:tag, as a person would pull it. */
  ref: string;
  repository: string;
  tag: string;
  digest: string;
  mediaType?: string;
}

/** What a release needs from a registry; the client below is the real one, tests may fake it. */
export interface ImageRegistry {
  /** host/repository of a service's images, for messages. */
  imageName(service: string): string;
  /** The image for a tag, or ImageNotFound. */
  requireImage(service: string, tag: string): Promise<ImageRef>;
  /** Every tag of the service's repository (empty when the repository does not exist yet). */
  listServiceTags(service: string): Promise<string[]>;
}

export interface RegistryClientOptions {
  fetch?: FetchFn;
  timeoutMs?: number;
  /** Tags per page of `tags/list` (the `n` parameter). */
  pageSize?: number;
  /** Stop paginating after this many pages: a registry that loops must not hang a job. */
  maxPages?: number;
}

/** A client for the OCI distribution API (`/v2/`), on global fetch. */
export class RegistryClient implements ImageRegistry {
  readonly registry: ResolvedRegistry;
  private readonly fetchImpl: FetchFn;
  private readonly timeoutMs: number;
  private readonly auth: RegistryAuth;

  constructor(
    config: RegistryConfig,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.registry = resolveRegistry(config);
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.auth = new RegistryAuth(this.registry, this.fetchImpl, this.timeoutMs);
  }

  repositoryOf(service: string): string {
    return repositoryFor(this.registry.repository, service);
  }

  imageName(service: string): string {
    return `${this.registry.host}/${this.repositoryOf(service)}`;
  }

  /** `HEAD /v2/<name>/manifests/<tag>`: is the tag there, and which digest does it point at? */
  async checkManifest(repository: string, tag: string): Promise<ManifestCheck> {
    const path = `/v2/${repository}/manifests/${encodeURIComponent(validateImageTag(tag))}`;
    const headers = { Accept: MANIFEST_MEDIA_TYPES.join(', ') };
    const head = await this.send('HEAD', path, repository, headers);
    if (head.status === 404) return { found: false };
    this.expectOk(head, `HEAD ${path}`);
    const mediaType = head.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
    const digest = head.headers.get('docker-content-digest') ?? undefined;
    if (digest) return { found: true, digest, mediaType };
    // Some registries omit the digest on HEAD: it is the sha256 of the manifest bytes.
    const get = await this.send('GET', path, repository, headers);
    if (get.status === 404) return discard(get, { found: false });
    this.expectOk(get, `GET ${path}`);
    const body = Buffer.from(await get.arrayBuffer());
    return { found: true, digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, mediaType };
  }

  async requireImage(service: string, tag: string): Promise<ImageRef> {
    const repository = this.repositoryOf(service);
    const check = await this.checkManifest(repository, tag);
    const image = `${this.registry.host}/${repository}`;
    if (!check.found || !check.digest) throw new ImageNotFound(image, tag);
    return { ref: `${image}:${tag}`, repository, tag, digest: check.digest, mediaType: check.mediaType };
  }

  /** `GET /v2/<name>/tags/list`, following `n`/`last` pages through the Link header. */
  async listTags(repository: string): Promise<string[]> {
    const pageSize = this.options.pageSize ?? 100;
    const maxPages = this.options.maxPages ?? 1000;
    const tags: string[] = [];
    let next: string | null = `/v2/${repository}/tags/list?n=${pageSize}`;
    for (let page = 0; next && page < maxPages; page++) {
      const response = await this.send('GET', next, repository, { Accept: 'application/json' });
      if (response.status === 404) return discard(response, tags); // NAME_UNKNOWN: nothing pushed yet
      this.expectOk(response, `GET ${next}`);
      const body = (await response.json().catch(() => ({}))) as { tags?: unknown };
      const pageTags = Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [];
      tags.push(...pageTags);
      const following = nextLink(response.headers.get('link'), this.registry.baseUrl);
      // A registry that hands back the same page again would loop forever.
      next = following && following !== next && pageTags.length > 0 ? following : null;
    }
    return tags;
  }

  listServiceTags(service: string): Promise<string[]> {
    return this.listTags(this.repositoryOf(service));
  }

  /** One request, answering a 401 challenge once. Network failures become RegistryUnreachable. */
  private async send(method: string, path: string, repository: string, headers: Record<string, string>): Promise<Response> {
    const scope = `repository:${repository}:pull`;
    const what = `${method} ${path.split('?')[0]}`;
    let response = await this.fetchOnce(method, path, headers, this.auth.headerFor(scope));
    if (response.status !== 401) return response;
    await response.body?.cancel();
    const authorization = await this.auth.answer(parseChallenge(response.headers.get('www-authenticate')), scope, what);
    response = await this.fetchOnce(method, path, headers, authorization);
    if (response.status === 401) {
      await response.body?.cancel();
      throw this.auth.refused(what);
    }
    return response;
  }

  private async fetchOnce(method: string, path: string, headers: Record<string, string>, authorization?: string): Promise<Response> {
    const url = `${this.registry.baseUrl}${path}`;
    try {
      return await this.fetchImpl(url, {
        method,
        headers: authorization ? { ...headers, Authorization: authorization } : headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryUnreachable(this.registry.baseUrl, describeFetchError(error, this.timeoutMs), { cause: error });
    }
  }

  private expectOk(response: Response, what: string): void {
    if (response.ok) return;
    void response.body?.cancel();
    if (response.status === 403) {
      throw new RegistryUnauthorized(
        this.registry.baseUrl,
        `${what} was denied (HTTP 403)`,
        'Give the configured registry account pull access to this repository (registry.username / registry.token), then try again.',
      );
    }
    throw new RegistryUnreachable(this.registry.baseUrl, `${what} answered HTTP ${response.status}`);
  }
}

/** Drops an unread body so the connection can be reused, and passes a value through. */
async function discard<T>(response: Response, value: T): Promise<T> {
  await response.body?.cancel();
  return value;
}

/** The `rel="next"` target of a Link header, as a path on the same registry (never another host). */
export function nextLink(header: string | null, baseUrl: string): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (!match) continue;
    const url = new URL(match[1]!, baseUrl);
    if (url.origin !== new URL(baseUrl).origin) return null;
    return `${url.pathname}${url.search}`;
  }
  return null;
}
