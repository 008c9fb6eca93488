import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/errors.js';
import { ImageNotFound, NoMatchingImageTag, RegistryUnauthorized, RegistryUnreachable } from '../src/core/release/errors.js';
import { findReleaseImage } from '../src/core/release/image-lookup.js';
import { RegistryClient, nextLink } from '../src/core/release/registry-client.js';
import { parseChallenge } from '../src/core/release/registry-auth.js';
import { parseTagTemplate, SORTABLE_TAG_TEMPLATE } from '../src/core/release/tag-template.js';
import { removeDir, tempDir } from './support/git-fixtures.js';
import {
  freePort,
  htpasswdLine,
  pushImage,
  startRegistry,
  startRegistryFront,
  type PushedImage,
  type RegistryFront,
  type RegistryServer,
} from './support/registry-server.js';

const SHA = 'a1b2c3def4567890a1b2c3def4567890a1b2c3de';

/** fetch that records each request's method and path, to see pagination and auth round trips. */
function recordingFetch(): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    return fetch(input, init);
  }) as typeof fetch & { calls: string[] };
  wrapped.calls = calls;
  return wrapped;
}

describe('the registry client against a real distribution server', () => {
  let root: string;
  let registry: RegistryServer;
  let pushed: PushedImage;
  const host = () => new URL(registry.url).host;

  beforeAll(async () => {
    root = await tempDir('rollbot-registry-');
    registry = await startRegistry(root);
    pushed = await pushImage(registry.url, 'acme/papi', 'ps-42-a1b2c3d');
    // Builds of the same commit at different times, other commits, and non-matching tags.
    for (const [tag, content] of [
      ['main-a1b2c3d-1707300000', 'build 2'],
      ['main-a1b2c3d-1707200000', 'build 1'],
      ['main-fffffff-1800000000', 'other commit'],
      ['main-a1b2c3d-1707250000', 'build 1b'],
      ['latest', 'latest'],
      ['main-0000000-1600000000', 'old'],
      ['main-a1b2c3d-99', 'ancient'],
    ] as const) {
      await pushImage(registry.url, 'acme/papi', tag, { content });
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await removeDir(root);
  });

  it('finds a pushed tag with its digest and media type', async () => {
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' });
    expect(await client.checkManifest('acme/papi', 'ps-42-a1b2c3d')).toEqual({
      found: true,
      digest: pushed.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(await client.requireImage('papi', 'ps-42-a1b2c3d')).toEqual({
      ref: `${host()}/acme/papi:ps-42-a1b2c3d`,
      repository: 'acme/papi',
      tag: 'ps-42-a1b2c3d',
      digest: pushed.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
  });

  it('reports an unknown tag with the sentence that says to wait and retry', async () => {
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' });
    expect(await client.checkManifest('acme/papi', 'ps-42-0000000')).toEqual({ found: false });
    const error = await client.requireImage('papi', 'ps-42-0000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageNotFound);
    expect((error as ImageNotFound).userMessage).toBe(
      `Image ${host()}/acme/papi:ps-42-0000000 is not in the registry yet. Wait for the build to push it, then press Retry check.`,
    );
    expect((error as ImageNotFound).transient).toBe(true);
  });

  it('lists every tag in one page when the registry does not paginate (docker-registry 2.8)', async () => {
    const fetchImpl = recordingFetch();
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' }, { fetch: fetchImpl, pageSize: 3 });
    expect(new Set(await client.listTags('acme/papi')).size).toBe(8);
    expect(fetchImpl.calls).toEqual(['GET /v2/acme/papi/tags/list?n=3']);
  });

  it('finds the newest main-<sha7>-<ts> build of a commit by searching the tags', async () => {
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' });
    const image = await findReleaseImage(client, { service: 'papi', sha: SHA, template: parseTagTemplate(SORTABLE_TAG_TEMPLATE) });
    expect(image.tag).toBe('main-a1b2c3d-1707300000');
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(image.digest).not.toBe(pushed.digest);
  });

  describe('when the registry paginates tags/list (Quay, Harbor, distribution v3)', () => {
    let front: RegistryFront;
    beforeAll(async () => {
      front = await startRegistryFront(registry.url, { paginate: true });
    });
    afterAll(() => front.stop());

    it('follows n/last pages through the Link header', async () => {
      const fetchImpl = recordingFetch();
      const client = new RegistryClient({ url: front.url, repository: 'acme/{service}' }, { fetch: fetchImpl, pageSize: 3 });
      const tags = await client.listTags('acme/papi');
      expect(tags).toHaveLength(8);
      expect(new Set(tags).size).toBe(8);
      expect(fetchImpl.calls).toEqual([
        'GET /v2/acme/papi/tags/list?n=3',
        'GET /v2/acme/papi/tags/list?n=3&last=main-a1b2c3d-1707200000',
        'GET /v2/acme/papi/tags/list?n=3&last=main-a1b2c3d-99',
      ]);
    });

    it('finds the newest build on a later page', async () => {
      const client = new RegistryClient({ url: front.url, repository: 'acme/{service}' }, { pageSize: 2 });
      const image = await findReleaseImage(client, { service: 'papi', sha: SHA, template: parseTagTemplate(SORTABLE_TAG_TEMPLATE) });
      expect(image.tag).toBe('main-a1b2c3d-1707300000');
    });

    it('stops after maxPages instead of following a registry forever', async () => {
      const client = new RegistryClient({ url: front.url, repository: 'acme/{service}' }, { pageSize: 1, maxPages: 2 });
      expect(await client.listTags('acme/papi')).toHaveLength(2);
    });
  });

  it('says no build matches when a commit has no main-<sha7>-<ts> tag', async () => {
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' });
    const error = await findReleaseImage(client, { service: 'papi', sha: '1234567', template: parseTagTemplate(SORTABLE_TAG_TEMPLATE) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoMatchingImageTag);
    expect((error as NoMatchingImageTag).userMessage).toBe(
      `No tag matching main-1234567-<ts> for ${host()}/acme/papi is in the registry yet. Wait for the build to push it, then press Retry check (or pass --tag <tag>).`,
    );
  });

  it('treats a repository nothing was pushed to as having no tags', async () => {
    const client = new RegistryClient({ url: registry.url, repository: 'acme/{service}' });
    expect(await client.listServiceTags('never-built')).toEqual([]);
  });

  it('says which URL it could not reach', async () => {
    const port = await freePort();
    const client = new RegistryClient({ url: `http://127.0.0.1:${port}`, repository: 'acme/{service}' });
    const error = await client.requireImage('papi', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnreachable);
    expect((error as RegistryUnreachable).userMessage).toBe(
      `Could not reach the registry at http://127.0.0.1:${port} (ECONNREFUSED). Check registry.url for this environment and that the worker can reach it, then try again.`,
    );
  });

  describe('behind a bearer token service (the Quay / Harbor flow)', () => {
    let proxy: RegistryFront;
    beforeAll(async () => {
      proxy = await startRegistryFront(registry.url, { bearer: { username: 'robot', password: 's3cret' }, paginate: true });
    });
    afterAll(() => proxy.stop());

    it('fetches a token from the realm with basic credentials, retries, and reuses the token', async () => {
      const fetchImpl = recordingFetch();
      const client = new RegistryClient({ url: proxy.url, repository: 'acme/{service}', username: 'robot', password: 's3cret' }, { fetch: fetchImpl, pageSize: 3 });
      const image = await client.requireImage('papi', 'ps-42-a1b2c3d');
      expect(image.digest).toBe(pushed.digest);
      expect(proxy.tokenRequests.at(-1)).toEqual({ service: 'rollbot-test-registry', scope: 'repository:acme/papi:pull', authorized: true });
      const tokensBefore = proxy.tokenRequests.length;
      expect((await client.listTags('acme/papi')).length).toBe(8);
      expect(proxy.tokenRequests.length).toBe(tokensBefore);
      expect(fetchImpl.calls.filter((c) => c.startsWith('GET /token'))).toHaveLength(1);
    });

    it('says to fix username/password when the token service refuses them', async () => {
      const client = new RegistryClient({ url: proxy.url, repository: 'acme/{service}', username: 'robot', password: 'wrong' });
      const error = await client.requireImage('papi', 'ps-42-a1b2c3d').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryUnauthorized);
      expect((error as RegistryUnauthorized).userMessage).toBe(
        `The registry at ${proxy.url} refused access (its token service at ${proxy.url}/token answered HTTP 401). Fix registry.username / registry.password for this environment; the token service did not accept user 'robot'.`,
      );
    });

    it('says to set credentials when none are configured', async () => {
      const client = new RegistryClient({ url: proxy.url, repository: 'acme/{service}' });
      await expect(client.requireImage('papi', 'ps-42-a1b2c3d')).rejects.toThrow(/Set registry\.username and registry\.password for this environment/);
    });

    it('says to fix registry.token when a configured token is refused', async () => {
      const client = new RegistryClient({ url: proxy.url, repository: 'acme/{service}', token: 'stale' });
      await expect(client.requireImage('papi', 'ps-42-a1b2c3d')).rejects.toThrow(/Fix registry\.token for this environment/);
    });
  });

  describe('with htpasswd basic auth (real distribution)', () => {
    const credentials = { username: 'robot', password: 's3cret' };
    const line = htpasswdLine(credentials);
    let secured: RegistryServer;
    let securedRoot: string;

    // Needs a bcrypt maker: `htpasswd` (apt-get install apache2-utils) or Python's crypt module.
    describe.skipIf(!line)('basic auth', () => {
      beforeAll(async () => {
        securedRoot = join(root, 'secured');
        await mkdir(securedRoot);
        secured = await startRegistry(securedRoot, { htpasswdLine: line! });
        await pushImage(secured.url, 'acme/papi', 'ps-1-a1b2c3d', { auth: credentials });
      });
      afterAll(() => secured?.stop());

      it('answers the Basic challenge with the configured credentials', async () => {
        const fetchImpl = recordingFetch();
        const client = new RegistryClient({ url: secured.url, repository: 'acme/{service}', ...credentials }, { fetch: fetchImpl });
        expect((await client.requireImage('papi', 'ps-1-a1b2c3d')).digest).toMatch(/^sha256:/);
        // After the first challenge the credentials go along up front.
        await client.requireImage('papi', 'ps-1-a1b2c3d');
        expect(fetchImpl.calls).toHaveLength(3);
      });

      it('says the user was refused', async () => {
        const client = new RegistryClient({ url: secured.url, repository: 'acme/{service}', username: 'robot', password: 'nope' });
        await expect(client.requireImage('papi', 'ps-1-a1b2c3d')).rejects.toThrow(
          `The registry at ${secured.url} refused access (HEAD /v2/acme/papi/manifests/ps-1-a1b2c3d was refused for user 'robot'). Fix registry.username / registry.password for this environment: that account needs pull access to acme/{service}.`,
        );
      });

      it('says credentials are needed when none are set', async () => {
        const client = new RegistryClient({ url: secured.url, repository: 'acme/{service}' });
        await expect(client.requireImage('papi', 'ps-1-a1b2c3d')).rejects.toThrow(RegistryUnauthorized);
      });
    });
  });
});

describe('registry config and protocol details', () => {
  it('refuses plain http to a LAN registry unless it is marked insecure', () => {
    expect(() => new RegistryClient({ url: 'http://192.168.0.40:5000', repository: '{service}' })).toThrow(ConfigError);
    expect(() => new RegistryClient({ url: 'http://192.168.0.40:5000', repository: '{service}' })).toThrow(/set registry\.insecure: true/);
    expect(new RegistryClient({ url: '192.168.0.40:5000', repository: '{service}', insecure: true }).registry.baseUrl).toBe('http://192.168.0.40:5000');
    expect(new RegistryClient({ url: 'quay.io', repository: 'acme/{service}' }).imageName('papi')).toBe('quay.io/acme/papi');
  });

  it('refuses a repository template that makes invalid names', () => {
    expect(() => new RegistryClient({ url: 'quay.io', repository: 'Acme/{service}' })).toThrow(/not a valid repository name/);
    expect(() => new RegistryClient({ url: 'quay.io', repository: 'acme/papi' })).toThrow(/has no \{service\}/);
  });

  it('parses Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:acme/papi:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:acme/papi:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
  });

  it('follows Link headers only on the same registry', () => {
    expect(nextLink('</v2/acme/papi/tags/list?last=b&n=2>; rel="next"', 'http://127.0.0.1:5000')).toBe('/v2/acme/papi/tags/list?last=b&n=2');
    expect(nextLink('<https://evil.example/v2/x/tags/list?last=b>; rel="next"', 'http://127.0.0.1:5000')).toBeNull();
  });
});
