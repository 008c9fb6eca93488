import type { KubeObject } from './object-store.js';

/** Label selectors as the API server parses them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`. */
export type Matcher = (labels: Record<string, string>) => boolean;

export class SelectorError extends Error {}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

export function labelMatcher(selector: string | null): Matcher {
  if (!selector) return () => true;
  const tests: Matcher[] = splitTerms(selector).map((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const [, key, op, list] = m;
      const values = list!.split(',').map((v) => v.trim());
      return op === 'in' ? (l) => values.includes(l[key!] ?? '\0') : (l) => !values.includes(l[key!] ?? '\0');
    }
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term))) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key!] !== value : (l) => l[key!] === value;
    }
    if ((m = /^!([\w./-]+)$/.exec(term))) return (l) => !(m![1]! in l);
    if (/^[\w./-]+$/.test(term)) return (l) => term in l;
    throw new SelectorError(`unable to parse requirement: ${term}`);
  });
  return (labels) => tests.every((t) => t(labels));
}

/** Field selectors: only metadata.name and metadata.namespace, as for most resources. */
export function fieldMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term) => {
    const m = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`field label not supported: ${term.split(/[=!]/)[0]}`);
    const [, field, op, value] = m;
    const read = (o: KubeObject) => (field === 'metadata.name' ? o.metadata.name : o.metadata.namespace);
    return op === '!=' ? (o: KubeObject) => read(o) !== value : (o: KubeObject) => read(o) === value;
  });
  return (object) => tests.every((t) => t(object));
}
