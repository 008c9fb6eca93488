import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'slack');

export type FixtureVars = Record<string, string | number | boolean | null>;

/** Replaces `{{name}}`: a string that is only a placeholder takes the value's own type (numbers stay numbers). */
function fill(node: unknown, vars: FixtureVars, file: string): unknown {
  if (typeof node === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole) return lookup(whole[1]!, vars, file);
    return node.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(lookup(name, vars, file)));
  }
  if (Array.isArray(node)) return node.map((n) => fill(n, vars, file));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, vars, file)]));
  return node;
}

function lookup(name: string, vars: FixtureVars, file: string): string | number | boolean | null {
  if (!(name in vars)) throw new Error(`${file} needs a value for {{${name}}}`);
  return vars[name]!;
}

/** A JSON payload fixture with its placeholders filled. */
export function jsonFixture(name: string, vars: FixtureVars): Record<string, unknown> {
  return fill(JSON.parse(readFileSync(join(DIR, name), 'utf8')), vars, name) as Record<string, unknown>;
}

/** A form body as Slack sends it: decoded fields in the JSON fixture, every value a string. */
export function formFixture(name: string, vars: FixtureVars): string {
  const fields = jsonFixture(name, vars);
  return new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
}

/** A raw body fixture (e.g. ssl_check.form.txt), byte for byte apart from its placeholders. */
export function rawFixture(name: string, vars: FixtureVars): string {
  return fill(readFileSync(join(DIR, name), 'utf8'), vars, name) as string;
}
