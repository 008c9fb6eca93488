import type { Condition, ContainerView, HelmReleaseView, KustomizationView, PodView, SourceView, WorkloadView } from '../../core/cluster/cluster-port.js';
import type { WatchedObject } from './list-watch.js';

/** Raw API objects to the core's views; only the fields following needs. */
type Raw = WatchedObject & { metadata: WatchedObject['metadata'] & { generation?: number }; spec?: any; status?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- API objects are untyped JSON here

const conditionOf = (o: Raw, type: string): Condition | undefined => {
  const found = (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
  return found ? { type: found.type, status: found.status, reason: found.reason ?? '', message: found.message ?? '' } : undefined;
};
const refOf = (o: Raw) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name });

export function sourceView(o: Raw): SourceView {
  return { ref: refOf(o), revision: o.status?.artifact?.revision, ready: conditionOf(o, 'Ready'), lastHandledReconcileAt: o.status?.lastHandledReconcileAt };
}

export function kustomizationView(o: Raw): KustomizationView {
  const ref = o.spec?.sourceRef ?? {};
  return {
    ref: refOf(o),
    sourceRef: { kind: ref.kind ?? 'GitRepository', name: ref.name, namespace: ref.namespace ?? o.metadata.namespace ?? '' },
    lastAppliedRevision: o.status?.lastAppliedRevision,
    lastAttemptedRevision: o.status?.lastAttemptedRevision,
    ready: conditionOf(o, 'Ready'),
    lastHandledReconcileAt: o.status?.lastHandledReconcileAt,
  };
}

export function helmReleaseView(o: Raw): HelmReleaseView {
  const latest = o.status?.history?.[0];
  return {
    ref: refOf(o),
    generation: o.metadata.generation ?? 0,
    observedGeneration: o.status?.observedGeneration,
    ready: conditionOf(o, 'Ready'),
    latest: latest ? { version: latest.version, status: latest.status } : undefined,
    lastAttemptedConfigDigest: o.status?.lastAttemptedConfigDigest,
    targetNamespace: o.spec?.targetNamespace ?? o.metadata.namespace ?? '',
  };
}

export function workloadView(kind: 'Deployment' | 'StatefulSet', o: Raw): WorkloadView {
  const status = o.status ?? {};
  return {
    kind,
    ref: refOf(o),
    generation: o.metadata.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
    desired: o.spec?.replicas ?? 1,
    total: status.replicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    available: status.availableReplicas ?? (kind === 'StatefulSet' ? (status.readyReplicas ?? 0) : 0),
    images: ((o.spec?.template?.spec?.containers ?? []) as Array<{ image: string }>).map((c) => c.image),
    progressing: conditionOf(o, 'Progressing'),
    selector: o.spec?.selector?.matchLabels ?? {},
  };
}

export function podView(o: Raw): PodView {
  const statuses = (o.status?.containerStatuses ?? []) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw JSON
  const containers: ContainerView[] = ((o.spec?.containers ?? []) as Array<{ name: string; image: string }>).map((c) => {
    const s = statuses.find((x) => x.name === c.name) ?? {};
    const terminated = s.lastState?.terminated;
    return {
      name: c.name,
      image: c.image,
      ready: s.ready === true,
      waiting: s.state?.waiting ? { reason: s.state.waiting.reason, message: s.state.waiting.message } : undefined,
      lastTerminated: terminated ? { reason: terminated.reason ?? 'Error', exitCode: terminated.exitCode ?? 0 } : undefined,
      restartCount: s.restartCount ?? 0,
    };
  });
  const ready = (o.status?.conditions as Condition[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return { name: o.metadata.name, ready, containers };
}
