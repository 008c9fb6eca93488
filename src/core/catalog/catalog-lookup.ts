import { distance } from 'fastest-levenshtein';
import type { CatalogData, CatalogEntry } from './catalog-file.js';

export interface FoundService {
  name: string;
  entry: CatalogEntry;
  /** How it was found: by its own name, or through its HelmRelease / Kustomization name. */
  via: 'name' | 'helmRelease' | 'kustomization';
}

interface CatalogIndex {
  byName: Map<string, string>;
  byHelmRelease: Map<string, string>;
  byKustomization: Map<string, string>;
}

/** Built once per loaded catalog object (the store reloads the object when the file changes). */
const indexes = new WeakMap<CatalogData, CatalogIndex>();

function indexOf(catalog: CatalogData): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = { byName: new Map(), byHelmRelease: new Map(), byKustomization: new Map() };
    // First declaration wins, as the linear search it replaces did.
    for (const [service, entry] of Object.entries(catalog.services)) {
      if (!index.byName.has(service.toLowerCase())) index.byName.set(service.toLowerCase(), service);
      const hr = entry.helmRelease?.toLowerCase();
      if (hr && !index.byHelmRelease.has(hr)) index.byHelmRelease.set(hr, service);
      const ks = entry.kustomization?.toLowerCase();
      if (ks && !index.byKustomization.has(ks)) index.byKustomization.set(ks, service);
    }
    indexes.set(catalog, index);
  }
  return index;
}

/** Exact name first, then a HelmRelease or Kustomization of that name; answered from an index. */
export function findService(catalog: CatalogData, query: string): FoundService | undefined {
  const key = query.trim().toLowerCase();
  const index = indexOf(catalog);
  const found: Array<[string | undefined, FoundService['via']]> = [
    [index.byName.get(key), 'name'],
    [index.byHelmRelease.get(key), 'helmRelease'],
    [index.byKustomization.get(key), 'kustomization'],
  ];
  for (const [service, via] of found) if (service) return { name: service, entry: catalog.services[service]!, via };
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
