/**
 * What the core needs from a Kubernetes cluster running Flux, in its own terms. The adapter
 * (src/adapters/kubernetes) implements it with watches; the core never sees a Kubernetes client.
 */
export interface ObjectRef {
  namespace: string;
  name: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export interface SourceView {
  ref: ObjectRef;
  /** `main@sha1:<commit>` */
  revision?: string;
  ready?: Condition;
  lastHandledReconcileAt?: string;
}

export interface KustomizationView {
  ref: ObjectRef;
  sourceRef: ObjectRef & { kind: string };
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  ready?: Condition;
  lastHandledReconcileAt?: string;
}

export interface HelmReleaseView {
  ref: ObjectRef;
  generation: number;
  observedGeneration?: number;
  ready?: Condition;
  /** The newest release in the history. */
  latest?: { version: number; status: string };
  /** Digest of the values helm-controller last attempted (`status.lastAttemptedConfigDigest`), set when an attempt starts. */
  lastAttemptedConfigDigest?: string;
  /** Where its workloads run (spec.targetNamespace or its own). */
  targetNamespace: string;
}

export interface WorkloadView {
  kind: 'Deployment' | 'StatefulSet';
  ref: ObjectRef;
  generation: number;
  observedGeneration: number;
  desired: number;
  total: number;
  updated: number;
  available: number;
  images: string[];
  /** Deployments: the Progressing condition (ProgressDeadlineExceeded lives here). */
  progressing?: Condition;
  selector: Record<string, string>;
}

export interface ContainerView {
  name: string;
  image: string;
  ready: boolean;
  waiting?: { reason: string; message?: string };
  lastTerminated?: { reason: string; exitCode: number };
  restartCount: number;
}

export interface PodView {
  name: string;
  ready: boolean;
  containers: ContainerView[];
}

export type ClusterEvent =
  | { kind: 'source'; view: SourceView }
  | { kind: 'kustomization'; view: KustomizationView }
  | { kind: 'helmrelease'; view: HelmReleaseView | null }
  | { kind: 'workloads'; views: WorkloadView[] }
  | { kind: 'pods'; workload: string; pods: PodView[] }
  /** fatal: the cluster refused (RBAC, credentials); otherwise the adapter is reconnecting. */
  | { kind: 'error'; message: string; fatal: boolean };

export interface WatchTarget {
  kustomization: ObjectRef;
  /** The HelmRelease that runs the service, when its image is set through one. */
  helmRelease?: ObjectRef;
  /** Otherwise the workload named in the edited manifest. */
  workload?: ObjectRef & { kind: 'Deployment' | 'StatefulSet' };
}

export interface ClusterWatch {
  stop(): void;
  /** Watch requests this watch has made so far (for the bench: watches, not polls). */
  readonly requests: number;
}

/** One read of everything a target involves (for `/status`). */
export interface ClusterSnapshot {
  kustomization?: KustomizationView;
  source?: SourceView;
  helmRelease?: HelmReleaseView | null;
  workloads: WorkloadView[];
  /** Pods by workload name. */
  pods: Record<string, PodView[]>;
}

export interface ClusterPort {
  /** Reads the target's objects once (get and list, no watch). */
  read(target: WatchTarget): Promise<ClusterSnapshot>;
  /** Reads a Kustomization (e.g. to learn its source); undefined when it does not exist. */
  getKustomization(ref: ObjectRef): Promise<KustomizationView | undefined>;
  /** Sets `reconcile.fluxcd.io/requestedAt` to `at` on the object (a merge patch of one annotation). */
  requestReconcile(kind: 'GitRepository' | 'Kustomization', ref: ObjectRef, at: string): Promise<void>;
  /** Streams the state of everything the target involves until stopped. */
  watch(target: WatchTarget, source: ObjectRef, onEvent: (event: ClusterEvent) => void): ClusterWatch;
}
