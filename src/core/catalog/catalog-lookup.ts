import { distance } from 'fastest-levenshtein';
import type { CatalogData, CatalogEntry } from './catalog-file.js';

export interface FoundService {
  name: string;
  entry: CatalogEntry;
  /** How it was found: by its own name, or through its HelmRelease / Kustomization name. */
  via: 'name' | 'helmRelease' | 'kustomization';
}

/** Exact name first, then a HelmRelease or Kustomization of that name. */
export function findService(catalog: CatalogData, query: string): FoundService | undefined {
  const name = query.trim().toLowerCase();
  const direct = catalog.services[name];
  if (direct) return { name, entry: direct, via: 'name' };
  for (const [service, entry] of Object.entries(catalog.services)) {
    if (entry.helmRelease?.toLowerCase() === name) return { name: service, entry, via: 'helmRelease' };
  }
  for (const [service, entry] of Object.entries(catalog.services)) {
    if (entry.kustomization?.toLowerCase() === name) return { name: service, entry, via: 'kustomization' };
  }
  return undefined;
}

/** "Did you mean `papi`?": names within a small edit distance, or that contain the query. */
export function suggestServices(catalog: CatalogData, query: string, limit = 3): string[] {
  const q = query.trim().toLowerCase();
  const maxDistance = Math.max(1, Math.floor(q.length / 3));
  return Object.keys(catalog.services)
    .map((name) => ({ name, d: name.includes(q) || q.includes(name) ? 0.5 : distance(q, name) }))
    .filter((c) => c.d <= maxDistance)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** Seed 003's fallback, with suggestions. */
export function notInCatalogSentence(catalog: CatalogData, query: string): string {
  const suggestions = suggestServices(catalog, query);
  const hint = suggestions.length
    ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?`
    : ' Check the name with `/services`, or run `/services regenerate` if it was added recently.';
  return `Service '${query}' not found in services catalog.${hint}`;
}
