/** The resource types the emulator serves: enough of the API for Flux, workloads and pods. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Custom resources (Flux's CRDs) accept only JSON and merge patches, like a real API server. */
  custom: boolean;
}

export const RESOURCE_TYPES: ResourceType[] = [
  { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', kind: 'GitRepository', custom: true },
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', kind: 'Kustomization', custom: true },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', kind: 'HelmRelease', custom: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', custom: false },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', custom: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', custom: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', custom: false },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function typeByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function typeByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

export function typeOf(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (!type) throw new Error(`the emulator does not serve ${kind}`);
  return type;
}
