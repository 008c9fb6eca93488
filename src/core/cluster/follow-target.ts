import { parseAllDocuments } from 'yaml';
import type { ObjectRef, WatchTarget } from './cluster-port.js';

export interface FollowTargetInput {
  service: string;
  /** The edited file's text. */
  fileText: string;
  /** From the catalog, when it knows the service. */
  catalog?: { namespace?: string; helmRelease?: string };
}

/**
 * What runs the service, from the edited manifest: the HelmRelease named after the service (or the
 * catalog's), a values file's HelmRelease (from the catalog), or a Deployment/StatefulSet in the file.
 */
export function followTargetOf(input: FollowTargetInput): { helmRelease?: ObjectRef; workload?: WatchTarget['workload'] } {
  const docs = parseAllDocuments(input.fileText)
    .filter((d) => d.errors.length === 0)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((d): d is { kind?: string; metadata?: { name?: string; namespace?: string } } => d !== null && typeof d === 'object');
  const wanted = input.catalog?.helmRelease ?? input.service;
  const hr = docs.find((d) => d.kind === 'HelmRelease' && d.metadata?.name === wanted) ?? docs.find((d) => d.kind === 'HelmRelease');
  if (hr?.metadata?.name) return { helmRelease: { name: hr.metadata.name, namespace: hr.metadata.namespace ?? input.catalog?.namespace ?? 'default' } };
  const workload = docs.find((d) => (d.kind === 'Deployment' || d.kind === 'StatefulSet') && d.metadata?.name);
  if (workload) {
    return { workload: { kind: workload.kind as 'Deployment' | 'StatefulSet', name: workload.metadata!.name!, namespace: workload.metadata!.namespace ?? input.catalog?.namespace ?? 'default' } };
  }
  // A values file: the HelmRelease that reads it.
  return { helmRelease: { name: wanted, namespace: input.catalog?.namespace ?? 'default' } };
}
