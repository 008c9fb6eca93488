import { DEMO_SERVICES, type DemoService } from './demo-services.js';

function helmRelease(svc: DemoService, tag: string | null): string {
  const values = tag
    ? `  values:
    replicaCount: 2
    image:
      repository: ghcr.io/acme/${svc.name} # built by CI
      tag: "${tag}"
`
    : `  valuesFrom:
    - kind: ConfigMap
      name: ${svc.name}-values
`;
  return `# ${svc.name}: ${svc.description}
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${svc.name}
  namespace: ${svc.namespace}
spec:
  interval: 5m
  chart:
    spec:
      chart: ${svc.name}
      version: ">=1.0.0"
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
${values}`;
}

function valuesYaml(svc: DemoService, tag: string): string {
  return `# Helm values for ${svc.name} (the HelmRelease reads them through valuesFrom)
image:
  repository: ghcr.io/acme/${svc.name}
  tag: ${tag} # set by rollbot
service:
  port: 8080
resources:
  limits: { cpu: 500m, memory: 256Mi }
`;
}

/** A Flux Kustomization applying one folder of the repo. */
export function fluxKustomization(name: string, path: string): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ${path}
  prune: true
`;
}

/**
 * Two clusters in one repo, like the fluxcd examples: rdebug (rollouts of PR builds) and prod
 * (approved releases of main builds). Each service folder has a Flux Kustomization of its own.
 */
export function demoFluxFiles(prodTag: (service: string) => string, fluxUrl = 'ssh://git@example.com/acme/flux-config'): Record<string, string> {
  // What `flux bootstrap --path clusters/rdebug` commits: the source and the Kustomization syncing it.
  const files: Record<string, string> = {
    'clusters/rdebug/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ${fluxUrl}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/rdebug
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  };
  for (const cluster of ['rdebug', 'prod'] as const) {
    for (const svc of DEMO_SERVICES) {
      const dir = `clusters/${cluster}/apps/${svc.name}`;
      const tag = cluster === 'prod' ? prodTag(svc.name) : 'ps-1-0000000';
      files[`clusters/${cluster}/flux/apps-${svc.name}.yaml`] = fluxKustomization(`apps-${svc.name}`, `./${dir}`);
      // A values file reaches its HelmRelease as a generated ConfigMap that helm-controller watches.
      files[`${dir}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${svc.namespace}
resources:
  - helmrelease.yaml
${svc.layout === 'values' ? `configMapGenerator:
  - name: ${svc.name}-values
    files:
      - values.yaml
generatorOptions:
  disableNameSuffixHash: true
  labels:
    reconcile.fluxcd.io/watch: Enabled
` : ''}`;
      if (svc.layout === 'helmrelease') files[`${dir}/helmrelease.yaml`] = helmRelease(svc, tag);
      else {
        files[`${dir}/helmrelease.yaml`] = helmRelease(svc, null);
        files[`${dir}/values.yaml`] = valuesYaml(svc, tag);
      }
    }
  }
  return files;
}

export function demoCatalog(fluxRepo: string, cluster: string): string {
  const services = Object.fromEntries(
    DEMO_SERVICES.map((s) => [
      s.name,
      { description: s.description, namespace: s.namespace, fluxPath: `clusters/${cluster}/apps/${s.name}/`, helmRelease: s.name, kustomization: `apps-${s.name}` },
    ]),
  );
  return JSON.stringify({ version: '1.0', generatedFrom: { cluster: `${cluster}-demo`, fluxRepo, generatedAt: new Date().toISOString() }, services }, null, 2) + '\n';
}
