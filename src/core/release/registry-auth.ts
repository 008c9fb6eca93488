import { RegistryUnauthorized, RegistryUnreachable } from './errors.js';
import type { ResolvedRegistry } from './registry-config.js';

/**
 * The distribution spec's auth handshake: the registry answers 401 with a `WWW-Authenticate`
 * challenge; `Basic` wants the credentials on the request, `Bearer realm=…,service=…,scope=…`
 * wants a token from the realm (Docker Hub, Quay, Harbor, GHCR and distribution with token auth).
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export type FetchFn = typeof fetch;

/** Parses the first challenge of a `WWW-Authenticate` header; null when there is none. */
export function parseChallenge(header: string | null): Challenge | null {
  if (!header) return null;
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const m of match[2]!.matchAll(/([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

/** What went wrong in words, for "could not reach" messages. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

export class RegistryAuth {
  private readonly tokens = new Map<string, CachedToken>();
  // Once the registry asked for Basic, send it up front: it saves a 401 round trip per request.
  private basicKnown = false;

  constructor(
    private readonly registry: ResolvedRegistry,
    private readonly fetchImpl: FetchFn,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Authorization header to send before any challenge, if one is known to be needed. */
  headerFor(scope: string): string | undefined {
    if (this.registry.token) return `Bearer ${this.registry.token}`;
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > this.now()) return cached.header;
    if (this.basicKnown) return this.basicHeader();
    return undefined;
  }

  /** Answers a 401 challenge with a header to retry with, or explains which credentials to fix. */
  async answer(challenge: Challenge | null, scope: string, what: string): Promise<string> {
    if (this.registry.token) {
      throw new RegistryUnauthorized(this.registry.baseUrl, `${what} was refused`, 'Fix registry.token for this environment; the registry did not accept it.');
    }
    if (challenge?.scheme === 'basic') {
      if (!this.hasBasic()) throw this.needsCredentials(what);
      this.basicKnown = true;
      return this.basicHeader();
    }
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      return this.fetchToken(challenge, scope);
    }
    throw new RegistryUnauthorized(
      this.registry.baseUrl,
      `${what} was refused with ${challenge ? `an unsupported '${challenge.scheme}' challenge` : 'no WWW-Authenticate challenge'}`,
      'Rollbot speaks Basic and Bearer token auth; check registry.url points at the registry API (the host that serves /v2/).',
    );
  }

  /** Sentence for a request that is still refused after answering the challenge. */
  refused(what: string): RegistryUnauthorized {
    if (!this.hasBasic()) return this.needsCredentials(what);
    return new RegistryUnauthorized(
      this.registry.baseUrl,
      `${what} was refused for user '${this.registry.username}'`,
      `Fix registry.username / registry.password for this environment: that account needs pull access to ${this.registry.repository}.`,
    );
  }

  private needsCredentials(what: string): RegistryUnauthorized {
    return new RegistryUnauthorized(
      this.registry.baseUrl,
      `${what} needs credentials`,
      'Set registry.username and registry.password (or registry.token) for this environment, with pull access to its images.',
    );
  }

  private hasBasic(): boolean {
    return this.registry.username !== undefined && this.registry.password !== undefined;
  }

  private basicHeader(): string {
    return `Basic ${Buffer.from(`${this.registry.username}:${this.registry.password}`).toString('base64')}`;
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const realm = new URL(challenge.params.realm!);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    // The challenge's scope is what the registry wants; ours is the fallback (some omit it).
    realm.searchParams.set('scope', challenge.params.scope ?? scope);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.hasBasic()) headers.Authorization = this.basicHeader();
    let response: Response;
    try {
      response = await this.fetchImpl(realm, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new RegistryUnreachable(`${realm.origin}${realm.pathname} (the token service of ${this.registry.baseUrl})`, describeFetchError(error, this.timeoutMs), { cause: error });
    }
    if (response.status === 401 || response.status === 403) {
      throw new RegistryUnauthorized(
        this.registry.baseUrl,
        `its token service at ${realm.origin}${realm.pathname} answered HTTP ${response.status}`,
        this.hasBasic()
          ? `Fix registry.username / registry.password for this environment; the token service did not accept user '${this.registry.username}'.`
          : 'Set registry.username and registry.password for this environment; the token service does not hand out anonymous tokens.',
      );
    }
    if (!response.ok) {
      throw new RegistryUnreachable(`${realm.origin}${realm.pathname}`, `token service answered HTTP ${response.status}`);
    }
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) {
      throw new RegistryUnreachable(`${realm.origin}${realm.pathname}`, 'token service answered without a token');
    }
    // The spec's default lifetime is 60 s; renew a little early so a token never expires in flight.
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    const header = `Bearer ${token}`;
    this.tokens.set(scope, { header, expiresAt: this.now() + Math.max(lifetime - 10, 1) * 1000 });
    return header;
  }
}
