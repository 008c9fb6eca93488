import { cachedBareRepo, type BenchService, type FluxFixture } from './flux-fixture.js';

/** Bump when the templates change, so a stale cache is not reused. */
const FIXTURE_VERSION = 1;
const NAMESPACES = ['default', 'media', 'home', 'network', 'observability', 'database', 'downloads', 'security'];
const digest = (i: number, salt: number) => `sha256:${((i * 2654435761 + salt) >>> 0).toString(16).padStart(8, '0').repeat(8)}`;

/**
 * A home-lab repo in the shape of onedr0p/billimek's: kubernetes/apps/<ns>/<app>/app/helmrelease.yaml,
 * bjw-s app-template values (controllers.<app>.containers.app), digest-pinned tags, an init container
 * on every third app and a sidecar on every fourth, multi-document files (an ExternalSecret beside
 * every fifth release), a Flux Kustomization (ks.yaml) and a kustomization.yaml per app.
 */
function homelabFiles(count: number): { files: Map<string, string>; services: BenchService[] } {
  const files = new Map<string, string>();
  const services: BenchService[] = [];
  const byNamespace = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    const ns = NAMESPACES[i % NAMESPACES.length]!;
    const dir = `kubernetes/apps/${ns}/${name}`;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), `./${name}/ks.yaml`]);
    const init =
      i % 3 === 0
        ? `        initContainers:
          init-db:
            image:
              repository: ghcr.io/home-operations/postgres-init
              tag: 17.2@${digest(i, 1)}
            envFrom: &envFrom
              - secretRef:
                  name: ${name}-secret
`
        : '';
    const sidecar =
      i % 4 === 0
        ? `          gluetun:
            image:
              repository: ghcr.io/qdm12/gluetun
              tag: v3.39.1@${digest(i, 2)}
            securityContext:
              capabilities: { add: ["NET_ADMIN"] }
`
        : '';
    const secret =
      i % 5 === 0
        ? `---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: onepassword
  target:
    name: ${name}-secret
  dataFrom:
    - extract:
        key: ${name}
`
        : '';
    files.set(
      `${dir}/app/helmrelease.yaml`,
      `---
# yaml-language-server: $schema=https://example.test/app-template/helmrelease-helm-v2.schema.json
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: app-template
  install:
    remediation:
      retries: -1
  values:
    controllers:
      ${name}:
        annotations:
          reloader.stakater.com/auto: "true"
${init}        containers:
          app:
            image:
              repository: ghcr.io/home-operations/${name}
              tag: 1.${i % 40}.${i % 7}@${digest(i, 0)}
            env:
              TZ: Europe/Berlin
            probes:
              liveness: &probes
                enabled: true
              readiness: *probes
            resources:
              requests:
                cpu: 10m
              limits:
                memory: 512Mi
${sidecar}    service:
      app:
        ports:
          http:
            port: 80
    persistence:
      config:
        existingClaim: ${name}
${secret}`,
    );
    files.set(`${dir}/app/kustomization.yaml`, `---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n`);
    files.set(
      `${dir}/ks.yaml`,
      `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: &app ${name}\n  namespace: flux-system\nspec:\n  commonMetadata:\n    labels:\n      app.kubernetes.io/name: *app\n  interval: 1h\n  path: ./${dir}/app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  targetNamespace: ${ns}\n`,
    );
    services.push({ name, namespace: ns, home: 'helmrelease', tagFile: `${dir}/app/helmrelease.yaml` });
  }
  for (const [ns, entries] of byNamespace) {
    files.set(`kubernetes/apps/${ns}/kustomization.yaml`, `---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n${entries.map((e) => `  - ${e}`).join('\n')}\n`);
  }
  return { files, services };
}

/** The ~500-release home-lab repo, generated once under cacheDir and reused afterwards. */
export async function cachedHomelabRepo(cacheDir: string, count = 500): Promise<FluxFixture> {
  const { files, services } = homelabFiles(count);
  const repo = await cachedBareRepo(cacheDir, `homelab-${count}-v${FIXTURE_VERSION}`, files);
  return { ...repo, services, fileCount: files.size };
}
