import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SetupProblem } from '../core/errors.js';
import { freePort } from './redis-process.js';

/**
 * A real OCI registry on loopback: Debian's `docker-registry` (the CNCF distribution server),
 * storing into a folder. Local mode serves the demo's images from it and the tests check releases
 * against it. Images are pushed with plain HTTP calls, the way a build pushes them.
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
    throw new SetupProblem(
      'docker-registry (the OCI distribution server) is not on PATH. Install it with `sudo apt-get install docker-registry`.',
    );
  }
  return binary;
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
export async function startRegistry(dir: string, options: { htpasswdLine?: string; port?: number } = {}): Promise<RegistryServer> {
  const binary = registryBinary();
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
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
