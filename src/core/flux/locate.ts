import { readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AmbiguousService, ImageTagNotEditable, InvalidInput, ServiceNotFound } from '../errors.js';
import { git } from './git.js';
import { FluxFileIndex } from './flux-file-index.js';
import { locateImageTag, type FluxFileKind, type TagLocation } from './image-tag-edit.js';

export interface LocatedFile {
  /** Path relative to the repo root, with forward slashes. */
  file: string;
  kind: FluxFileKind;
  location: TagLocation;
}

export interface LocateOptions {
  /** Only search below this folder. */
  fluxRoot?: string;
  /** From the catalog or a config override: a file or folder that wins over discovery. */
  fluxPath?: string;
  /** The commit the working tree is at (saves a rev-parse when the caller just synced). */
  head?: string;
}

const YAML_SPECS = ['*.yaml', '*.yml'];

function safeRelative(path: string, what: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (normal.startsWith('..') || posix.isAbsolute(normal)) {
    throw new InvalidInput(`${what} '${path}' points outside the Flux repo; use a path relative to the repo root.`);
  }
  return normal === '.' ? '' : normal;
}

// Plain git pathspecs: `*` also matches '/', so `root/*.yaml` covers every depth below root.
function pathspecs(root: string): string[] {
  return YAML_SPECS.map((glob) => (root ? `${root}/${glob}` : glob));
}

interface ParsedDoc {
  errors: unknown[];
  getIn(path: string[]): unknown;
}

function documentsOf(text: string): ParsedDoc[] {
  return Array.from(parseAllDocuments(text) as Iterable<ParsedDoc>).filter((d) => d.errors.length === 0);
}

/** A HelmRelease of this service, a plain values document, or neither (another Kubernetes object). */
async function classify(repoDir: string, file: string, service: string): Promise<FluxFileKind | null> {
  const docs = documentsOf(await readFile(join(repoDir, file), 'utf8'));
  if (docs.some((d) => d.getIn(['kind']) === 'HelmRelease' && d.getIn(['metadata', 'name']) === service)) return 'helmrelease';
  return docs.some((d) => d.getIn(['kind']) === undefined) ? 'values' : null;
}

async function withTag(repoDir: string, file: string, kind: FluxFileKind, service: string): Promise<LocatedFile | ImageTagNotEditable> {
  const text = await readFile(join(repoDir, file), 'utf8');
  try {
    return { file, kind, location: locateImageTag(text, kind, service, file) };
  } catch (error) {
    if (error instanceof ImageTagNotEditable) return error;
    throw error;
  }
}

function choose(service: string, found: Array<LocatedFile | ImageTagNotEditable>): LocatedFile | null {
  const usable = found.filter((f): f is LocatedFile => !(f instanceof ImageTagNotEditable));
  if (usable.length === 1) return usable[0]!;
  if (usable.length > 1) throw new AmbiguousService(service, usable.map((f) => f.file));
  const problem = found.find((f): f is ImageTagNotEditable => f instanceof ImageTagNotEditable);
  if (problem) throw problem;
  return null;
}

async function listFiles(repoDir: string, under: string): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--', ...pathspecs(under)], repoDir);
  return [...new Set(stdout.split('\0').filter(Boolean))];
}

/** An explicit fluxPath (catalog or config): a file, or a folder whose YAML files are searched. */
async function locateAtPath(repoDir: string, service: string, fluxPath: string): Promise<LocatedFile> {
  const path = safeRelative(fluxPath, 'fluxPath');
  let isDir: boolean;
  try {
    isDir = (await stat(join(repoDir, path))).isDirectory();
  } catch {
    throw new ImageTagNotEditable(
      `The catalog says '${service}' lives at ${fluxPath}, but that path is not in the Flux repo. Fix its fluxPath or run \`/services regenerate\`.`,
    );
  }
  const files = isDir ? await listFiles(repoDir, path) : [path];
  const found: Array<LocatedFile | ImageTagNotEditable> = [];
  for (const file of files) {
    const kind = await classify(repoDir, file, service);
    if (kind) found.push(await withTag(repoDir, file, kind, service));
  }
  // Inside a service folder a HelmRelease with an inline tag wins over a values file next to it.
  const releases = found.filter((f) => !(f instanceof ImageTagNotEditable) && f.kind === 'helmrelease');
  const chosen = choose(service, releases.length === 1 ? releases : found);
  if (!chosen) throw new ServiceNotFound(service);
  return chosen;
}

/**
 * Finds the file that holds a service's image tag. Order (seed 000, issue 2): the catalog's
 * fluxPath; else a HelmRelease whose metadata.name is the service (any file, any document); else a
 * values file in a folder named after the service (or `<service>.yaml`, `<service>-values.yaml`).
 * Several candidates: ambiguous, nothing changes. An index of the clone's files and HelmReleases
 * (FluxFileIndex) keeps this fast on large repos.
 */
export async function locateServiceFile(repoDir: string, service: string, options: LocateOptions = {}): Promise<LocatedFile> {
  if (options.fluxPath) return locateAtPath(repoDir, service, options.fluxPath);
  const root = options.fluxRoot ? safeRelative(options.fluxRoot, 'fluxRoot') : '';

  const index = await FluxFileIndex.of(repoDir, options.head);
  const releases: Array<LocatedFile | ImageTagNotEditable> = [];
  for (const file of index.helmReleaseFiles(service, root)) releases.push(await withTag(repoDir, file, 'helmrelease', service));
  const release = choose(service, releases.filter((r) => !(r instanceof ImageTagNotEditable)));
  if (release) return release;

  const ownNames = [`${service}.yaml`, `${service}.yml`, `${service}-values.yaml`, `${service}-values.yml`];
  const values: Array<LocatedFile | ImageTagNotEditable> = [];
  for (const file of [...new Set([...index.valuesFilesIn(service, root), ...index.filesNamed(ownNames, root)])]) {
    if ((await classify(repoDir, file, service)) === 'values') values.push(await withTag(repoDir, file, 'values', service));
  }
  const valuesFile = choose(service, values.filter((v) => !(v instanceof ImageTagNotEditable)));
  if (valuesFile) return valuesFile;

  // Found the service but without a usable tag: say exactly what is missing.
  const problem = [...releases, ...values].find((f): f is ImageTagNotEditable => f instanceof ImageTagNotEditable);
  if (problem) throw problem;
  throw new ServiceNotFound(service);
}
