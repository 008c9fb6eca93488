import { removeCondition, setCondition } from './conditions.js';
import { isSuspended, keyOf, REQUESTED_AT, splitKey, statusOf, wantsReconcile } from './flux-objects.js';
import { GitTree } from './git-source.js';
import { BuildError, kustomizeBuild } from './kustomize-build.js';
import type { KubeObject, ObjectStore } from './object-store.js';
import { ReconcileLoop } from './reconcile-loop.js';
import { RESOURCE_TYPES, typeOf } from './resources.js';
import { parseGoDuration, type ScaledClock } from './scaled-clock.js';
import type { SourceController } from './source-controller.js';

const KS = typeOf('Kustomization');
const GIT = typeOf('GitRepository');

interface InventoryEntry {
  id: string;
  v: string;
}

function sourceKeyOf(ks: KubeObject): string {
  const ref = (ks.spec?.sourceRef ?? {}) as { kind?: string; name?: string; namespace?: string };
  return `${ref.namespace ?? ks.metadata.namespace}/${ref.name}`;
}

const inventoryId = (o: KubeObject) => {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { id: `${o.metadata.namespace ?? ''}_${o.metadata.name}_${group}_${o.kind}`, v: version! };
};

/**
 * kustomize-controller: builds the Kustomization's path from its source's artifact, applies what
 * it builds (other Kustomizations, HelmReleases, workloads, ConfigMaps), prunes what left, and
 * records `lastAppliedRevision`. Like the real one, it also reacts at once to a new source revision.
 */
export class KustomizeController {
  private readonly loop: ReconcileLoop;
  private unsubscribe?: () => void;
  private readonly seenRevisions = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    clock: ScaledClock,
    private readonly sources: SourceController,
    log: (line: string) => void,
  ) {
    this.loop = new ReconcileLoop(clock, (key) => this.reconcile(key), (key, error) => log(`kustomize-controller ${key}: ${(error as Error).message}`));
  }

  start(): void {
    for (const ks of this.store.list(KS)) this.loop.enqueue(keyOf(ks));
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource === KS) {
        if (event.type === 'DELETED') return this.loop.forget(keyOf(event.object));
        if (wantsReconcile(event.object)) this.loop.enqueue(keyOf(event.object));
      } else if (event.resource === GIT && event.type !== 'DELETED') {
        const key = keyOf(event.object);
        const revision = (event.object.status?.artifact as { revision?: string } | undefined)?.revision;
        if (!revision || this.seenRevisions.get(key) === revision) return;
        this.seenRevisions.set(key, revision);
        for (const ks of this.store.list(KS)) if (sourceKeyOf(ks) === key) this.loop.enqueue(keyOf(ks));
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.loop.stop();
  }

  private async reconcile(key: string): Promise<number | undefined> {
    const [namespace, name] = splitKey(key);
    const ks = this.store.get(KS, namespace, name);
    if (!ks || isSuspended(ks)) return undefined;
    const interval = parseGoDuration(ks.spec?.interval as string | undefined, 600_000);
    const retry = parseGoDuration(ks.spec?.retryInterval as string | undefined, interval);
    const generation = ks.metadata.generation;
    const requested = ks.metadata.annotations?.[REQUESTED_AT];
    const finish = (change: (status: Record<string, unknown>) => void) =>
      this.store.update('Kustomization', namespace, name, (o) => {
        const status = statusOf(o);
        change(status);
        status.observedGeneration = generation;
        if (requested !== undefined) status.lastHandledReconcileAt = requested;
      });
    const [sourceNs, sourceName] = splitKey(sourceKeyOf(ks));
    const source = this.store.get(GIT, sourceNs, sourceName);
    const revision = (source?.status?.artifact as { revision?: string } | undefined)?.revision;
    const mirror = this.sources.mirrors.get(sourceKeyOf(ks));
    if (!source || !revision || !mirror) {
      const message = source ? `Source artifact not found, retrying in 30s` : `Source 'GitRepository/${sourceNs}/${sourceName}' not found`;
      finish((status) => {
        setCondition(status, { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message, observedGeneration: generation });
        removeCondition(status, 'Reconciling');
      });
      return 30_000;
    }
    this.store.update('Kustomization', namespace, name, (o) => {
      const message = `Fetching manifests for revision ${revision} with a timeout of ${String(o.spec?.timeout ?? '9m30s')}`;
      setCondition(statusOf(o), { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message, observedGeneration: generation });
    });
    let objects: KubeObject[];
    try {
      objects = await kustomizeBuild(new GitTree(mirror, revision.split('sha1:')[1]!), String(ks.spec?.path ?? './'));
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      finish((status) => {
        status.lastAttemptedRevision = revision;
        setCondition(status, { type: 'Ready', status: 'False', reason: 'BuildFailed', message: error.message, observedGeneration: generation });
        removeCondition(status, 'Reconciling');
      });
      return retry;
    }
    const target = ks.spec?.targetNamespace as string | undefined;
    const applied: InventoryEntry[] = [];
    for (const object of objects) {
      object.metadata.namespace = target ?? object.metadata.namespace ?? 'default';
      object.metadata.labels = { ...object.metadata.labels, 'kustomize.toolkit.fluxcd.io/name': name, 'kustomize.toolkit.fluxcd.io/namespace': namespace };
      applied.push(inventoryId(object));
      if (RESOURCE_TYPES.some((t) => t.kind === object.kind && `${t.group ? `${t.group}/` : ''}${t.version}` === object.apiVersion)) {
        this.store.apply(object);
      }
    }
    if (ks.spec?.prune === true) this.prune((ks.status?.inventory as { entries?: InventoryEntry[] } | undefined)?.entries ?? [], applied);
    finish((status) => {
      status.inventory = { entries: applied };
      status.lastAppliedRevision = revision;
      status.lastAttemptedRevision = revision;
      setCondition(status, { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}`, observedGeneration: generation });
      removeCondition(status, 'Reconciling');
    });
    return interval;
  }

  private prune(before: InventoryEntry[], after: InventoryEntry[]): void {
    const keep = new Set(after.map((e) => e.id));
    for (const entry of before) {
      if (keep.has(entry.id)) continue;
      const [namespace, name, , kind] = entry.id.split('_');
      const type = RESOURCE_TYPES.find((t) => t.kind === kind);
      if (type) this.store.delete(type, namespace || undefined, name!);
    }
  }
}
