import type { KubeObject } from './object-store.js';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

export const keyOf = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function splitKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export const statusOf = (o: KubeObject): Record<string, unknown> => (o.status ??= {});

/** The object asks for a reconcile: a new generation, or a requestedAt annotation not yet handled. */
export function wantsReconcile(o: KubeObject): boolean {
  const status = o.status ?? {};
  const requested = o.metadata.annotations?.[REQUESTED_AT];
  return o.metadata.generation !== status.observedGeneration || (requested !== undefined && requested !== status.lastHandledReconcileAt);
}

export const isSuspended = (o: KubeObject) => o.spec?.suspend === true;
