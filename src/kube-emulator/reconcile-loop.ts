import type { ScaledClock } from './scaled-clock.js';

/**
 * One controller's work queue: each object reconciles at most once at a time, a request during a
 * run queues one more run, and every object is requeued after its interval (cluster time).
 */
export class ReconcileLoop {
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, () => void>();
  private stopped = false;

  constructor(
    private readonly clock: ScaledClock,
    private readonly work: (key: string) => Promise<number | undefined>,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Reconcile `key` soon. */
  enqueue(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.timers.get(key)?.();
    this.timers.delete(key);
    this.running.add(key);
    setImmediate(() => void this.run(key));
  }

  forget(key: string): void {
    this.timers.get(key)?.();
    this.timers.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private async run(key: string): Promise<void> {
    let requeueMs: number | undefined;
    try {
      requeueMs = await this.work(key);
    } catch (error) {
      this.onError(key, error);
      requeueMs = 30_000;
    }
    this.running.delete(key);
    if (this.stopped) return;
    if (this.again.delete(key)) return this.enqueue(key);
    if (requeueMs !== undefined) this.timers.set(key, this.clock.after(requeueMs, () => this.enqueue(key)));
  }
}
