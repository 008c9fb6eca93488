import { parseAllDocuments } from 'yaml';
import type { ObjectRef, WatchTarget } from './cluster-port.js';

export interface FollowTargetInput {
  service: string;
  /** The edited file's text. */
  fileText: string;
  /** From the catalog, when it knows the service. */
  catalog?: { namespace?: string; helmRelease?: string };
  /** The other YAML files of the edited file's folder: a values file's HelmRelease is usually there. */
  siblings?: string[];
}

/**
 * What runs the service, from the edited manifest: the HelmRelease named after the service (or the
 * catalog's), a values file's HelmRelease (from the catalog), or a Deployment/StatefulSet in the file.
 */
export function followTargetOf(input: FollowTargetInput): { helmRelease?: ObjectRef; workload?: WatchTarget['workload'] } {
  const docs = documents(input.fileText);
  const wanted = input.catalog?.helmRelease ?? input.service;
  const hr = docs.find((d) => d.kind === 'HelmRelease' && d.metadata?.name === wanted) ?? docs.find((d) => d.kind === 'HelmRelease');
  if (hr?.metadata?.name) return { helmRelease: { name: hr.metadata.name, namespace: hr.metadata.namespace ?? input.catalog?.namespace ?? 'default' } };
  const workload = docs.find((d) => (d.kind === 'Deployment' || d.kind === 'StatefulSet') && d.metadata?.name);
  if (workload) {
    return { workload: { kind: workload.kind as 'Deployment' | 'StatefulSet', name: workload.metadata!.name!, namespace: workload.metadata!.namespace ?? input.catalog?.namespace ?? 'default' } };
  }
  // A values file: the HelmRelease that reads it, next to it or named by the catalog.
  const near = (input.siblings ?? []).flatMap(documents).find((d) => d.kind === 'HelmRelease' && d.metadata?.name === wanted);
  const namespace = near?.metadata?.namespace ?? input.catalog?.namespace ?? kustomizeNamespace(input.siblings ?? []) ?? 'default';
  return { helmRelease: { name: wanted, namespace } };
}

/** A kustomization.yaml's `namespace:` among the files. */
function kustomizeNamespace(texts: string[]): string | undefined {
  for (const doc of texts.flatMap(documents)) {
    const ns = (doc as { namespace?: unknown }).namespace;
    if ((doc.kind === 'Kustomization' || doc.kind === undefined) && typeof ns === 'string') return ns;
  }
  return undefined;
}

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string } };

function documents(text: string): Doc[] {
  return parseAllDocuments(text)
    .filter((d) => d.errors.length === 0)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((d): d is Doc => d !== null && typeof d === 'object');
}
