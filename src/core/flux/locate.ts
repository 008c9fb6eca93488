import { posix } from 'node:path';
import { AmbiguousImageSite, ImageTagNotEditable, InvalidInput, ServiceNotFound } from '../errors.js';
import { FluxFileIndex } from './flux-file-index.js';
import type { RepoTree } from './repo-tree.js';
import { chooseImageSites } from './sites/image-site-chooser.js';
import { findImageSites } from './sites/image-site-finder.js';
import { candidateOf, parseSiteRef, pathText, type ImageSite } from './sites/image-site.js';
import type { EnvironmentScope } from './env-scope.js';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';

export interface LocatedFile {
  /** Path relative to the repo root, with forward slashes: the (first) file the sites are in. */
  file: string;
  /** Every file a rollout writes (setter markers of one policy may be in several). */
  files: string[];
  /** Where the tag is written; each file's text was read at the commit located at. */
  sites: ImageSite[];
  /** Which rule chose them: picked, setter, imagePath, main, overlay. */
  rule: string;
  /** Overlay files that get a new image tag (no site there yet): the document and the key path, or a kustomize images entry. */
  inserts: Array<{ file: string; docIndex: number; path: string[]; kustomizeImage?: string }>;
}

export interface LocateOptions {
  /** Only search below this folder. */
  fluxRoot?: string;
  /** From the catalog or a config override: a file or folder that wins over discovery. */
  fluxPath?: string;
  /** Per-service overrides (config `services.<name>`): the container and the key path of the image. */
  container?: string;
  imagePath?: string;
  /** The Flux ImagePolicy naming the image (default: the service). */
  imagePolicy?: string;
  /** A site a person picked (`file:path`), from a button or `--site`. */
  site?: string;
  /** Environments and overlays: keep only the sites this environment may write (see env-graph). */
  filterSites?: (sites: ImageSite[]) => ImageSite[] | Promise<ImageSite[]>;
  /** The environment's kustomize graph: only its files count, and a base others share is never written. */
  scope?: EnvironmentScope;
}

const YAML_SPECS = ['*.yaml', '*.yml'];

export function safeRelative(path: string, what: string): string {
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


interface Candidates {
  files: string[];
  /** Files that belong to the service by their name or folder (values documents in them count as its own). */
  named: Set<string>;
  /** Files found as the service's object, marker, container or image: read first, and often enough. */
  primary?: Set<string>;
}

/** An explicit fluxPath (catalog or config): a file, or a folder whose YAML files are searched. */
async function filesAtPath(tree: RepoTree, service: string, fluxPath: string): Promise<Candidates> {
  const path = safeRelative(fluxPath, 'fluxPath');
  const kind = path ? await tree.kind(path) : 'folder';
  if (!kind) {
    throw new ImageTagNotEditable(
      `The catalog says '${service}' lives at ${fluxPath}, but that path is not in the Flux repo. Fix its fluxPath or run \`/services regenerate\`.`,
    );
  }
  const files = kind === 'folder' ? await tree.yamlFiles(path) : [path];
  return { files, named: new Set(files) };
}

/** Discovery through the clone's index: only files that can hold the service's image are read. */
async function filesByIndex(tree: RepoTree, service: string, root: string, options: LocateOptions): Promise<Candidates> {
  const index = await FluxFileIndex.of(tree);
  const ownNames = [`${service}.yaml`, `${service}.yml`, `${service}-values.yaml`, `${service}-values.yml`];
  const named = [...index.valuesFilesIn(service, root), ...index.filesNamed(ownNames, root)];
  const policy = (options.imagePolicy ?? service).split(':').pop()!;
  const primary = [
    ...index.helmReleaseFiles(service, root),
    ...index.filesWithKey(`name:${service}`, root),
    ...index.filesWithKey(`policy:${policy}`, root),
    ...index.filesWithKey(`container:${service}`, root),
    ...index.filesWithKey(`image:${service}`, root),
  ];
  const files = [...primary, ...named];
  if (options.imagePath) {
    // A custom resource the index has no rule for: the files that mention the configured key.
    const key = options.imagePath.replace(/\[\d+\]/g, '').split('.').pop()!;
    files.push(...(await tree.grep([`${key}:`], pathspecs(root))));
  }
  if (options.scope) {
    const scope = options.scope;
    // A HelmRelease's values may come from a ConfigMap the environment generates from a values file.
    const wanted = await releaseValuesFrom(tree, scope, service);
    const generated = [...scope.graph.files].filter(([, r]) => r.via === 'generator' && r.configMap && wanted.has(r.configMap)).map(([f]) => f);
    const inScope = [...new Set([...files, ...generated])].filter((f) => scope.graph.has(f));
    return { files: inScope.sort(), named: new Set([...named, ...generated].filter((f) => scope.graph.has(f))) };
  }
  return { files: [...new Set(files)].sort(), named: new Set(named), primary: new Set(primary) };
}

function documentsOf(text: string): Document.Parsed[] {
  return allDocuments(text).filter((d) => d.errors.length === 0 && isMap(d.contents));
}

/** Every document, unfiltered: an index into this list is the document index the editor uses. */
function allDocuments(text: string): Document.Parsed[] {
  return Array.from(parseAllDocuments(text) as Iterable<Document.Parsed>);
}

const DEFAULT_TAG_PATH = ['spec', 'values', 'image', 'tag'];

/**
 * Where the environment's own overlay can take the tag of a release defined in a shared base: its
 * patch of the same HelmRelease (under spec.values), else the values file it generates for the
 * release's valuesFrom. The path follows the base's site when there is one.
 */
async function overlayInsert(tree: RepoTree, service: string, scope: EnvironmentScope, base: ImageSite | undefined): Promise<LocatedFile['inserts'][number] | null> {
  if (base && base.owner.kind !== 'HelmRelease') {
    // A workload of a shared base: the overlay's own kustomization sets its tag with `images:`.
    if (base.part !== 'image' || !base.repository) return null;
    const own = scope.graph.ancestors(base.file).find((k) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(k) && !scope.shared.has(k));
    return own ? { file: own, docIndex: 0, path: ['images'], kustomizeImage: base.repository } : null;
  }
  const name = base?.owner.name ?? service;
  const path = base && (base.form === 'tag-field' || base.form === 'repo-tag-pair') && base.path[0] === 'spec' && base.path[1] === 'values' ? base.path.map(String) : DEFAULT_TAG_PATH;
  const own = [...scope.graph.files].filter(([f]) => !scope.shared.has(f));
  for (const [file, reached] of own) {
    if (reached.via !== 'patch') continue;
    const docs = allDocuments((await tree.read(file)) ?? '');
    const docIndex = docs.findIndex((d) => !d.errors.length && isMap(d.contents) && d.get('kind') === 'HelmRelease' && d.getIn(['metadata', 'name']) === name);
    if (docIndex >= 0) return { file, docIndex, path };
  }
  for (const [file, reached] of own) {
    if (reached.via !== 'generator' || !reached.configMap) continue;
    const text = (await tree.read(file)) ?? '';
    const releaseUses = (await releaseValuesFrom(tree, scope, name)).has(reached.configMap);
    if (releaseUses && documentsOf(text).length) return { file, docIndex: 0, path: path.slice(2) };
  }
  return null;
}

/** The ConfigMaps a HelmRelease of the environment takes values from (spec.valuesFrom). */
async function releaseValuesFrom(tree: RepoTree, scope: EnvironmentScope, name: string): Promise<Set<string>> {
  const names = new Set<string>();
  const index = await FluxFileIndex.of(tree);
  for (const file of index.helmReleaseFiles(name, '').filter((f) => scope.graph.has(f))) {
    for (const doc of documentsOf((await tree.read(file)) ?? '')) {
      if (doc.get('kind') !== 'HelmRelease' || doc.getIn(['metadata', 'name']) !== name) continue;
      const from = doc.getIn(['spec', 'valuesFrom'], true);
      if (isSeq(from)) for (const item of from.items) if (isMap(item) && item.get('kind') === 'ConfigMap') names.add(String(item.get('name')));
    }
  }
  return names;
}

/**
 * Finds where a service's image is set: every image site of the candidate files (the catalog's
 * fluxPath, else the files the index knows by the service's name, container, image or policy), then
 * the chooser's rules (setter markers first, imagePath, the object named after the service and its
 * main container). Several candidates: AmbiguousImageSite with the candidates, nothing changes.
 */
export async function locateServiceFile(tree: RepoTree, service: string, options: LocateOptions = {}): Promise<LocatedFile> {
  const root = options.fluxRoot ? safeRelative(options.fluxRoot, 'fluxRoot') : '';
  const picked = options.site ? parseSiteRef(options.site) : null;
  if (options.site && !picked) throw new InvalidInput(`'${options.site}' is not a site; write it as <file>:<path>, e.g. apps/papi/helmrelease.yaml:spec.values.image.tag.`);
  const candidates = picked
    ? { files: [safeRelative(picked.file, 'site')], named: new Set([safeRelative(picked.file, 'site')]) }
    : options.fluxPath
      ? await filesAtPath(tree, service, options.fluxPath)
      : await filesByIndex(tree, service, options.scope ? '' : root, options);

  let sites: ImageSite[] = [];
  const problems: ImageTagNotEditable[] = [];
  const readSites = async (files: string[]) => {
    for (const file of files) {
      const text = await tree.read(file);
      if (text === null) continue;
      try {
        sites.push(...findImageSites(text, file, { imagePaths: options.imagePath ? [options.imagePath] : [] }));
      } catch (error) {
        if (error instanceof ImageTagNotEditable) problems.push(error);
        else throw error;
      }
    }
  };
  const primary = candidates.primary;
  if (primary && !options.scope && !options.filterSites && primary.size) {
    // The service's own object usually settles it: its values files next to it need not be read.
    await readSites(candidates.files.filter((f) => primary.has(f)));
    const early = chooseImageSites(sites, { service, container: options.container, imagePath: options.imagePath, policy: options.imagePolicy, namedFiles: candidates.named });
    if (early.kind === 'chosen' && early.rule !== 'imagePath') {
      const files = [...new Set(early.sites.map((s) => s.file))];
      return { file: files[0]!, files, sites: early.sites, rule: early.rule, inserts: [] };
    }
    await readSites(candidates.files.filter((f) => !primary.has(f)));
  } else {
    await readSites(candidates.files);
  }
  if (options.filterSites) sites = await options.filterSites(sites);
  const chooseFrom = (from: ImageSite[]) =>
    chooseImageSites(from, {
      service,
      container: options.container,
      imagePath: options.imagePath,
      policy: options.imagePolicy,
      site: options.site,
      namedFiles: options.fluxPath ? new Set(candidates.files) : candidates.named,
    });
  const scope = options.scope;
  let choice = chooseFrom(sites);
  if (scope && !options.site) {
    // The environment's own files first: an overlay's value wins over the base it patches.
    const own = chooseFrom(sites.filter((s) => !scope.shared.has(s.file)));
    if (own.kind !== 'none') choice = own;
    const inShared = choice.kind === 'chosen' ? choice.sites.find((s) => scope.shared.has(s.file)) : undefined;
    if (inShared || choice.kind === 'none') {
      const insert = await overlayInsert(tree, service, scope, inShared);
      const hasRelease = (await FluxFileIndex.of(tree)).helmReleaseFiles(service, '').some((f) => scope.graph.has(f));
      if (insert && (inShared || hasRelease)) return { file: insert.file, files: [insert.file], sites: [], rule: 'overlay', inserts: [insert] };
      if (inShared) {
        const others = scope.shared.get(inShared.file)!;
        throw new ImageTagNotEditable(
          `'${service}' gets its image from \`${inShared.file}\` (\`${pathText(inShared.path)}\`), which ${others.join(', ')} also deploy${others.length === 1 ? 's' : ''}, so nothing was changed for ${scope.env} alone. Add a patch of it to ${scope.env}'s overlay (kustomize patches) or set the service's fluxPath.`,
        );
      }
    }
  }
  if (choice.kind === 'chosen') {
    const files = [...new Set(choice.sites.map((s) => s.file))];
    return { file: files[0]!, files, sites: choice.sites, rule: choice.rule, inserts: [] };
  }
  if (choice.kind === 'none' && choice.dependenciesOnly?.length) {
    throw new AmbiguousImageSite(service, choice.dependenciesOnly.map((s) => candidateOf(s, sites)));
  }
  if (choice.kind === 'ambiguous') {
    throw new AmbiguousImageSite(service, choice.candidates.map((s) => candidateOf(s, sites)));
  }
  if (choice.reason) throw new ImageTagNotEditable(`${choice.reason}, so nothing was changed. Fix the service's settings or the Flux repo and try again.`);
  if (problems.length) throw problems[0]!;
  const untagged = await untaggedImages(tree, service, candidates, scope);
  if (untagged.length === 1) return { file: untagged[0]!.file, files: [untagged[0]!.file], sites: [], rule: 'untagged', inserts: untagged };
  const release = candidates.files.find((f) => sites.every((s) => s.file !== f));
  if (release && candidates.files.length) {
    throw new ImageTagNotEditable(
      `${release} has no image tag for '${service}'. Add an image.tag field to it (or point the catalog's fluxPath at the file that has one, or set the service's imagePath) and try again.`,
    );
  }
  throw new ServiceNotFound(service);
}

/**
 * `image: { repository: … }` with no tag yet, in the service's HelmRelease values or its own values
 * file: the tag is added beside the repository (never in a base other environments share).
 */
async function untaggedImages(tree: RepoTree, service: string, candidates: Candidates, scope?: EnvironmentScope): Promise<LocatedFile['inserts']> {
  const found: LocatedFile['inserts'] = [];
  for (const file of candidates.files) {
    if (scope?.shared.has(file)) continue;
    const docs = allDocuments((await tree.read(file)) ?? '');
    docs.forEach((doc, docIndex) => {
      if (doc.errors.length || !isMap(doc.contents)) return;
      const kind = doc.get('kind');
      const base = kind === 'HelmRelease' && doc.getIn(['metadata', 'name']) === service ? ['spec', 'values'] : kind === undefined && candidates.named.has(file) ? [] : null;
      if (!base) return;
      const image = doc.getIn([...base, 'image'], true);
      if (isMap(image) && image.has('repository') && !image.has('tag')) found.push({ file, docIndex, path: [...base, 'image', 'tag'] });
    });
  }
  return found;
}
