import { ConfigError } from '../errors.js';
import type { Clock } from '../progress.js';
import { validateImageTag, validatePrNumber, validateSha } from '../validate.js';
import { TagTemplateUnusable } from './errors.js';

/**
 * Image tag templates: how a build names the image of a commit. Seed 000 tags PR builds
 * `ps-{pr}-{sha7}`; seed 002 tags main builds `main-{sha7}-{ts}` so Flux's ImagePolicy can sort
 * them. The same template is read backwards to find the commit behind the tag running in prod.
 */

export const DEFAULT_TAG_TEMPLATE = 'ps-{pr}-{sha7}';
export const SORTABLE_TAG_TEMPLATE = 'main-{sha7}-{ts}';

export type Placeholder = 'pr' | 'sha7' | 'sha' | 'ts';
const PLACEHOLDERS: readonly Placeholder[] = ['pr', 'sha7', 'sha', 'ts'];

type Part = { literal: string } | { placeholder: Placeholder };

export interface TagTemplate {
  readonly source: string;
  readonly parts: readonly Part[];
  readonly placeholders: ReadonlySet<Placeholder>;
}

export interface TagValues {
  /** Full SHA (or at least 7 hex characters when the template only needs {sha7}). */
  sha: string;
  pr?: number;
  /** Milliseconds, like Date.now; {ts} is whole seconds of it. */
  clock?: Clock;
}

/** What a tag says about its build, as far as the template reveals it. */
export interface ParsedTag {
  pr?: number;
  sha7?: string;
  sha?: string;
  ts?: number;
}

const LITERAL = /^[A-Za-z0-9._-]*$/;

// Patterns that read a placeholder back out of a tag. SHA-256 repositories have 64-hex ids.
const CAPTURE: Record<Placeholder, string> = {
  pr: '([1-9][0-9]{0,8})',
  sha7: '([0-9a-f]{7})',
  sha: '([0-9a-f]{40}(?:[0-9a-f]{24})?)',
  ts: '([0-9]{1,12})',
};

function invalid(source: string, why: string): ConfigError {
  return new ConfigError(`Tag template '${source}' ${why}`);
}

/** Parses and checks a template once, at config time, so a typo fails at startup rather than mid-release. */
export function parseTagTemplate(source: string): TagTemplate {
  const parts: Part[] = [];
  const placeholders = new Set<Placeholder>();
  const tokens = source.split(/(\{[^{}]*\})/);
  for (const token of tokens) {
    if (token === '') continue;
    const match = /^\{([^{}]*)\}$/.exec(token);
    if (match) {
      const name = match[1]!;
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw invalid(source, `uses {${name}}, which rollbot does not know. Use only {pr}, {sha7}, {sha} and {ts}.`);
      }
      placeholders.add(name as Placeholder);
      parts.push({ placeholder: name as Placeholder });
      continue;
    }
    if (token.includes('{') || token.includes('}')) {
      throw invalid(source, `has an unmatched '{' or '}'. Write placeholders as {pr}, {sha7}, {sha} or {ts}.`);
    }
    if (!LITERAL.test(token)) {
      throw invalid(source, `contains '${token}', but image tags may only hold letters, digits, '_', '.' and '-'. Remove the other characters.`);
    }
    parts.push({ literal: token });
  }
  if (!placeholders.has('sha7') && !placeholders.has('sha')) {
    throw invalid(source, `has neither {sha7} nor {sha}, so a tag would not say which commit it is. Add {sha7} (for example ${SORTABLE_TAG_TEMPLATE}).`);
  }
  const template: TagTemplate = { source, parts, placeholders };
  // The longest values each placeholder can take: if these make a valid tag, every real one does.
  try {
    renderTag(template, { sha: 'f'.repeat(40), pr: 999_999_999, clock: () => 99_999_999_999_000 });
  } catch {
    throw invalid(source, `does not make a valid image tag (at most 128 characters, not starting with '.' or '-'). Shorten it or change its first character.`);
  }
  return template;
}

/** True when the tag holds the build time, so it cannot be computed and must be found in the registry. */
export function isTimestamped(template: TagTemplate): boolean {
  return template.placeholders.has('ts');
}

/** Renders the tag for a commit. {ts} makes it depend on the clock: use it only to name a new build. */
export function renderTag(template: TagTemplate, values: TagValues): string {
  const sha = validateSha(values.sha);
  if (template.placeholders.has('sha') && sha.length < 40) {
    throw new TagTemplateUnusable(
      `Tag template '${template.source}' needs the full commit SHA, but only ${sha} is known. Resolve the commit first or pass --tag <tag>.`,
    );
  }
  if (template.placeholders.has('pr') && values.pr === undefined) {
    throw new TagTemplateUnusable(
      `Tag template '${template.source}' needs a pull request number, but this release names only a commit. Pass --tag <tag>, or set the environment's tagTemplate to one without {pr} (for example ${SORTABLE_TAG_TEMPLATE}).`,
    );
  }
  const value: Record<Placeholder, () => string> = {
    pr: () => String(validatePrNumber(values.pr!)),
    sha7: () => sha.slice(0, 7),
    sha: () => sha,
    ts: () => String(Math.floor((values.clock ?? Date.now)() / 1000)),
  };
  const tag = template.parts.map((p) => ('literal' in p ? p.literal : value[p.placeholder]())).join('');
  return validateImageTag(tag);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An anchored pattern for the template's tags. `fixed` pins placeholders to known values (the
 * commit, the PR), leaving the rest (usually {ts}) free: that is how a registry search works.
 * Pinned values are validated hex and digits, so they are safe inside the pattern as they are.
 */
export function tagPattern(template: TagTemplate, fixed: { sha?: string; pr?: number } = {}): RegExp {
  const pinned: Partial<Record<Placeholder, string>> = {};
  if (fixed.sha) {
    const sha = validateSha(fixed.sha);
    pinned.sha7 = sha.slice(0, 7);
    // A prefix pins the start of {sha}; the rest stays free.
    pinned.sha = sha.length >= 40 ? sha : `${sha}[0-9a-f]{${40 - sha.length}}(?:[0-9a-f]{24})?`;
  }
  if (fixed.pr !== undefined) pinned.pr = String(validatePrNumber(fixed.pr));
  const body = template.parts
    .map((p) => {
      if ('literal' in p) return escapeRegExp(p.literal);
      const known = pinned[p.placeholder];
      return known ? `(${known})` : CAPTURE[p.placeholder];
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** Reads a tag back into its parts; null when the tag was not made by this template. */
export function parseTag(template: TagTemplate, tag: string): ParsedTag | null {
  const match = tagPattern(template).exec(tag);
  if (!match) return null;
  const parsed: ParsedTag = {};
  const placeholders = template.parts.filter((p): p is { placeholder: Placeholder } => 'placeholder' in p);
  for (const [index, part] of placeholders.entries()) {
    const raw = match[index + 1]!;
    const previous = parsed[part.placeholder];
    const value = part.placeholder === 'pr' || part.placeholder === 'ts' ? Number(raw) : raw;
    // A placeholder used twice must agree with itself, or this is not our tag.
    if (previous !== undefined && previous !== value) return null;
    (parsed as Record<Placeholder, string | number>)[part.placeholder] = value;
  }
  if (parsed.sha && !parsed.sha7) parsed.sha7 = parsed.sha.slice(0, 7);
  if (parsed.sha && parsed.sha7 && !parsed.sha.startsWith(parsed.sha7)) return null;
  return parsed;
}

/**
 * The configured template first, then the seeds' templates: prod may still run a tag another
 * template made (an earlier `/rollout`'s ps- tag), and a `--tag` may be one of them.
 */
export function templatesToTry(template: TagTemplate): TagTemplate[] {
  const known = [DEFAULT_TAG_TEMPLATE, SORTABLE_TAG_TEMPLATE].filter((t) => t !== template.source).map(parseTagTemplate);
  return [template, ...known];
}

/** Tries each template in turn; the first that reads the tag wins. */
export function parseTagWithAny(templates: readonly TagTemplate[], tag: string): (ParsedTag & { template: TagTemplate }) | null {
  for (const template of templates) {
    const parsed = parseTag(template, tag);
    if (parsed) return { ...parsed, template };
  }
  return null;
}

/**
 * Of the tags a registry lists, the newest that this template made for the commit: the highest
 * {ts}, then the last in sort order (what Flux's alphabetical ImagePolicy would pick).
 */
export function newestTagFor(template: TagTemplate, tags: Iterable<string>, commit: { sha: string; pr?: number }): string | null {
  const pattern = tagPattern(template, commit);
  let best: { tag: string; ts: number } | null = null;
  for (const tag of tags) {
    if (!pattern.test(tag)) continue;
    const ts = parseTag(template, tag)?.ts ?? 0;
    if (!best || ts > best.ts || (ts === best.ts && tag > best.tag)) best = { tag, ts };
  }
  return best?.tag ?? null;
}

/** How a person would write the search, for messages: `main-a1b2c3d-<ts>`. */
export function describePattern(template: TagTemplate, commit: { sha: string; pr?: number }): string {
  const sha = validateSha(commit.sha);
  return template.parts
    .map((p) => {
      if ('literal' in p) return p.literal;
      if (p.placeholder === 'sha7') return sha.slice(0, 7);
      if (p.placeholder === 'sha' && sha.length >= 40) return sha;
      if (p.placeholder === 'pr' && commit.pr !== undefined) return String(commit.pr);
      return `<${p.placeholder}>`;
    })
    .join('');
}
