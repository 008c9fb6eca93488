import type { KubeObject } from './object-store.js';

/** kubectl rollout status's test: the controller saw this generation and every replica is updated and available. */
export function isRolledOut(workload: KubeObject): boolean {
  const status = (workload.status ?? {}) as Record<string, number | undefined>;
  const desired = Number(workload.spec?.replicas ?? 1);
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 1)) return false;
  return (status.updatedReplicas ?? 0) === desired && (status.replicas ?? 0) === desired && (status.availableReplicas ?? 0) === desired;
}
