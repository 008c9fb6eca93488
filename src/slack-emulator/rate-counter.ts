/** How often one method was called for one channel. */
export interface CallRate {
  /** Calls in the 60 s before now. */
  lastMinute: number;
  /** Highest number of calls inside any 60 s window since recording began. */
  peakPerMinute: number;
  total: number;
}

const WINDOW_MS = 60_000;

/**
 * Counts calls per (method, channel), so tests can assert how often the bot
 * called. Enforcing Slack's limits (429 + Retry-After) is RateLimiter's job.
 */
export class RateCounter {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  record(method: string, channel: string, at: number): void {
    const key = `${method}\u0000${channel}`;
    const list = this.calls.get(key) ?? [];
    list.push(at);
    this.calls.set(key, list);
  }

  rate(method: string, channel: string): CallRate {
    const times = this.calls.get(`${method}\u0000${channel}`) ?? [];
    const now = this.nowMs();
    const lastMinute = times.filter((t) => t > now - WINDOW_MS).length;
    // Sliding window over the sorted timestamps: two pointers, O(n).
    let peak = 0;
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= WINDOW_MS) start += 1;
      peak = Math.max(peak, end - start + 1);
    }
    return { lastMinute, peakPerMinute: peak, total: times.length };
  }

  clear(): void {
    this.calls.clear();
  }
}
