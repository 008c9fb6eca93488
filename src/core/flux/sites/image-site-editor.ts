import { parse as parseYaml } from 'yaml';
import { ImageTagNotEditable } from '../../errors.js';
import { pathText, type ImageSite } from './image-site.js';

export interface SiteEdit {
  site: ImageSite;
  previous: string | null;
  next: string;
}

export interface EditResult {
  text: string;
  edits: SiteEdit[];
  changed: boolean;
}

/** Would `value` written without quotes read back as this exact string (not a number, bool, null)? */
function safeAsPlain(value: string): boolean {
  try {
    return parseYaml(`k: ${value}`)?.k === value;
  } catch {
    return false;
  }
}

function render(site: ImageSite, value: string, text: string): string {
  const [start, end] = site.range;
  if (start === end) return `${text[start - 1] === ':' ? ' ' : ''}"${value}"`; // an empty `tag:`
  switch (site.scalarType) {
    case 'QUOTE_SINGLE':
      return `'${value}'`;
    case 'QUOTE_DOUBLE':
      return `"${value}"`;
    case 'PLAIN':
      return safeAsPlain(value) ? value : `"${value}"`;
    default:
      throw new ImageTagNotEditable(
        `The image in ${site.file} at ${pathText(site.path)} is written as a block scalar; rewrite it as a plain or quoted value and try again.`,
      );
  }
}

/** The new value of a site: the tag alone, or the image with the new tag; an old digest is dropped. */
export function nextValue(site: ImageSite, tag: string): string {
  if (site.part === 'image') {
    if (!site.repository) throw new ImageTagNotEditable(`${site.file} has no image at ${pathText(site.path)} to give a tag.`);
    return `${site.repository}:${tag}`;
  }
  return tag;
}

function currentValue(site: ImageSite): string {
  const tag = site.current ?? '';
  const withTag = site.part === 'image' ? `${site.repository}${tag ? `:${tag}` : ''}` : tag;
  return site.digest ? `${withTag}@${site.digest}` : withTag;
}

/**
 * Sets `tag` at each site by splicing only the bytes of its value: comments (setter markers too),
 * key order, quoting, indentation, anchors (aliases follow), CRLF and other documents stay. A
 * digest-pinned value is replaced whole: keeping the old digest would keep the old image running.
 */
export function editImageSites(text: string, sites: ImageSite[], tag: string): EditResult {
  const edits: SiteEdit[] = [];
  const splices: Array<{ start: number; end: number; text: string }> = [];
  const done = new Set<number>();
  for (const site of sites) {
    if (site.part === 'name') continue; // a rollout changes tags, never which repository
    if (done.has(site.range[0])) continue; // two paths through one anchor
    done.add(site.range[0]);
    const [start, end] = site.range;
    if (text.slice(start, end) !== site.raw) {
      throw new ImageTagNotEditable(`${site.file} changed while rollbot was reading it; try again.`);
    }
    edits.push({ site, previous: site.current, next: tag });
    const next = nextValue(site, tag);
    if (currentValue(site) !== next) splices.push({ start, end, text: render(site, next, text) });
    // A sibling digest would keep the old image running whatever the tag says.
    if (site.pinnedBy && !done.has(site.pinnedBy.range[0])) {
      done.add(site.pinnedBy.range[0]);
      splices.push({ start: site.pinnedBy.range[0], end: site.pinnedBy.range[1], text: '""' });
    }
  }
  let out = text;
  for (const s of splices.sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return { text: out, edits, changed: out !== text };
}
