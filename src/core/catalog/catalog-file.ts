import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** Seed 003's services-catalog.json. */
export const catalogEntrySchema = z
  .object({
    description: z.string().default(''),
    namespace: z.string().min(1),
    fluxPath: z.string().min(1),
    helmRelease: z.string().min(1).optional(),
    kustomization: z.string().min(1).optional(),
    /** Where a rollout sets the image (written by `/services regenerate`), and its tag then. */
    /** The Flux ImagePolicy whose setter markers hold the image (`ns:policy`), when markers declare it. */
    imagePolicy: z.string().min(1).optional(),
    image: z.object({ site: z.string(), file: z.string(), path: z.string(), tag: z.string().nullable() }).passthrough().optional(),
  })
  .passthrough();

export const catalogSchema = z.object({
  version: z.string().default('1.0'),
  generatedFrom: z
    .object({ cluster: z.string().optional(), fluxRepo: z.string().optional(), generatedAt: z.string().optional() })
    .passthrough()
    .default({}),
  services: z.record(z.string(), catalogEntrySchema),
});

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type CatalogData = z.infer<typeof catalogSchema>;

export function parseCatalog(raw: unknown, file: string): CatalogData {
  const result = catalogSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const [first, name, key] = issue.path;
  const where =
    first === 'services' && name !== undefined
      ? `service '${String(name)}'${key !== undefined ? ` key '${String(key)}'` : ''}`
      : `'${issue.path.join('.') || 'top level'}'`;
  throw new ConfigError(`Catalog ${file}: ${where} ${issue.message.toLowerCase()}. Fix that entry and reload.`);
}

export function readCatalogFile(file: string): CatalogData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Catalog ${file} was not found. Fix the environment's 'catalog' path or run \`/services regenerate\`.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Catalog ${file} is not valid JSON (${(error as Error).message}). Fix it or run \`/services regenerate\`.`);
  }
  return parseCatalog(raw, file);
}
