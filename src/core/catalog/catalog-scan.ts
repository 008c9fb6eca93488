import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RepoTree } from '../flux/repo-tree.js';
import { chooseImageSites } from '../flux/sites/image-site-chooser.js';
import { findImageSitesIn, type Doc as SiteDoc } from '../flux/sites/image-site-finder.js';
import { pathText, siteRef, type ImageSite } from '../flux/sites/image-site.js';

/** What the Flux repo says about one service. */
export interface ScannedService {
  name: string;
  namespace: string;
  fluxPath: string;
  helmRelease?: string;
  kustomization?: string;
  /** The file the HelmRelease (or workload, or marked line) is in. */
  file: string;
  /** Where a rollout would set the image, as the scan saw it: `file:path`, and the tag then. */
  image?: { site: string; file: string; path: string; tag: string | null };
  /** What declares it when it is not a HelmRelease: a workload kind, or `ImagePolicy` (setter markers). */
  source?: string;
  /** The setter policy (`ns:policy`) when the image is a marked line. */
  imagePolicy?: string;
}

export interface ScanProblem {
  file: string;
  message: string;
}

export interface ScanResult {
  services: Record<string, ScannedService>;
  problems: ScanProblem[];
  /** Names declared more than once (base + overlay patches, several clusters): which file won. */
  duplicates: Array<{ name: string; files: string[]; chosen: string }>;
  filesScanned: number;
}

interface HelmReleaseDoc {
  name: string;
  namespace?: string;
  targetNamespace?: string;
  dir: string;
  file: string;
  hasChart: boolean;
  hasTag: boolean;
}

interface FluxKustomizationDoc {
  name: string;
  /** spec.path, normalized relative to the repo root. */
  path: string;
  targetNamespace?: string;
}

type Doc = { errors: Array<{ message: string }>; toJS(): unknown };

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

/** `./apps/staging` -> `apps/staging`; the folder a Flux Kustomization applies. */
function normalizePath(path: string): string {
  return posix.normalize(path.replace(/^\.\/?/, '')).replace(/\/+$/, '').replace(/^\.$/, '');
}

function isUnder(dir: string, root: string): boolean {
  return root === '' || dir === root || dir.startsWith(`${root}/`);
}

/**
 * Reads every YAML document in the Flux repo (any depth) and derives the catalog: HelmReleases are
 * services; Flux Kustomizations whose path holds them give the kustomization name; plain kustomize
 * `namespace:` fields fill in a missing namespace. A malformed file is reported and skipped.
 */
export async function scanFluxRepo(tree: RepoTree, root = ''): Promise<ScanResult> {
  const files = await tree.yamlFiles(root.replace(/^\.\/+/, '').replace(/\/+$/, ''));
  const releases: HelmReleaseDoc[] = [];
  const kustomizations: FluxKustomizationDoc[] = [];
  const kustomizeNamespaces = new Map<string, string>();
  const kustomizeResources = new Map<string, string[]>();
  const problems: ScanProblem[] = [];
  const sites: ImageSite[] = [];

  await Promise.all(
    files.map(async (file) => {
      const text = (await tree.read(file)) ?? '';
      if (!/kind:\s*(HelmRelease|Kustomization|Deployment|StatefulSet|DaemonSet|CronJob|Job)|^namespace:|\$imagepolicy/m.test(text)) return;
      const docs = Array.from(parseAllDocuments(text) as Iterable<Doc>);
      const broken = docs.find((d) => d.errors.length > 0);
      if (broken) {
        problems.push({ file, message: broken.errors[0]!.message.split('\n')[0]! });
        return;
      }
      const dir = posix.dirname(file);
      try {
        sites.push(...findImageSitesIn(docs as unknown as SiteDoc[], text, file));
      } catch {
        // Reported above as a problem when the YAML is broken; nothing else throws here.
      }
      for (const doc of docs) {
        const obj = doc.toJS();
        const kind = get(obj, 'kind');
        const apiVersion = String(get(obj, 'apiVersion') ?? '');
        const name = str(get(obj, 'metadata', 'name'));
        if (kind === 'HelmRelease' && name) {
          releases.push({
            name,
            namespace: str(get(obj, 'metadata', 'namespace')),
            targetNamespace: str(get(obj, 'spec', 'targetNamespace')),
            dir,
            file,
            hasChart: get(obj, 'spec', 'chart') !== undefined || get(obj, 'spec', 'chartRef') !== undefined,
            hasTag: get(obj, 'spec', 'values', 'image', 'tag') !== undefined,
          });
        } else if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io') && name) {
          const path = str(get(obj, 'spec', 'path'));
          if (path) kustomizations.push({ name, path: normalizePath(path), targetNamespace: str(get(obj, 'spec', 'targetNamespace')) });
        } else if ((kind === 'Kustomization' && apiVersion.startsWith('kustomize.config.k8s.io')) || kind === undefined) {
          if (!/(^|\/)kustomization\.ya?ml$/.test(file)) continue;
          const ns = str(get(obj, 'namespace'));
          if (ns) kustomizeNamespaces.set(dir, ns);
          const resources = get(obj, 'resources');
          if (Array.isArray(resources)) {
            kustomizeResources.set(dir, resources.filter((r): r is string => typeof r === 'string').map((r) => normalizePath(posix.join(dir, r))));
          }
        }
      }
    }),
  );

  const byName = new Map<string, HelmReleaseDoc[]>();
  for (const r of releases.sort((a, b) => a.file.localeCompare(b.file))) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);

  const applied = new Map(kustomizations.map((k) => [k, appliedDirs(k.path, kustomizeResources)]));
  const services: Record<string, ScannedService> = {};
  const duplicates: ScanResult['duplicates'] = [];
  for (const [name, docs] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // Prefer the declaration a rollout would edit (inline tag), then the full one (with a chart), over patches.
    const chosen = docs.find((d) => d.hasTag) ?? docs.find((d) => d.hasChart) ?? docs[0]!;
    if (docs.length > 1) duplicates.push({ name, files: docs.map((d) => d.file), chosen: chosen.file });
    const owner = kustomizations
      .filter((k) => docs.some((d) => applied.get(k)!.some((dir) => isUnder(d.dir, dir))))
      .sort((a, b) => b.path.length - a.path.length)[0];
    const kustomizeNs = ancestorValue(kustomizeNamespaces, chosen.dir);
    services[name] = {
      name,
      namespace: chosen.targetNamespace ?? chosen.namespace ?? owner?.targetNamespace ?? kustomizeNs ?? 'default',
      fluxPath: `${chosen.dir}/`,
      helmRelease: name,
      kustomization: owner?.name,
      file: chosen.file,
    };
  }
  addImageSites(services, sites, kustomizeNamespaces);
  return { services, problems: problems.sort((a, b) => a.file.localeCompare(b.file)), duplicates, filesScanned: files.length };
}

/** The folders a Flux Kustomization applies: its path plus whatever kustomize `resources` pull in. */
function appliedDirs(path: string, resources: Map<string, string[]>): string[] {
  const seen = new Set<string>([path]);
  const queue = [path];
  while (queue.length) {
    for (const next of resources.get(queue.shift()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}

function ancestorValue(map: Map<string, string>, dir: string): string | undefined {
  for (let d = dir; ; d = posix.dirname(d)) {
    const value = map.get(d);
    if (value) return value;
    if (d === '.' || d === '/' || d === '') return undefined;
  }
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

/**
 * The image forms a rollout knows, in the catalog too: where each HelmRelease's image is set, and
 * the services only workloads (a Deployment named papi) or Flux setter markers (policy papi) declare.
 */
function addImageSites(services: Record<string, ScannedService>, sites: ImageSite[], kustomizeNamespaces: Map<string, string>): void {
  const names = new Set<string>(Object.keys(services));
  for (const site of sites) {
    if (site.owner.kind && WORKLOAD_KINDS.has(site.owner.kind) && site.owner.name) names.add(site.owner.name);
    if (site.setter && site.setter.field !== 'name') names.add(site.setter.policy);
  }
  for (const name of [...names].sort()) {
    const service = services[name];
    const own = service ? sites.filter((s) => s.file === service.file || s.setter?.policy === name) : sites;
    const choice = chooseImageSites(own, { service: name, namedFiles: new Set(service ? [service.file] : []) });
    const chosen = choice.kind === 'chosen' ? choice.sites[0] : undefined;
    const policy = chosen?.setter ? [chosen.setter.namespace, chosen.setter.policy].filter(Boolean).join(':') : undefined;
    if (service) {
      if (chosen) service.image = imageOf(chosen);
      if (policy) service.imagePolicy = policy;
      continue;
    }
    if (!chosen) continue;
    const dir = posix.dirname(chosen.file);
    const source = chosen.setter?.policy === name ? 'ImagePolicy' : (chosen.owner.kind ?? 'values');
    services[name] = {
      name,
      namespace: ancestorValue(kustomizeNamespaces, dir) ?? 'default',
      fluxPath: chosen.file,
      file: chosen.file,
      image: imageOf(chosen),
      source,
      ...(policy ? { imagePolicy: policy } : {}),
    };
  }
}

function imageOf(site: ImageSite): NonNullable<ScannedService['image']> {
  return { site: siteRef(site), file: site.file, path: pathText(site.path), tag: site.current };
}
