import { statSync } from 'node:fs';
import type { EnvironmentConfig } from '../config/schema.js';
import { readCatalogFile, type CatalogData, type CatalogEntry } from './catalog-file.js';

/**
 * Catalogs answered from memory: each environment's file is read once and re-read only when its
 * modification time or size changes.
 */
export class CatalogStore {
  private readonly cache = new Map<string, { stamp: string; data: CatalogData }>();

  get(env: EnvironmentConfig): CatalogData | undefined {
    if (!env.catalog) return undefined;
    const stat = statSync(env.catalog, { throwIfNoEntry: false });
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}` : 'missing';
    const cached = this.cache.get(env.catalog);
    if (cached && cached.stamp === stamp) return cached.data;
    const data = readCatalogFile(env.catalog);
    this.cache.set(env.catalog, { stamp, data });
    return data;
  }

  entry(env: EnvironmentConfig, service: string): CatalogEntry | undefined {
    return this.get(env)?.services[service];
  }
}
