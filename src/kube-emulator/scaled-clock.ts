/**
 * Cluster time runs `scale` times faster than wall time, so Flux's minute-long intervals and
 * Kubernetes' back-offs pass in a test's seconds. Durations are given in cluster milliseconds.
 */
export class ScaledClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly scale = 1) {
    if (!(scale > 0)) throw new Error('the clock scale must be a positive number');
  }

  /** Runs `fn` after `clusterMs` of cluster time. */
  after(clusterMs: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, clusterMs / this.scale));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  sleep(clusterMs: number): Promise<void> {
    return new Promise((resolve) => this.after(clusterMs, resolve));
  }

  stopAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Flux's Go durations: `1m`, `10m0s`, `30s`, `1h30m`, `500ms`. */
export function parseGoDuration(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0];
  }
  return matched === text && total > 0 ? total : fallbackMs;
}
