import { imageBaseName, parseSiteRef, pathText, type ImageSite } from './image-site.js';

export interface ChooseOptions {
  service: string;
  /** Per-service override: the container (or app-template controller) that holds the image. */
  container?: string;
  /** Per-service override: the key path was configured (the finder made configured-path sites). */
  imagePath?: string;
  /** The Flux ImagePolicy that names the service's image (default: the service name). */
  policy?: string;
  /** A site picked by a person (button, `--site file:path`). */
  site?: string;
  /** Files found because they are named after the service (a values file in its folder, `<service>.yaml`). */
  namedFiles?: Set<string>;
}

export type Choice =
  | { kind: 'chosen'; sites: ImageSite[]; rule: string }
  | { kind: 'ambiguous'; candidates: ImageSite[]; rule: string }
  | { kind: 'none'; reason?: string; /** Only other images' repository+tag pairs (chart dependencies) were found. */ dependenciesOnly?: ImageSite[] };

const MAIN_NAMES = new Set(['app', 'main']);

function ownerNamed(site: ImageSite, service: string): boolean {
  return site.owner.name === service || site.owner.anchor === service;
}

function policyMatches(site: ImageSite, policy: string): boolean {
  if (!site.setter) return false;
  const [ns, name] = policy.includes(':') ? policy.split(':') : [undefined, policy];
  return site.setter.policy === name && (ns === undefined || site.setter.namespace === ns);
}

/** The sites that belong to the service, best tier first: its object, its values file, its image name. */
function owned(sites: ImageSite[], options: ChooseOptions): ImageSite[] {
  const { service } = options;
  const byObject = sites.filter((s) => s.owner.kind && ownerNamed(s, service));
  if (byObject.length) return byObject;
  const byFile = sites.filter((s) => !s.owner.kind && options.namedFiles?.has(s.file));
  if (byFile.length) return byFile;
  // A workload or app-template controller whose container, or a kustomize image whose name, is the service.
  return sites.filter(
    (s) =>
      (s.container === service && s.form !== 'repo-tag-pair') ||
      s.controller === service ||
      (s.form === 'kustomize-newTag' && imageBaseName(s.repository) === service) ||
      (s.form === 'kustomize-newTag' && imageBaseName(s.container) === service),
  );
}

/** Init containers and sidecars are never the default; the main one is named after the service, app or main. */
function mainOf(sites: ImageSite[], service: string): ImageSite[] {
  const named = sites.filter((s) => s.container === service && s.role !== 'init');
  if (named.length) return named;
  // A repository+tag pair of another name (`redis: {repository, tag}` in podinfo's values) is a dependency, not the app.
  const candidates = sites.filter(
    (s) => s.role !== 'init' && s.role !== 'sidecar' && (s.form !== 'repo-tag-pair' || s.role === 'main' || imageBaseName(s.repository) === service || s.path.includes(service)),
  );
  const main = candidates.filter((s) => s.role === 'main');
  if (main.length) {
    const byName = main.filter((s) => s.container && MAIN_NAMES.has(s.container));
    return byName.length ? byName : main;
  }
  // Values keyed by the service's name (`papi.image.tag` beside `redis.image.tag`).
  const keyed = candidates.filter((s) => s.path.includes(service));
  return keyed.length ? keyed : candidates;
}

/**
 * Picks where a rollout writes, in the order of precedence: a site a person picked; Flux setter
 * markers naming the service's policy (the user's explicit word); the configured imagePath; the
 * object named after the service (or its values file, or a container/image of that name) and in it
 * the main container. Name prefixes never match. Anything left over is asked, never guessed.
 */
export function chooseImageSites(sites: ImageSite[], options: ChooseOptions): Choice {
  const editable = sites.filter((s) => s.part !== 'name');
  if (options.site) {
    const ref = parseSiteRef(options.site);
    const picked = ref
      ? editable.filter((s) => s.file === ref.file && pathText(s.path) === ref.path && (ref.docIndex === undefined || s.docIndex === ref.docIndex))
      : [];
    if (picked.length === 1) return { kind: 'chosen', sites: picked, rule: 'picked' };
    if (picked.length > 1) return { kind: 'ambiguous', candidates: picked, rule: 'picked' };
    return { kind: 'none', reason: `There is no image at ${options.site} any more` };
  }

  const policy = options.policy ?? options.service;
  const marked = editable.filter((s) => policyMatches(s, policy));
  if (marked.length) return { kind: 'chosen', sites: marked, rule: 'setter' };

  if (options.imagePath) {
    const configured = editable.filter((s) => s.form === 'configured-path');
    const own = configured.filter((s) => ownerNamed(s, options.service));
    const pick = own.length ? own : configured;
    if (pick.length === 1) return { kind: 'chosen', sites: pick, rule: 'imagePath' };
    if (pick.length > 1) return { kind: 'ambiguous', candidates: pick, rule: 'imagePath' };
    return { kind: 'none', reason: `No document of '${options.service}' has ${options.imagePath} (its imagePath)` };
  }

  let mine = owned(editable, options);
  if (options.container) {
    mine = mine.filter((s) => s.container === options.container || s.controller === options.container || s.path.slice(0, -2).includes(options.container!));
    if (!mine.length) return { kind: 'none', reason: `'${options.service}' has no container '${options.container}' with an image` };
  }
  if (!mine.length) return { kind: 'none' };
  const main = options.container ? mine : mainOf(mine, options.service);
  if (main.length === 1) return { kind: 'chosen', sites: main, rule: 'main' };
  if (!main.length && mine.every((s) => s.form === 'repo-tag-pair' && s.role === 'unknown')) {
    return { kind: 'none', dependenciesOnly: mine } as Choice;
  }
  // Only init containers or sidecars: never the default, so ask.
  return { kind: 'ambiguous', candidates: main.length ? main : mine, rule: 'main' };
}
