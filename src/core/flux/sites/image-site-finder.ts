import { posix } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { ImageTagNotEditable } from '../../errors.js';
import { parseImageRef, splitDigest, type ImageSite, type ImageSiteForm, type ImageSitePart, type ImageSiteRole, type PathSegment, type SetterMarker } from './image-site.js';

export interface FindOptions {
  /** Dotted key paths a service names in config (`imagePath`), e.g. `spec.imageName`. */
  imagePaths?: string[];
}

const WORKLOAD_LISTS: Record<string, ImageSiteRole | 'containers'> = {
  containers: 'containers',
  initContainers: 'init',
  ephemeralContainers: 'sidecar',
  sidecars: 'sidecar',
  extraContainers: 'sidecar',
  additionalContainers: 'sidecar',
  sidecarContainers: 'sidecar',
  extraInitContainers: 'init',
};
const MAIN_NAMES = new Set(['app', 'main']);
const MARKER = /#\s*\{\s*"\$imagepolicy"\s*:\s*"([^"]+)"\s*\}/;
const MAX_DEPTH = 24;

export type Doc = Document.Parsed;

interface Context {
  file: string;
  text: string;
  doc: Doc;
  docIndex: number;
  owner: ImageSite['owner'];
  sites: ImageSite[];
}

interface Where {
  container?: string;
  controller?: string;
  /** The list a container came from: its role, or 'containers' (decided per group later). */
  list?: ImageSiteRole | 'containers';
  /** Path of that list: the containers of one pod are one group. */
  group?: string;
  /** The map the value sits in, to find a sibling `digest:`. */
  siblings?: YAMLMap;
}

function keyOf(key: unknown, doc: Doc): string | null {
  const node = isAlias(key) ? key.resolve(doc) : key;
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : null;
}

function resolved(node: unknown, doc: Doc): { node: unknown; alias?: string } {
  if (isAlias(node)) return { node: node.resolve(doc), alias: node.source };
  return { node };
}

function stringOf(node: unknown, doc: Doc): string | undefined {
  const n = resolved(node, doc).node;
  return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

export function parseMarker(text: string, valueEnd: number): SetterMarker | undefined {
  const lineEnd = text.indexOf('\n', valueEnd);
  const rest = text.slice(valueEnd, lineEnd < 0 ? text.length : lineEnd);
  const match = MARKER.exec(rest);
  if (!match) return undefined;
  const parts = match[1]!.split(':');
  let field: SetterMarker['field'] = 'image';
  if (parts.length > 1 && ['tag', 'name', 'digest'].includes(parts[parts.length - 1]!)) field = parts.pop() as SetterMarker['field'];
  const policy = parts.pop()!;
  return { policy, namespace: parts[0], field };
}

/** A scalar (or an alias of one) at `path`: its value and source range, or null when not a plain value. */
function scalarAt(ctx: Context, node: unknown): { scalar: Scalar; alias?: string } | null {
  const { node: n, alias } = resolved(node, ctx.doc);
  if (!isScalar(n) || !n.range) return null;
  if (n.value !== null && typeof n.value === 'object') return null;
  return { scalar: n, alias };
}

function addSite(ctx: Context, node: unknown, path: PathSegment[], form: ImageSiteForm, part: ImageSitePart, where: Where, repository?: string): void {
  const found = scalarAt(ctx, node);
  if (!found) return;
  const { scalar, alias } = found;
  const value = scalar.value === null || scalar.value === undefined ? '' : String(scalar.value);
  const range: [number, number] = [scalar.range![0], scalar.range![1]];
  let current: string | null = value || null;
  let digest: string | undefined;
  if (part === 'image' && value) {
    const ref = parseImageRef(value);
    if (!ref) return; // not an image reference (a template, a sentence): nothing to edit
    repository = ref.repository;
    current = ref.tag ?? null;
    digest = ref.digest;
  } else if (part === 'tag' && value) {
    const split = splitDigest(value);
    current = split.tag || null;
    digest = split.digest;
  } else if (part === 'name') {
    repository = value || repository;
    current = null;
  }
  const setter = parseMarker(ctx.text, range[1]);
  const digestNode = where.siblings && part === 'tag' ? resolved(where.siblings.get('digest', true), ctx.doc).node : undefined;
  const pinnedBy =
    isScalar(digestNode) && digestNode.range && typeof digestNode.value === 'string' && digestNode.value
      ? { range: [digestNode.range[0], digestNode.range[1]] as [number, number], raw: ctx.text.slice(digestNode.range[0], digestNode.range[1]), value: digestNode.value }
      : undefined;
  if (ctx.sites.some((s) => s.docIndex === ctx.docIndex && s.range[0] === range[0] && s.path.join('\0') === path.join('\0'))) return;
  ctx.sites.push({
    file: ctx.file,
    docIndex: ctx.docIndex,
    path,
    form: setter && setter.field !== 'digest' ? 'flux-setter' : form,
    part: setter && setter.field !== 'digest' ? setter.field : part,
    role: where.list === 'init' || where.list === 'sidecar' ? where.list : 'unknown',
    owner: ctx.owner,
    container: where.container,
    controller: where.controller,
    repository,
    current,
    digest,
    setter,
    range,
    raw: ctx.text.slice(range[0], range[1]),
    scalarType: scalar.type,
    viaAlias: alias,
    ...(pinnedBy ? { pinnedBy } : {}),
    ...(where.group ? { group: where.group } : {}),
  } as ImageSite);
}

/** HelmRelease values or a values file: image maps, repository+tag pairs and image strings, at any depth. */
function walkValues(ctx: Context, node: unknown, path: PathSegment[], where: Where, depth: number): void {
  const n = resolved(node, ctx.doc).node;
  if (depth > MAX_DEPTH) return;
  if (isSeq(n)) {
    n.items.forEach((item, i) => {
      let inner = where;
      if (where.list && where.group === path.join('.') && isMap(resolved(item, ctx.doc).node)) {
        inner = { ...where, container: stringOf((resolved(item, ctx.doc).node as YAMLMap).get('name', true), ctx.doc) ?? String(i) };
      }
      walkValues(ctx, item, [...path, i], inner, depth + 1);
    });
    return;
  }
  if (!isMap(n)) return;
  for (const pair of n.items) {
    const key = keyOf(pair.key, ctx.doc);
    if (key === null) continue;
    const value = resolved(pair.value, ctx.doc).node;
    const here = [...path, key];
    if (key === 'image' && isMap(value)) {
      const repository = stringOf(value.get('repository', true), ctx.doc);
      const registry = stringOf(value.get('registry', true), ctx.doc);
      if (value.has('tag')) {
        addSite(ctx, value.get('tag', true), [...here, 'tag'], 'tag-field', 'tag', { ...where, siblings: value }, registry && repository ? `${registry}/${repository}` : repository);
        continue;
      }
      walkValues(ctx, value, here, where, depth + 1);
      continue;
    }
    if (key === 'image' && isScalar(value)) {
      addSite(ctx, pair.value, here, 'image-string', 'image', where);
      continue;
    }
    if (isMap(value) && value.has('repository') && value.has('tag') && !isMap(resolved(value.get('tag', true), ctx.doc).node)) {
      addSite(ctx, value.get('tag', true), [...here, 'tag'], 'repo-tag-pair', 'tag', { ...where, container: where.container ?? key, siblings: value }, stringOf(value.get('repository', true), ctx.doc));
      continue;
    }
    let inner = where;
    const list = WORKLOAD_LISTS[key];
    if (list) inner = { ...where, list, group: here.join('.'), container: undefined };
    else if (where.list && where.group === path.join('.') && isMap(n)) inner = { ...where, container: key }; // app-template: containers.<name>
    else if (path[path.length - 1] === 'controllers') inner = { controller: key };
    walkValues(ctx, value, here, inner, depth + 1);
  }
}

/** Any Kubernetes object: every containers / initContainers list, whatever wraps the pod template. */
function walkWorkload(ctx: Context, node: unknown, path: PathSegment[], depth: number): void {
  const n = resolved(node, ctx.doc).node;
  if (depth > MAX_DEPTH) return;
  if (isSeq(n)) {
    n.items.forEach((item, i) => walkWorkload(ctx, item, [...path, i], depth + 1));
    return;
  }
  if (!isMap(n)) return;
  for (const pair of n.items) {
    const key = keyOf(pair.key, ctx.doc);
    if (key === null) continue;
    const value = resolved(pair.value, ctx.doc).node;
    const list = WORKLOAD_LISTS[key];
    if (list && isSeq(value)) {
      value.items.forEach((item, i) => {
        const entry = resolved(item, ctx.doc).node;
        if (!isMap(entry)) return;
        const name = stringOf(entry.get('name', true), ctx.doc);
        const where: Where = { list, group: [...path, key].join('.'), container: name };
        addSite(ctx, entry.get('image', true), [...path, key, i, 'image'], 'image-string', 'image', where);
      });
      continue;
    }
    walkWorkload(ctx, value, [...path, key], depth + 1);
  }
}

/** kustomize `images:` entries: newTag (and newName) of each. */
function walkKustomizeImages(ctx: Context, node: unknown, path: PathSegment[]): void {
  const n = resolved(node, ctx.doc).node;
  if (!isSeq(n)) return;
  n.items.forEach((item, i) => {
    const entry = resolved(item, ctx.doc).node;
    if (!isMap(entry)) return;
    const name = stringOf(entry.get('name', true), ctx.doc);
    const newName = stringOf(entry.get('newName', true), ctx.doc);
    const where: Where = { container: name };
    if (entry.has('newTag')) addSite(ctx, entry.get('newTag', true), [...path, i, 'newTag'], 'kustomize-newTag', 'tag', { ...where, siblings: entry }, newName ?? name);
    if (entry.has('newName')) addSite(ctx, entry.get('newName', true), [...path, i, 'newName'], 'kustomize-newTag', 'name', where, newName);
  });
}

/** Marked lines anywhere (CRDs, patches, lists the walkers do not know): the marker says what they are. */
function walkMarkers(ctx: Context, node: unknown, path: PathSegment[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (isSeq(node)) {
    node.items.forEach((item, i) => walkMarkers(ctx, item, [...path, i], depth + 1));
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = keyOf(pair.key, ctx.doc);
      if (key === null) continue;
      const value = pair.value as Node | null;
      if (isScalar(value) && value.range && parseMarker(ctx.text, value.range[1])) {
        const marker = parseMarker(ctx.text, value.range[1])!;
        if (marker.field !== 'digest') addSite(ctx, value, [...path, key], 'flux-setter', marker.field, {});
      } else {
        walkMarkers(ctx, value, [...path, key], depth + 1);
      }
    }
  }
}

function splitPath(path: string): PathSegment[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Containers of one list: named app/main, or the only one, is the main container; beside one, the rest are sidecars. */
function assignRoles(sites: ImageSite[]): void {
  const groups = new Map<string, ImageSite[]>();
  for (const site of sites) {
    const group = (site as ImageSite & { group?: string }).group;
    if (site.role !== 'unknown') continue;
    if (group === undefined) {
      // Not in a container list: the top-level `image` of a chart's values is its main image.
      const values = site.owner.kind === 'HelmRelease' ? 2 : 0;
      if (site.path[values] === 'image' && site.path.length <= values + 2) site.role = 'main';
      continue;
    }
    const key = `${site.docIndex}\0${group}`;
    groups.set(key, [...(groups.get(key) ?? []), site]);
  }
  for (const members of groups.values()) {
    const names = new Set(members.map((m) => m.container));
    const main = members.filter((m) => m.container && MAIN_NAMES.has(m.container));
    if (main.length) {
      for (const m of members) m.role = main.includes(m) ? 'main' : 'sidecar';
    } else if (names.size === 1) {
      for (const m of members) m.role = 'main';
    }
  }
  for (const site of sites) delete (site as ImageSite & { group?: string }).group;
}

function isKustomizeFile(file: string): boolean {
  return /^(kustomization\.ya?ml|Kustomization)$/.test(posix.basename(file));
}

/**
 * Every image site of one file, in one parse: HelmRelease values, values files, workloads of any
 * kind, kustomize and Flux Kustomization images, lines with Flux setter markers, configured paths.
 * Throws ImageTagNotEditable when the file is not valid YAML.
 */
export function findImageSites(text: string, file: string, options: FindOptions = {}): ImageSite[] {
  return findImageSitesIn(Array.from(parseAllDocuments(text) as Iterable<Doc>), text, file, options);
}

/** The same over documents already parsed (the file index parses each file once). */
export function findImageSitesIn(docs: Doc[], text: string, file: string, options: FindOptions = {}): ImageSite[] {
  const sites: ImageSite[] = [];
  docs.forEach((doc, docIndex) => {
    if (doc.errors.length > 0) {
      throw new ImageTagNotEditable(
        `${file} is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}). Fix the file in the Flux repo and try again.`,
      );
    }
    const contents = doc.contents;
    if (!isMap(contents)) return;
    const kind = stringOf(contents.get('kind', true), doc);
    const apiVersion = stringOf(contents.get('apiVersion', true), doc) ?? '';
    const nameNode = doc.getIn(['metadata', 'name'], true);
    const nameScalar = resolved(nameNode, doc).node;
    const owner: ImageSite['owner'] = {
      kind,
      name: stringOf(nameNode, doc),
      anchor: isScalar(nameScalar) ? nameScalar.anchor : undefined,
    };
    const ctx: Context = { file, text, doc, docIndex, owner, sites };
    if (kind === 'HelmRelease') {
      walkValues(ctx, doc.getIn(['spec', 'values'], true), ['spec', 'values'], {}, 0);
    } else if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io')) {
      walkKustomizeImages(ctx, doc.getIn(['spec', 'images'], true), ['spec', 'images']);
    } else if ((kind === 'Kustomization' || kind === undefined) && isKustomizeFile(file)) {
      walkKustomizeImages(ctx, contents.get('images', true), ['images']);
    } else if (kind === undefined) {
      walkValues(ctx, contents, [], {}, 0);
    } else {
      walkWorkload(ctx, contents, [], 0);
    }
    for (const path of options.imagePaths ?? []) {
      const segments = splitPath(path);
      const node = doc.getIn(segments, true);
      const value = stringOf(node, doc);
      const part: ImageSitePart = value && parseImageRef(value)?.tag && /[/:]/.test(value) ? 'image' : 'tag';
      // A configured path wins over what a walker made of the same value.
      const at = sites.findIndex((s) => s.docIndex === docIndex && s.path.join('\0') === segments.join('\0'));
      if (at >= 0) sites.splice(at, 1);
      addSite(ctx, node, segments, 'configured-path', part, {});
    }
    if (text.includes('$imagepolicy')) walkMarkers(ctx, contents, [], 0);
  });
  assignRoles(sites);
  return sites;
}
