import type { CatalogData } from './catalog-file.js';
import { findService, notInCatalogSentence } from './catalog-lookup.js';

/** Seed 003's answers, word for word: "papi runs in namespace runwhen-local". */
export function namespaceAnswer(catalog: CatalogData, query: string): { found: boolean; text: string } {
  const found = findService(catalog, query);
  if (!found) return { found: false, text: notInCatalogSentence(catalog, query) };
  return { found: true, text: `${found.name} runs in namespace ${found.entry.namespace}` };
}

/** "clusters/rdebug/apps/frontend/ (HelmRelease: frontend)". */
export function fluxPathAnswer(catalog: CatalogData, query: string): { found: boolean; text: string } {
  const found = findService(catalog, query);
  if (!found) return { found: false, text: notInCatalogSentence(catalog, query) };
  const release = found.entry.helmRelease ? ` (HelmRelease: ${found.entry.helmRelease})` : '';
  return { found: true, text: `${found.entry.fluxPath}${release}` };
}
