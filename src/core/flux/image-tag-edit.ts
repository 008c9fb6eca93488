import { isAlias, isMap, isScalar, parseAllDocuments, parse as parseYaml, type Document, type Scalar } from 'yaml';
import { ImageTagNotEditable } from '../errors.js';

/** Where the tag lives: a HelmRelease keeps its values under `spec.values`, a values file at the root. */
export type FluxFileKind = 'helmrelease' | 'values';

export interface TagLocation {
  /** Index of the YAML document inside a multi-document file. */
  documentIndex: number;
  /** Key path to the tag scalar, e.g. ['spec', 'values', 'image', 'tag']. */
  path: string[];
}

export interface TagEditResult {
  text: string;
  previousTag: string | null;
  changed: boolean;
  location: TagLocation;
}

type AnyDocument = Document.Parsed;

function documentsOf(text: string, file: string): AnyDocument[] {
  const docs = parseAllDocuments(text, { keepSourceTokens: false });
  // parseAllDocuments returns an EmptyStream-like array for empty input; both are iterable.
  const list = Array.from(docs as Iterable<AnyDocument>);
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new ImageTagNotEditable(
        `${file} is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}). Fix the file in the Flux repo and try again.`,
      );
    }
  }
  return list;
}

/** Paths (below `root`) of every `image.tag` in the map, shallowest first. */
function findImageTagPaths(node: unknown, prefix: string[], depth = 0): string[][] {
  if (!isMap(node) || depth > 8) return [];
  const found: string[][] = [];
  const nested: string[][] = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    if (key === null) continue;
    if (key === 'image' && isMap(pair.value) && pair.value.has('tag')) {
      found.push([...prefix, 'image', 'tag']);
    } else {
      nested.push(...findImageTagPaths(pair.value, [...prefix, key], depth + 1));
    }
  }
  return [...found, ...nested];
}

function describeDocument(doc: AnyDocument): { kind: unknown; name: unknown } {
  return { kind: doc.getIn(['kind']), name: doc.getIn(['metadata', 'name']) };
}

/**
 * Finds the tag for `service` in a file: in a HelmRelease document named after the service (or the
 * only HelmRelease), else the `image.tag` of a values document. Prefers the conventional path
 * (`spec.values.image.tag` / `image.tag`), then a single nested `<x>.image.tag`.
 */
export function locateImageTag(text: string, kind: FluxFileKind, service: string, file: string): TagLocation {
  const docs = documentsOf(text, file);
  const candidates: TagLocation[] = [];
  docs.forEach((doc, documentIndex) => {
    const { kind: docKind, name } = describeDocument(doc);
    if (kind === 'helmrelease') {
      if (docKind !== 'HelmRelease') return;
      const helmReleases = docs.filter((d) => describeDocument(d).kind === 'HelmRelease');
      if (name !== service && helmReleases.length > 1) return;
      const values = doc.getIn(['spec', 'values'], true);
      for (const path of findImageTagPaths(values, ['spec', 'values'])) candidates.push({ documentIndex, path });
    } else {
      if (docKind !== undefined) return; // a Kubernetes object, not a values document
      for (const path of findImageTagPaths(doc.contents, [])) candidates.push({ documentIndex, path });
    }
  });
  const conventional = candidates.filter((c) =>
    kind === 'helmrelease' ? c.path.length === 4 : c.path.length === 2,
  );
  if (conventional.length === 1) return conventional[0]!;
  if (conventional.length === 0 && candidates.length === 1) return candidates[0]!;
  const where = kind === 'helmrelease' ? '.spec.values.image.tag' : '.image.tag';
  if (candidates.length === 0) {
    throw new ImageTagNotEditable(
      `${file} has no ${where} for '${service}'. Add an image.tag field to it (or point the catalog's fluxPath at the file that has one) and try again.`,
    );
  }
  throw new ImageTagNotEditable(
    `${file} has several image tags (${candidates.map((c) => '.' + c.path.join('.')).join(', ')}), so nothing was changed. Point the catalog's fluxPath at a file with one image tag.`,
  );
}

/** Would `value` written without quotes read back as this exact string? */
function safeAsPlain(value: string): boolean {
  try {
    return parseYaml(`k: ${value}`)?.k === value;
  } catch {
    return false;
  }
}

function renderLike(original: Scalar, value: string): string {
  switch (original.type) {
    case 'QUOTE_SINGLE':
      return `'${value}'`;
    case 'QUOTE_DOUBLE':
      return `"${value}"`;
    case 'PLAIN':
      return safeAsPlain(value) ? value : `"${value}"`;
    default:
      throw new ImageTagNotEditable(
        `The image tag is written as a block scalar (${original.type}); rewrite it as a plain or quoted value and try again.`,
      );
  }
}

/**
 * Sets the tag by splicing only the bytes of the tag value: comments, key order, quoting style,
 * indentation, anchors, line endings and other documents stay exactly as they were.
 */
export function setImageTag(text: string, location: TagLocation, newTag: string, file: string): TagEditResult {
  const doc = documentsOf(text, file)[location.documentIndex];
  const node = doc?.getIn(location.path, true);
  if (isAlias(node)) {
    throw new ImageTagNotEditable(
      `The image tag in ${file} is an alias (*${node.source}); change the anchored value it points to instead.`,
    );
  }
  if (!isScalar(node) || !node.range) {
    throw new ImageTagNotEditable(`${file} has no editable .${location.path.join('.')}; fix the file and try again.`);
  }
  const previousTag = node.value === null || node.value === undefined ? null : String(node.value);
  if (previousTag === newTag) return { text, previousTag, changed: false, location };
  const [start, end] = node.range;
  // An empty `tag:` has a zero-length range right after the colon: keep YAML's required space.
  const replacement = start === end ? `${text[start - 1] === ':' ? ' ' : ''}"${newTag}"` : renderLike(node, newTag);
  return { text: text.slice(0, start) + replacement + text.slice(end), previousTag, changed: true, location };
}

/** Reads the current tag at a location without changing anything (used by releases). */
export function readImageTag(text: string, location: TagLocation, file: string): string | null {
  const node = documentsOf(text, file)[location.documentIndex]?.getIn(location.path, true);
  return isScalar(node) && node.value != null ? String(node.value) : null;
}
