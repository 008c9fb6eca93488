import { isMap, isScalar, isSeq, parseAllDocuments, parse as parseYaml, type Document, type YAMLMap } from 'yaml';
import { ImageTagNotEditable } from '../../errors.js';
import { pathText } from './image-site.js';

function quoted(value: string): string {
  try {
    if (parseYaml(`k: ${value}`)?.k === value) return value;
  } catch {
    // not plain-safe
  }
  return `"${value}"`;
}

function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - lineStart;
}

/**
 * Adds `path: tag` to a document that does not have it yet (an overlay patch or a values file with
 * no image), as new lines at the end of the deepest map of the path that exists: nothing else in
 * the file moves. Indentation follows the map's own; line endings follow the file.
 */
export function insertImageTag(text: string, docIndex: number, path: string[], tag: string, file: string): string {
  const doc = Array.from(parseAllDocuments(text) as Iterable<Document.Parsed>)[docIndex];
  if (!doc || doc.errors.length || !isMap(doc.contents)) throw new ImageTagNotEditable(`${file} has no document to add ${pathText(path)} to.`);
  let map: YAMLMap = doc.contents;
  let depth = 0;
  while (depth < path.length - 1) {
    const next = map.get(path[depth], true);
    if (!isMap(next)) {
      if (next !== undefined && !(isScalar(next) && next.value === null)) {
        throw new ImageTagNotEditable(`${file} has ${pathText(path.slice(0, depth + 1))} but not as a mapping, so ${pathText(path)} cannot be added; add it by hand.`);
      }
      if (next !== undefined) throw new ImageTagNotEditable(`${file} has an empty ${pathText(path.slice(0, depth + 1))}; give it a value or remove it, then try again.`);
      break;
    }
    map = next;
    depth++;
  }
  if (map.flow) throw new ImageTagNotEditable(`${file} writes ${pathText(path.slice(0, depth))} as a flow mapping ({ … }); write it as a block and try again.`);
  const last = map.items[map.items.length - 1];
  const firstKey = map.items[0]?.key;
  if (!last || !isScalar(firstKey) || !firstKey.range) throw new ImageTagNotEditable(`${file}: cannot find where to add ${pathText(path)}.`);
  const indent = columnOf(text, firstKey.range[0]);
  const step = depth === 0 ? 2 : Math.max(2, indent / depth);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // After the last line of the map's last entry.
  const lastNode = (last.value ?? last.key) as { range?: [number, number, number] };
  const end = lastNode.range?.[1] ?? 0;
  // A block value's range may already end at the start of the next line.
  const lineEnd = end > 0 && text[end - 1] === '\n' ? end - 1 : text.indexOf('\n', end);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const lines = path.slice(depth).map((key, i, rest) => `${' '.repeat(indent + i * step)}${key}:${i === rest.length - 1 ? ` ${quoted(tag)}` : ''}`);
  const prefix = lineEnd < 0 ? eol : '';
  return text.slice(0, at) + prefix + lines.join(eol) + eol + text.slice(at);
}

/**
 * Adds `- name: <image>, newTag: <tag>` to a kustomization's `images:` (creating the list at the
 * end of the file when there is none): how an overlay sets the tag of a workload its base defines.
 */
export function insertKustomizeImage(text: string, image: string, tag: string, file: string): string {
  const doc = Array.from(parseAllDocuments(text) as Iterable<Document.Parsed>)[0];
  if (!doc || doc.errors.length || !isMap(doc.contents)) throw new ImageTagNotEditable(`${file} is not a kustomization rollbot can add an image to.`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const images = doc.contents.get('images', true);
  if (images !== undefined && !isSeq(images)) throw new ImageTagNotEditable(`${file} has an images: that is not a list; fix it and try again.`);
  if (isSeq(images) && images.items.length) {
    if (images.flow) throw new ImageTagNotEditable(`${file} writes images: as a flow list ([ … ]); write it as a block and try again.`);
    const first = images.items[0] as { range?: [number, number, number] };
    const last = images.items[images.items.length - 1] as { range?: [number, number, number] };
    const dash = columnOf(text, first.range![0]) - 2;
    const end = last.range![1];
    const lineEnd = end > 0 && text[end - 1] === '\n' ? end - 1 : text.indexOf('\n', end);
    const at = lineEnd < 0 ? text.length : lineEnd + 1;
    const pad = ' '.repeat(Math.max(0, dash));
    return text.slice(0, at) + (lineEnd < 0 ? eol : '') + `${pad}- name: ${image}${eol}${pad}  newTag: ${quoted(tag)}${eol}` + text.slice(at);
  }
  if (images !== undefined) throw new ImageTagNotEditable(`${file} has an empty images:; remove it or add the image by hand.`);
  const body = `images:${eol}  - name: ${image}${eol}    newTag: ${quoted(tag)}${eol}`;
  return text + (text.length && !text.endsWith('\n') ? eol : '') + body;
}
