/** metav1.Condition, as Flux's controllers set them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** Sets one condition; lastTransitionTime moves only when the status does (as kstatus expects). */
export function setCondition(status: Record<string, unknown>, condition: Condition): void {
  const list = ((status.conditions as Condition[] | undefined) ?? []).slice();
  const index = list.findIndex((c) => c.type === condition.type);
  const previous = index >= 0 ? list[index] : undefined;
  const next = {
    ...condition,
    lastTransitionTime: previous && previous.status === condition.status ? previous.lastTransitionTime : new Date().toISOString(),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  // Ready first, as Flux orders them.
  list.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : 0));
  status.conditions = list;
}

export function removeCondition(status: Record<string, unknown>, type: string): void {
  status.conditions = ((status.conditions as Condition[] | undefined) ?? []).filter((c) => c.type !== type);
}
