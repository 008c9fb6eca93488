/**
 * File contents of the generated Flux repo, shaped like the fluxcd examples (flux2-kustomize-helm-example):
 * per service a HelmRelease, a kustomize Kustomization with a values ConfigMap generator, the values
 * file, an app ConfigMap and a Service. Half the services pin the tag inline in the HelmRelease
 * (`spec.values.image.tag`), the other half in `values.yaml` (HelmRelease `valuesFrom`).
 */

export type TagHome = 'helmrelease' | 'values';

export const INITIAL_TAG = 'ps-1-0000000';

const header = (name: string, namespace: string) => `metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench`;

export function helmReleaseYaml(name: string, namespace: string, home: TagHome): string {
  const values =
    home === 'helmrelease'
      ? `  values:
    replicaCount: 2
    image:
      repository: ghcr.io/acme/${name}
      tag: "${INITIAL_TAG}"
      pullPolicy: IfNotPresent
    podAnnotations:
      prometheus.io/scrape: "true"`
      : `  valuesFrom:
    - kind: ConfigMap
      name: ${name}-values
      valuesKey: values.yaml`;
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
${header(name, namespace)}
spec:
  interval: 10m
  releaseName: ${name}
  chart:
    spec:
      chart: microservice
      version: "4.x"
      sourceRef:
        kind: HelmRepository
        name: acme-charts
        namespace: flux-system
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
${values}
`;
}

export function valuesYaml(name: string, home: TagHome): string {
  const image =
    home === 'values'
      ? `image:
  repository: ghcr.io/acme/${name}
  tag: ${INITIAL_TAG}
  pullPolicy: IfNotPresent
`
      : '';
  return `# Helm values for ${name}
${image}replicaCount: 2
service:
  port: 8080
resources:
  requests:
    cpu: 100m
    memory: 128Mi
  limits:
    memory: 256Mi
env:
  - name: LOG_LEVEL
    value: info
`;
}

export function kustomizationYaml(name: string, namespace: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${namespace}
resources:
  - helmrelease.yaml
  - configmap.yaml
  - service.yaml
configMapGenerator:
  - name: ${name}-values
    files:
      - values.yaml=values.yaml
`;
}

export function configMapYaml(name: string, namespace: string): string {
  return `apiVersion: v1
kind: ConfigMap
${header(`${name}-env`, namespace)}
data:
  FEATURE_FLAGS: "checkout,search"
  UPSTREAM_URL: http://${name}.${namespace}.svc.cluster.local:8080
`;
}

export function serviceYaml(name: string, namespace: string): string {
  return `apiVersion: v1
kind: Service
${header(name, namespace)}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;
}

/** clusters/<cluster>/apps/kustomization.yaml listing every service folder. */
export function appsKustomizationYaml(names: string[]): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${names.map((n) => `  - ./${n}`).join('\n')}
`;
}

export function fluxSystemFiles(cluster: string): Record<string, string> {
  // gotk-components.yaml is large in real repos (CRDs); ~250 KB here, mentioning HelmRelease as CRDs do.
  const crd = (i: number) => `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: helmreleases${i}.helm.toolkit.fluxcd.io
spec:
  group: helm.toolkit.fluxcd.io
  names:
    kind: HelmRelease
    listKind: HelmReleaseList
    plural: helmreleases
    singular: helmrelease
  scope: Namespaced
  versions:
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          description: HelmRelease is the Schema for the helmreleases API
          type: object
`;
  return {
    [`clusters/${cluster}/flux-system/gotk-components.yaml`]: Array.from({ length: 400 }, (_, i) => crd(i)).join(''),
    [`clusters/${cluster}/flux-system/gotk-sync.yaml`]: `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ssh://git@github.com/acme/flux-bench
`,
    [`clusters/${cluster}/flux-system/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-components.yaml
  - gotk-sync.yaml
`,
    'infrastructure/sources/acme-charts.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: acme-charts
  namespace: flux-system
spec:
  interval: 30m
  url: https://charts.acme.example
`,
  };
}
