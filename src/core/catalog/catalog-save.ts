import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CatalogData } from './catalog-file.js';

/** Temp file + rename: readers see the old catalog or the new one, never half of one. */
export async function saveCatalogFile(file: string, catalog: CatalogData): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, JSON.stringify(catalog, null, 2) + '\n');
  await rename(temp, file);
}
