import { createHash, randomBytes } from 'node:crypto';
import { setCondition } from './conditions.js';
import { keyOf, splitKey } from './flux-objects.js';
import type { ImagePuller } from './image-puller.js';
import type { KubeObject, ObjectStore } from './object-store.js';
import { typeOf } from './resources.js';
import type { ScaledClock } from './scaled-clock.js';

const POD = typeOf('Pod');

/** How a container of this image ends when it starts (the emulator's crashing builds). */
export interface CrashSpec {
  reason: string;
  exitCode: number;
}

export interface KubeletOptions {
  /** Cluster ms from pod creation to the image pull's answer. */
  pullMs: number;
  /** Cluster ms from container start to ready (the readiness probe passing). */
  readyMs: number;
  crashes: (image: string) => CrashSpec | undefined;
}

interface Container {
  name: string;
  image: string;
}

type Kind = 'Deployment' | 'StatefulSet';

const hashOf = (template: unknown) => createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
const suffix = () => randomBytes(3).toString('hex').slice(0, 5);
const backoff = (attempt: number) => Math.min(300_000, 10_000 * 2 ** attempt);

function readyOf(pod: KubeObject): boolean {
  return ((pod.status?.conditions as Array<{ type: string; status: string }> | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The Deployment and StatefulSet controllers and a kubelet, in one: pods for each pod template,
 * image pulls asked of the registry (a missing tag stays in ErrImagePull/ImagePullBackOff), crashing
 * containers in CrashLoopBackOff, rolling replacement, and the workloads' status and conditions
 * (including ProgressDeadlineExceeded).
 */
export class WorkloadController {
  private unsubscribe?: () => void;
  /** pod key -> workload key ("Kind:ns/name"). */
  private readonly owners = new Map<string, string>();
  private readonly pendingSync = new Set<string>();
  private readonly deadlines = new Map<string, { hash: string; cancel: () => void; exceeded: boolean }>();
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: ScaledClock,
    private readonly puller: ImagePuller,
    private readonly options: KubeletOptions,
  ) {}

  start(): void {
    for (const kind of ['Deployment', 'StatefulSet'] as const) for (const w of this.store.list(typeOf(kind))) this.schedule(`${kind}:${keyOf(w)}`);
    this.unsubscribe = this.store.subscribe((event) => {
      const kind = event.resource.kind;
      if (kind === 'Deployment' || kind === 'StatefulSet') {
        const key = `${kind}:${keyOf(event.object)}`;
        if (event.type === 'DELETED') return this.removePodsOf(key);
        if (event.object.metadata.generation !== (event.object.status as { observedGeneration?: number } | undefined)?.observedGeneration) this.schedule(key);
      } else if (kind === 'Pod') {
        const owner = this.owners.get(keyOf(event.object));
        if (owner) this.schedule(owner);
        if (event.type === 'DELETED') this.owners.delete(keyOf(event.object));
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const d of this.deadlines.values()) d.cancel();
  }

  private schedule(key: string): void {
    if (this.stopped || this.pendingSync.has(key)) return;
    this.pendingSync.add(key);
    setImmediate(() => {
      this.pendingSync.delete(key);
      if (!this.stopped) this.sync(key);
    });
  }

  private podsOf(key: string): KubeObject[] {
    const [, ref] = key.split(/:(.*)/s);
    const [namespace] = splitKey(ref!);
    return this.store.list(POD, namespace).filter((p) => this.owners.get(keyOf(p)) === key);
  }

  private removePodsOf(key: string): void {
    for (const pod of this.podsOf(key)) this.store.delete(POD, pod.metadata.namespace, pod.metadata.name);
    this.deadlines.get(key)?.cancel();
    this.deadlines.delete(key);
  }

  private sync(key: string): void {
    const [kind, ref] = key.split(/:(.*)/s) as [Kind, string];
    const [namespace, name] = splitKey(ref);
    const workload = this.store.get(typeOf(kind), namespace, name);
    if (!workload) return;
    const template = (workload.spec?.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[] } };
    const hash = hashOf(template);
    const replicas = Number(workload.spec?.replicas ?? 1);
    const revision = `${name}-${hash}`;
    const revisionOf = (p: KubeObject) => p.metadata.labels?.[kind === 'Deployment' ? 'pod-template-hash' : 'controller-revision-hash'];
    const current = kind === 'Deployment' ? hash : revision;
    let pods = this.podsOf(key);
    const fresh = () => pods.filter((p) => revisionOf(p) === current);
    const make = (podName: string) => this.createPod(key, workload, template, podName, kind === 'Deployment' ? { 'pod-template-hash': hash } : { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': podName }, kind === 'Deployment' ? { kind: 'ReplicaSet', name: revision } : { kind: 'StatefulSet', name });

    if (kind === 'Deployment') {
      for (let i = fresh().length; i < replicas; i++) make(`${revision}-${suffix()}`);
      for (const extra of fresh().slice(replicas)) this.store.delete(POD, namespace, extra.metadata.name);
      pods = this.podsOf(key);
      if (fresh().length === replicas && fresh().every(readyOf)) {
        for (const old of pods.filter((p) => revisionOf(p) !== current)) this.store.delete(POD, namespace, old.metadata.name);
      }
    } else {
      const byOrdinal = new Map(pods.map((p) => [p.metadata.name, p]));
      for (let i = 0; i < replicas; i++) if (!byOrdinal.has(`${name}-${i}`)) make(`${name}-${i}`);
      for (const p of pods) if (Number(p.metadata.name.slice(name.length + 1)) >= replicas) this.store.delete(POD, namespace, p.metadata.name);
      pods = this.podsOf(key);
      // OrderedReady rolling update: replace the highest old ordinal once every pod is ready.
      if (pods.every(readyOf)) {
        const old = pods.filter((p) => revisionOf(p) !== current).sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, undefined, { numeric: true }))[0];
        if (old) {
          this.store.delete(POD, namespace, old.metadata.name);
          make(old.metadata.name);
        }
      }
    }
    pods = this.podsOf(key);
    this.updateStatus(kind, namespace, name, workload, pods, current, revisionOf, key);
  }

  private updateStatus(kind: Kind, namespace: string, name: string, workload: KubeObject, pods: KubeObject[], current: string, revisionOf: (p: KubeObject) => string | undefined, key: string): void {
    const replicas = Number(workload.spec?.replicas ?? 1);
    const updated = pods.filter((p) => revisionOf(p) === current);
    const ready = pods.filter(readyOf).length;
    const complete = updated.length === replicas && pods.length === replicas && updated.every(readyOf);
    const rs = kind === 'Deployment' ? `${name}-${current}` : current;
    this.store.update(kind, namespace, name, (o) => {
      const status = (o.status ??= {});
      const previousReady = Number(status.readyReplicas ?? 0);
      Object.assign(status, { observedGeneration: workload.metadata.generation, replicas: pods.length, updatedReplicas: updated.length, readyReplicas: ready, availableReplicas: ready });
      if (kind === 'StatefulSet') {
        status.updateRevision = current;
        status.currentRevision = complete ? current : (status.currentRevision ?? current);
        status.currentReplicas = pods.filter((p) => revisionOf(p) === status.currentRevision).length;
        return;
      }
      if (pods.length - ready > 0) status.unavailableReplicas = pods.length - ready;
      else delete status.unavailableReplicas;
      const maxUnavailable = Math.floor(replicas * 0.25);
      setCondition(status, ready >= replicas - maxUnavailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
      const deadline = this.deadlineFor(key, current, workload, ready > previousReady);
      if (complete) {
        deadline.cancel();
        setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.` });
      } else if (deadline.exceeded) {
        setCondition(status, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs}" has timed out progressing.` });
      } else {
        setCondition(status, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.` });
      }
    });
  }

  /** progressDeadlineSeconds, counted from the rollout's start or its last progress. */
  private deadlineFor(key: string, hash: string, workload: KubeObject, progressed: boolean) {
    let deadline = this.deadlines.get(key);
    if (!deadline || deadline.hash !== hash || (progressed && !deadline.exceeded)) {
      deadline?.cancel();
      const seconds = Number(workload.spec?.progressDeadlineSeconds ?? 600);
      const entry = { hash, exceeded: false, cancel: () => undefined as void };
      entry.cancel = this.clock.after(seconds * 1000, () => {
        entry.exceeded = true;
        this.schedule(key);
      });
      this.deadlines.set(key, entry);
      deadline = entry;
    }
    return deadline;
  }

  private createPod(owner: string, workload: KubeObject, template: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[] } }, name: string, labels: Record<string, string>, ownerRef: { kind: string; name: string }): void {
    const namespace = workload.metadata.namespace!;
    const containers = template.spec?.containers ?? [];
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata?.labels, ...labels },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: ownerRef.kind, name: ownerRef.name, uid: workload.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...template.spec, nodeName: 'emulated-node-1', restartPolicy: 'Always' },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date().toISOString() }],
        containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } })),
        hostIP: '10.0.0.10',
        qosClass: 'BestEffort',
        startTime: new Date().toISOString(),
      },
    };
    this.owners.set(`${namespace}/${name}`, owner);
    this.store.apply(pod);
    const uid = this.store.get(POD, namespace, name)?.metadata.uid;
    containers.forEach((c, index) => void this.runContainer(namespace, name, uid, index, c));
  }

  /** One container's life: pull (with back-off), start, crash-loop or become ready. */
  private async runContainer(namespace: string, pod: string, uid: string | undefined, index: number, container: Container): Promise<void> {
    const alive = () => !this.stopped && this.store.get(POD, namespace, pod)?.metadata.uid === uid;
    const setState = (change: (cs: Record<string, unknown>, status: Record<string, unknown>) => void) =>
      this.store.update('Pod', namespace, pod, (o) => {
        const status = (o.status ??= {});
        const statuses = status.containerStatuses as Array<Record<string, unknown>>;
        change(statuses[index]!, status);
        const allReady = statuses.every((s) => s.ready === true);
        setCondition(status, { type: 'ContainersReady', status: allReady ? 'True' : 'False', reason: allReady ? '' : 'ContainersNotReady', message: allReady ? '' : `containers with unready status: [${statuses.filter((s) => !s.ready).map((s) => s.name).join(' ')}]` });
        setCondition(status, { type: 'Ready', status: allReady ? 'True' : 'False', reason: allReady ? '' : 'ContainersNotReady', message: allReady ? '' : `containers with unready status: [${statuses.filter((s) => !s.ready).map((s) => s.name).join(' ')}]` });
      });
    await this.clock.sleep(this.options.pullMs);
    for (let attempt = 0; ; attempt++) {
      if (!alive()) return;
      const pulled = await this.puller.pull(container.image);
      if (!alive()) return;
      if (pulled.ok) {
        setState((cs) => (cs.imageID = `${container.image.split(':')[0]}@${pulled.digest}`));
        break;
      }
      setState((cs) => (cs.state = { waiting: { reason: 'ErrImagePull', message: pulled.message } }));
      await this.clock.sleep(Math.min(10_000, backoff(attempt) / 2));
      if (!alive()) return;
      setState((cs) => (cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } }));
      await this.clock.sleep(backoff(attempt));
    }
    const crash = this.options.crashes(container.image);
    for (let restarts = 0; ; restarts++) {
      if (!alive()) return;
      const startedAt = new Date().toISOString();
      setState((cs, status) => {
        cs.state = { running: { startedAt } };
        cs.started = true;
        status.phase = 'Running';
        status.podIP = `10.244.0.${(index + 2) % 250}`;
      });
      await this.clock.sleep(crash ? 1_000 : this.options.readyMs);
      if (!alive()) return;
      if (!crash) {
        setState((cs) => (cs.ready = true));
        return;
      }
      const terminated = { exitCode: crash.exitCode, reason: crash.reason, startedAt, finishedAt: new Date().toISOString(), containerID: `containerd://${randomBytes(8).toString('hex')}` };
      setState((cs) => {
        cs.lastState = { terminated };
        cs.restartCount = restarts + 1;
        cs.started = false;
        cs.ready = false;
        cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoff(restarts) / 1000)}s restarting failed container=${container.name} pod=${pod}_${namespace}(${uid})` } };
      });
      await this.clock.sleep(backoff(restarts));
    }
  }
}
