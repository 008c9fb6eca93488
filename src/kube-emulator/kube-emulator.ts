import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeApiServer, type ApiRequestRecord } from './api-server.js';
import { GitSource } from './git-source.js';
import { HelmController } from './helm-controller.js';
import { ImagePuller, parseImage } from './image-puller.js';
import { KustomizeController } from './kustomize-controller.js';
import { ObjectStore, type KubeObject } from './object-store.js';
import type { PolicyRule } from './rbac.js';
import { typeOf } from './resources.js';
import { ScaledClock } from './scaled-clock.js';
import { SourceController } from './source-controller.js';
import { tlsMaterial, type TlsMaterial } from './tls-material.js';
import { WorkloadController, type CrashSpec } from './workload-controller.js';

export interface KubeEmulatorOptions {
  /** Git mirrors of the Flux sources live here. */
  dataDir: string;
  /** Images are pulled from this registry (docker-registry's HTTP API); without it every pull succeeds. */
  registryUrl?: string;
  /** Cluster time runs this many times faster than wall time (Flux intervals, back-offs, deadlines). */
  timeScale?: number;
  /** Bearer token of the kubeconfig's user. */
  token?: string;
  /** The caller's RBAC rules (e.g. the Helm chart's ClusterRole); absent: everything allowed. */
  rules?: PolicyRule[];
  /** Containers of these images crash on start: keyed by full image reference or by tag. */
  crashingImages?: Record<string, CrashSpec>;
  /** Cluster ms: pod created -> image pulled; container started -> ready; new revision -> artifact stored. */
  pullMs?: number;
  readyMs?: number;
  artifactMs?: number;
  port?: number;
  log?: (line: string) => void;
}

export interface FluxBootstrap {
  /** URL or path of the Flux repo (the bare repo rollbot pushes to). */
  url: string;
  branch?: string;
  /** The cluster folder `flux bootstrap --path` names, e.g. ./clusters/rdebug */
  path: string;
  namespace?: string;
  sourceInterval?: string;
  kustomizationInterval?: string;
}

/**
 * A Kubernetes API server with Flux and a kubelet inside, for tests and local mode. Production code
 * reaches it through an ordinary kubeconfig and cannot tell it from a cluster.
 */
export class KubeEmulator {
  readonly store = new ObjectStore();
  readonly clock: ScaledClock;
  readonly api: KubeApiServer;
  readonly token: string;
  private readonly crashes = new Map<string, CrashSpec>();
  private controllers: Array<{ start(): void; stop(): void }> = [];
  private tls?: TlsMaterial;

  constructor(private readonly options: KubeEmulatorOptions) {
    this.clock = new ScaledClock(options.timeScale ?? 1);
    this.token = options.token ?? 'rollbot-emulator-token';
    this.api = new KubeApiServer(this.store, { token: this.token, rules: options.rules });
    for (const [image, spec] of Object.entries(options.crashingImages ?? {})) this.crashes.set(image, spec);
  }

  get url(): string {
    return this.api.url;
  }

  get requests(): ApiRequestRecord[] {
    return this.api.requests;
  }

  async start(): Promise<this> {
    await mkdir(this.options.dataDir, { recursive: true });
    this.tls = await tlsMaterial(join(this.options.dataDir, 'pki'));
    await this.api.start(this.tls, this.options.port);
    const log = this.options.log ?? (() => undefined);
    const sources = new SourceController(this.store, this.clock, new GitSource(join(this.options.dataDir, 'sources')), this.options.artifactMs ?? 1_000, log);
    const puller = this.options.registryUrl ? new ImagePuller({ url: this.options.registryUrl }) : { pull: async () => ({ ok: true as const, digest: 'sha256:0' }) };
    this.controllers = [
      sources,
      new KustomizeController(this.store, this.clock, sources, log),
      new HelmController(this.store, this.clock, log),
      new WorkloadController(this.store, this.clock, puller as ImagePuller, {
        pullMs: this.options.pullMs ?? 2_000,
        readyMs: this.options.readyMs ?? 3_000,
        crashes: (image) => this.crashes.get(image) ?? this.crashes.get(parseImage(image).reference),
      }),
    ];
    for (const controller of this.controllers) controller.start();
    return this;
  }

  async stop(): Promise<void> {
    for (const controller of this.controllers) controller.stop();
    this.clock.stopAll();
    await this.api.stop();
  }

  /** Containers of `image` (a full reference or a tag) crash on start from now on. */
  crashImage(image: string, spec: CrashSpec = { reason: 'Error', exitCode: 1 }): void {
    this.crashes.set(image, spec);
  }

  /** kubectl apply of objects (or YAML text) the emulator serves; others are ignored. */
  apply(objects: KubeObject[] | string): KubeObject[] {
    const list = typeof objects === 'string' ? parseAllDocuments(objects).map((d) => d.toJS() as KubeObject).filter((o) => o?.kind) : objects;
    return list.map((o) => this.store.apply(o));
  }

  get(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(typeOf(kind), namespace, name);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return this.store.list(typeOf(kind), namespace);
  }

  /** What `flux bootstrap git --path <path>` leaves: the flux-system GitRepository and Kustomization. */
  bootstrapFlux(flux: FluxBootstrap): void {
    const namespace = flux.namespace ?? 'flux-system';
    this.apply([
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'flux-system', namespace },
        spec: { interval: flux.sourceInterval ?? '1m0s', ref: { branch: flux.branch ?? 'main' }, url: flux.url, secretRef: { name: 'flux-system' } },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'flux-system', namespace },
        spec: { interval: flux.kustomizationInterval ?? '10m0s', path: flux.path, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
      },
    ]);
  }

  /** A kubeconfig for this server (token auth), as a cluster admin would hand it out. */
  kubeconfig(context = 'emulator'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${context}`,
      '  cluster:',
      `    server: ${this.url}`,
      `    certificate-authority-data: ${Buffer.from(this.tls?.cert ?? '').toString('base64')}`,
      'users:',
      '- name: rollbot',
      '  user:',
      `    token: ${this.token}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}`,
      '    user: rollbot',
      `current-context: ${context}`,
      '',
    ].join('\n');
  }

  async writeKubeconfig(path: string, context = 'emulator'): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, this.kubeconfig(context), { mode: 0o600 });
    return path;
  }

  /** Waits (wall time) until `test` holds for the object, or throws with its last state. */
  async waitFor(kind: string, namespace: string, name: string, test: (o: KubeObject) => boolean, timeoutMs = 20_000): Promise<KubeObject> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const object = this.get(kind, namespace, name);
      if (object && test(object)) return object;
      if (Date.now() > deadline) throw new Error(`${kind} ${namespace}/${name} did not reach the expected state: ${JSON.stringify(object?.status ?? null)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
