import type { EnvironmentConfig } from '../config/schema.js';
import { InvalidInput, PushFailed, ReadOnlyEnvironment } from '../errors.js';
import { safeRelative } from '../flux/locate.js';
import type { FluxWorkspace } from '../flux/workspace.js';
import { StepTracker, type Clock, type Reporter } from '../progress.js';
import type { CatalogData } from './catalog-file.js';
import { mergeCatalog, type CatalogDiff } from './catalog-merge.js';
import { saveCatalogFile } from './catalog-save.js';
import { scanFluxRepo, type ScanResult } from './catalog-scan.js';

export interface RegeneratedCatalog {
  env: string;
  catalog: CatalogData;
  diff: CatalogDiff;
  problems: ScanResult['problems'];
  duplicates: ScanResult['duplicates'];
  filesScanned: number;
  headSha: string;
}

export const REGENERATE_STEPS = [
  ['sync', 'Fetch Flux repo'],
  ['scan', 'Scan HelmReleases and Kustomizations'],
  ['merge', 'Compare with the current catalog'],
] as const;

/** `/services regenerate`: derive the catalog from the Flux repo and diff it against the current one. */
export async function regenerateCatalog(
  env: EnvironmentConfig,
  workspace: FluxWorkspace,
  existing: CatalogData | undefined,
  reporter: Reporter,
  clock: Clock = Date.now,
): Promise<RegeneratedCatalog> {
  const steps = new StepTracker(`Regenerate the services catalog of ${env.name}`, REGENERATE_STEPS, reporter, clock);
  return workspace.exclusive(async () => {
    const headSha = await steps.run('sync', () => workspace.sync(), (sha) => sha.slice(0, 7));
    const scan = await steps.run('scan', () => scanFluxRepo(workspace.tree(headSha), env.fluxRoot), (s) =>
      `${Object.keys(s.services).length} services in ${s.filesScanned} files${s.problems.length ? `, ${s.problems.length} unreadable` : ''}`,
    );
    const { catalog, diff } = await steps.run(
      'merge',
      async () => mergeCatalog(existing, scan, { fluxRepo: env.fluxGitRepo, generatedAt: new Date(clock()).toISOString(), cluster: existing?.generatedFrom.cluster }),
      (m) => `${m.diff.added.length} added, ${m.diff.removed.length} removed, ${m.diff.changed.length} changed`,
    );
    return { env: env.name, catalog, diff, problems: scan.problems, duplicates: scan.duplicates, filesScanned: scan.filesScanned, headSha };
  });
}

/** Opens a clone of another repository (the catalog's config repo) with the engine's settings. */
export type WorkspaceFor = (env: EnvironmentConfig) => FluxWorkspace;

/**
 * Saving commits the catalog to the environment's config repo (catalogRepo) and/or writes its
 * catalog file atomically; read-only environments only look. Returns where it went.
 */
export async function saveRegeneratedCatalog(env: EnvironmentConfig, catalog: CatalogData, workspaceFor?: WorkspaceFor): Promise<string[]> {
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  if (!env.catalog && !env.catalogRepo) {
    throw new InvalidInput(
      `Environment '${env.name}' has no 'catalog' file or 'catalogRepo' configured, so there is nowhere to save it. Add one to the environment and try again.`,
    );
  }
  const places: string[] = [];
  if (env.catalogRepo) {
    if (!workspaceFor) throw new InvalidInput('Saving to a catalog repo needs a worker (run /services regenerate in Slack).');
    places.push(await commitCatalog(env, catalog, workspaceFor));
  }
  if (env.catalog) {
    await saveCatalogFile(env.catalog, catalog);
    places.push(env.catalog);
  }
  return places;
}

async function commitCatalog(env: EnvironmentConfig, catalog: CatalogData, workspaceFor: WorkspaceFor): Promise<string> {
  const repo = env.catalogRepo!;
  const workspace = workspaceFor({ ...env, name: `${env.name}-catalog`, fluxGitRepo: repo.url, branch: repo.branch });
  const text = JSON.stringify(catalog, null, 2) + '\n';
  return workspace.exclusive(async () => {
    for (let attempt = 1; ; attempt++) {
      const head = await workspace.sync();
      const path = safeRelative(repo.path, 'catalogRepo.path');
      if ((await workspace.tree(head).read(path)) === text) return `${repo.url} ${repo.path} (unchanged)`;
      const commit = await workspace.commitFiles([{ file: path, content: text }], `chore(catalog): regenerate services catalog of ${env.name}`, {}, head);
      const pushed = await workspace.push(commit);
      if (pushed.ok) return `${repo.url} ${repo.path} @ ${commit.slice(0, 7)}`;
      if (attempt >= 5) throw new PushFailed();
    }
  });
}

const MAX_LISTED = 15;

function listed(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).map((n) => `\`${n}\``).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/** The diff summary shown before saving (mrkdwn). */
export function regenerateSummary(result: RegeneratedCatalog): string {
  const { diff } = result;
  const lines = [
    `*Catalog of ${result.env}* from ${result.headSha.slice(0, 7)}: ${Object.keys(result.catalog.services).length} services (${diff.unchanged} unchanged)`,
    `➕ Added (${diff.added.length})${diff.added.length ? `: ${listed(diff.added)}` : ''}`,
    `➖ Removed (${diff.removed.length})${diff.removed.length ? `: ${listed(diff.removed)}` : ''}`,
    `✏️ Changed (${diff.changed.length})${diff.changed.length ? ':' : ''}`,
    ...diff.changed.slice(0, MAX_LISTED).map((c) => `   • \`${c.name}\`: ${c.fields.map((f) => `${f.key} ${String(f.from ?? '—')} → ${String(f.to ?? '—')}`).join('; ')}`),
  ];
  if (diff.changed.length > MAX_LISTED) lines.push(`   … and ${diff.changed.length - MAX_LISTED} more`);
  for (const p of result.problems.slice(0, 10)) lines.push(`⚠️ Skipped \`${p.file}\`: ${p.message}`);
  if (result.problems.length > 10) lines.push(`⚠️ … and ${result.problems.length - 10} more unreadable files`);
  for (const d of result.duplicates.slice(0, 5)) lines.push(`ℹ️ \`${d.name}\` is declared in ${d.files.length} files; using \`${d.chosen}\``);
  return lines.join('\n');
}
