import type { CatalogData, CatalogEntry } from './catalog-file.js';
import type { ScanResult } from './catalog-scan.js';

export interface CatalogChange {
  name: string;
  fields: Array<{ key: keyof CatalogEntry; from: unknown; to: unknown }>;
}

export interface CatalogDiff {
  added: string[];
  removed: string[];
  changed: CatalogChange[];
  unchanged: number;
}

const COMPARED: Array<keyof CatalogEntry> = ['namespace', 'fluxPath', 'helmRelease', 'kustomization'];

/**
 * The regenerated catalog: what the repo says, keeping hand-written descriptions (and any extra
 * keys people added) from the existing catalog.
 */
export function mergeCatalog(
  existing: CatalogData | undefined,
  scan: ScanResult,
  generatedFrom: { cluster?: string; fluxRepo: string; generatedAt: string },
): { catalog: CatalogData; diff: CatalogDiff } {
  const before = existing?.services ?? {};
  const services: Record<string, CatalogEntry> = {};
  const diff: CatalogDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [name, found] of Object.entries(scan.services)) {
    const old = before[name];
    const entry: CatalogEntry = {
      ...old,
      description: old?.description ?? '',
      namespace: found.namespace,
      fluxPath: found.fluxPath,
      ...(found.helmRelease ? { helmRelease: found.helmRelease } : {}),
      ...(found.kustomization ? { kustomization: found.kustomization } : {}),
      ...(found.image ? { image: found.image } : {}),
      ...(found.imagePolicy ? { imagePolicy: found.imagePolicy } : {}),
    };
    services[name] = entry;
    if (!old) diff.added.push(name);
    else {
      const fields = COMPARED.filter((k) => old[k] !== entry[k]).map((key) => ({ key, from: old[key], to: entry[key] }));
      if (fields.length) diff.changed.push({ name, fields });
      else diff.unchanged++;
    }
  }
  diff.removed = Object.keys(before).filter((name) => !scan.services[name]).sort();
  return {
    catalog: { version: existing?.version ?? '1.0', generatedFrom: { ...existing?.generatedFrom, ...generatedFrom }, services },
    diff,
  };
}
