import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  appsKustomizationYaml,
  configMapYaml,
  fluxSystemFiles,
  helmReleaseYaml,
  kustomizationYaml,
  serviceYaml,
  valuesYaml,
  type TagHome,
} from './flux-templates.js';

export const CLUSTER = 'bench';
/** Bump when the templates change, so a stale cache is not reused. */
const FIXTURE_VERSION = 1;
const READY_MARKER = 'rollbot-bench-ready';

export interface BenchService {
  name: string;
  namespace: string;
  /** Where the image tag lives. */
  home: TagHome;
  /** The file holding the tag, relative to the repo root. */
  tagFile: string;
}

const WORDS = ['checkout', 'payments', 'search', 'orders', 'catalog', 'users', 'billing', 'inventory', 'shipping', 'notify'];

/** Names end in a unique 4-digit number, so no name is a substring of another. */
export function benchServices(count: number): BenchService[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${WORDS[i % WORDS.length]}-${String(i).padStart(4, '0')}`;
    const home: TagHome = i % 2 === 0 ? 'helmrelease' : 'values';
    const dir = `clusters/${CLUSTER}/apps/${name}`;
    return { name, namespace: `team-${i % 25}`, home, tagFile: `${dir}/${home === 'helmrelease' ? 'helmrelease' : 'values'}.yaml` };
  });
}

function repoFiles(services: BenchService[]): Map<string, string> {
  const files = new Map<string, string>(Object.entries(fluxSystemFiles(CLUSTER)));
  files.set(`clusters/${CLUSTER}/apps/kustomization.yaml`, appsKustomizationYaml(services.map((s) => s.name)));
  for (const s of services) {
    const dir = `clusters/${CLUSTER}/apps/${s.name}`;
    files.set(`${dir}/helmrelease.yaml`, helmReleaseYaml(s.name, s.namespace, s.home));
    files.set(`${dir}/kustomization.yaml`, kustomizationYaml(s.name, s.namespace));
    files.set(`${dir}/values.yaml`, valuesYaml(s.name, s.home));
    files.set(`${dir}/configmap.yaml`, configMapYaml(s.name, s.namespace));
    files.set(`${dir}/service.yaml`, serviceYaml(s.name, s.namespace));
  }
  return files;
}

/** One commit holding every file, as a `git fast-import` stream. */
export function fastImportStream(files: Map<string, string>): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const parts = [
    'commit refs/heads/main\n',
    'committer Bench Fixture <bench@example.com> 1700000000 +0000\n',
    data('Flux repo: 2,000 services'),
  ];
  for (const [path, text] of files) parts.push(`M 100644 inline ${path}\n`, data(text));
  parts.push('done\n');
  return parts.join('');
}

export interface FluxFixture {
  /** A bare repo with branch main; treat as read-only (clone it). */
  bareRepo: string;
  services: BenchService[];
  fileCount: number;
  /** Null when it came from the cache. */
  generatedMs: number | null;
}

/**
 * A bare repo holding `files` in one commit, made with fast-import under cacheDir on first use and
 * reused while its name (fixture and version) stays the same.
 */
export async function cachedBareRepo(cacheDir: string, name: string, files: Map<string, string>): Promise<{ bareRepo: string; generatedMs: number | null }> {
  const bareRepo = join(cacheDir, `${name}.git`);
  if (existsSync(join(bareRepo, READY_MARKER))) return { bareRepo, generatedMs: null };
  const started = performance.now();
  await rm(bareRepo, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bareRepo]);
  await execa('git', ['fast-import', '--quiet', '--done'], { cwd: bareRepo, input: fastImportStream(files) });
  await writeFile(join(bareRepo, READY_MARKER), `${new Date().toISOString()}\n`);
  return { bareRepo, generatedMs: performance.now() - started };
}

/** The 2,000-service Flux repo, generated once under cacheDir and reused afterwards. */
export async function cachedFluxRepo(cacheDir: string, serviceCount = 2000): Promise<FluxFixture> {
  const services = benchServices(serviceCount);
  const files = repoFiles(services);
  const repo = await cachedBareRepo(cacheDir, `flux-${serviceCount}-v${FIXTURE_VERSION}`, files);
  return { ...repo, services, fileCount: files.size };
}
