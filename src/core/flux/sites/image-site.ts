/**
 * One model of "where an image is set" (DESIGN.md, image sites): every form a Flux repo uses is a
 * site the finder lists, the chooser picks from and the editor splices.
 */
export type ImageSiteForm =
  | 'tag-field' // image.tag at any depth of HelmRelease values or a values file
  | 'repo-tag-pair' // a map with repository + tag that is not called image
  | 'image-string' // repo:tag[@digest] (workload containers, `image:` strings in values)
  | 'kustomize-newTag' // kustomize images[].newTag, Flux Kustomization spec.images[].newTag
  | 'flux-setter' // a line marked with # {"$imagepolicy": "ns:policy[:tag|:name]"}
  | 'configured-path'; // the service's imagePath from config

export type ImageSiteRole = 'main' | 'init' | 'sidecar' | 'unknown';

/** What the value holds: only the tag, a whole image reference, or only the repository name. */
export type ImageSitePart = 'tag' | 'image' | 'name';

export type PathSegment = string | number;

export interface SetterMarker {
  namespace?: string;
  policy: string;
  /** Which part of the image the marked value is (Flux: none = the whole image). */
  field: ImageSitePart | 'digest';
}

export interface ImageSite {
  /** Path relative to the repo root, forward slashes. */
  file: string;
  docIndex: number;
  /** Key path to the value inside its document. */
  path: PathSegment[];
  form: ImageSiteForm;
  part: ImageSitePart;
  role: ImageSiteRole;
  /** The object the site belongs to (kind and metadata.name of its document; none for a values file). */
  owner: { kind?: string; name?: string; anchor?: string };
  /** Container (workload list entry or app-template container key) and app-template controller. */
  container?: string;
  controller?: string;
  /** Repository the value belongs to (from the image string, a sibling `repository`, or kustomize's name). */
  repository?: string;
  /** The tag now (without a digest), null when the field is empty. */
  current: string | null;
  /** sha256:… when the value is digest-pinned. */
  digest?: string;
  setter?: SetterMarker;
  /** Character offsets of the value's source (quotes included, anchor excluded) in the file text. */
  range: [number, number];
  /** The value's source text at `range`, to check the file has not changed before splicing. */
  raw: string;
  scalarType?: string;
  /** The value is written through an alias; the range is the anchored value's. */
  viaAlias?: string;
  /** A sibling `digest:` that pins the image whatever the tag says: cleared when the tag changes. */
  pinnedBy?: { range: [number, number]; raw: string; value: string };
}

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

const REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:]*(@sha256:[a-f0-9]{6,})?$/;

/** `10.0.0.1:5000/papi:1.0@sha256:…` -> repository `10.0.0.1:5000/papi`, tag, digest. */
export function parseImageRef(value: string): ImageRef | null {
  if (!REF.test(value) || value.includes('//')) return null;
  const at = value.indexOf('@');
  const digest = at >= 0 ? value.slice(at + 1) : undefined;
  const nameTag = at >= 0 ? value.slice(0, at) : value;
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash) {
    const tag = nameTag.slice(colon + 1);
    if (!tag) return null;
    return { repository: nameTag.slice(0, colon), tag, digest };
  }
  return { repository: nameTag, digest };
}

/** `v1.2@sha256:…` -> tag and digest. */
export function splitDigest(value: string): { tag: string; digest?: string } {
  const at = value.indexOf('@sha256:');
  return at >= 0 ? { tag: value.slice(0, at), digest: value.slice(at + 1) } : { tag: value };
}

/** The last path segment of a repository: `ghcr.io/acme/papi` -> `papi`. */
export function imageBaseName(repository: string | undefined): string | undefined {
  if (!repository) return undefined;
  return repository.split('/').pop() || undefined;
}

/** `spec.template.spec.containers[0].image` */
export function pathText(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** How a person (a button, `--site`) names a site: `file:path`, `file#2:path` for a later document. */
export function siteRef(site: Pick<ImageSite, 'file' | 'docIndex' | 'path'>, withDoc = false): string {
  return `${site.file}${withDoc ? `#${site.docIndex}` : ''}:${pathText(site.path)}`;
}

export function parseSiteRef(ref: string): { file: string; docIndex?: number; path: string } | null {
  const match = /^([^:#]+?)(?:#(\d+))?:(.+)$/.exec(ref.trim());
  if (!match) return null;
  return { file: match[1]!.replace(/^\.\//, ''), docIndex: match[2] === undefined ? undefined : Number(match[2]), path: match[3]! };
}

/** What a person is shown for a candidate: where, and the tag it has now. */
export interface SiteCandidate {
  ref: string;
  file: string;
  path: string;
  current: string | null;
  container?: string;
  role: ImageSiteRole;
}

export function candidateOf(site: ImageSite, all: ImageSite[]): SiteCandidate {
  const twin = all.some((o) => o !== site && o.file === site.file && o.docIndex !== site.docIndex && pathText(o.path) === pathText(site.path));
  return { ref: siteRef(site, twin), file: site.file, path: pathText(site.path), current: site.current, container: site.container, role: site.role };
}
