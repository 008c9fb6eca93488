/**
 * Templates in pipeline definitions: `{run_id}`, `{versions}`, `{ticket}`, `{worktree}`,
 * `{version:<pkg>}`, `{pkg}`, `{env:NAME}` (and `{pins}`, `{phases}` in notify templates).
 * A template is always one argument (or one path, one URL): substitution fills text inside it and
 * never splits or joins arguments, so a value can never become a second argument or shell syntax.
 * `{{` and `}}` are literal braces.
 */

export interface Placeholder {
  name: string;
  arg?: string;
  /** As written, e.g. `{env:OMNI_HOME}`. */
  raw: string;
}

type Part = { literal: string } | Placeholder;

const TOKEN = /\{\{|\}\}|\{([a-z_]+)(?::([^{}]*))?\}/g;

export function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ literal: text.slice(last, index) });
    if (match[0] === '{{') parts.push({ literal: '{' });
    else if (match[0] === '}}') parts.push({ literal: '}' });
    else parts.push({ name: match[1]!, arg: match[2], raw: match[0] });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  return parts;
}

export function placeholdersOf(text: string): Placeholder[] {
  return parseTemplate(text).filter((p): p is Placeholder => 'name' in p);
}

export type PlaceholderResolver = (placeholder: Placeholder) => string;

export function substitute(text: string, resolve: PlaceholderResolver): string {
  return parseTemplate(text)
    .map((part) => ('name' in part ? resolve(part) : part.literal))
    .join('');
}

/** Where a template appears decides which placeholders make sense there. */
export type TemplateSite = 'general' | 'version-check' | 'notify';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks one template at load time. Returns a sentence per problem (empty when fine), so a typo
 * like `{verison}` is a definition error, not a literal argument at 3 a.m.
 */
export function checkTemplate(text: string, site: TemplateSite, hasWorktreeBefore: boolean): string[] {
  const problems: string[] = [];
  for (const p of placeholdersOf(text)) {
    switch (p.name) {
      case 'run_id':
      case 'versions':
      case 'ticket':
        if (p.arg !== undefined) problems.push(`${p.raw} takes no ':' argument; write {${p.name}}`);
        break;
      case 'worktree':
        if (p.arg !== undefined) problems.push(`${p.raw} takes no ':' argument; write {worktree}`);
        else if (!hasWorktreeBefore) problems.push(`uses {worktree}, but no worktree phase comes before this phase; add one earlier or use an explicit path`);
        break;
      case 'env':
        if (!p.arg || !ENV_NAME.test(p.arg)) problems.push(`${p.raw} must name an environment variable, like {env:OMNI_HOME}`);
        break;
      case 'version':
        if (!p.arg) problems.push(`${p.raw} must name a package, like {version:omniintelligence}`);
        break;
      case 'pkg':
        if (site !== 'version-check') problems.push(`uses {pkg}, which only exists inside a version-check (it is the package being checked)`);
        break;
      case 'pins':
      case 'phases':
        if (site !== 'notify') problems.push(`uses {${p.name}}, which only exists in a notify template`);
        break;
      default:
        problems.push(
          `has an unknown placeholder ${p.raw}; known ones are {run_id}, {versions}, {ticket}, {worktree}, {version:<pkg>}, {pkg}, {env:NAME}. Write {{ and }} for literal braces`,
        );
    }
  }
  return problems;
}
