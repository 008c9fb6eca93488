/**
 * Recognises a Slack rate limit in a rejected WebClient call and says how long to wait.
 *
 * @slack/web-api (8.x) answers a 429 in one of two ways (see its WebClient `makeRequest`): with
 * `rejectRateLimitedCalls: true` it rejects at once with a WebAPIRateLimitedError
 * (`code: 'slack_webapi_rate_limited_error'`, `retryAfter` in seconds); by default it waits
 * Retry-After itself, retries up to 10 times, and only then rejects with a plain Error
 * "A rate limit was exceeded (url: …, retry-after: N)" that has no code.
 */
export function rateLimitDelayMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; retryAfter?: unknown; message?: unknown };
  if (e.code === 'slack_webapi_rate_limited_error') return Math.max(1, Number(e.retryAfter) || 1) * 1000;
  const match = typeof e.message === 'string' ? /rate limit was exceeded.*retry-after: (\d+)/i.exec(e.message) : null;
  return match ? Math.max(1, Number(match[1])) * 1000 : undefined;
}

/**
 * chat.update is Tier 3: about 50 a minute for the whole app and workspace, shared by every message
 * it edits (https://api.slack.com/methods/chat.update, https://api.slack.com/docs/rate-limits). One
 * budget per worker paces all live progress messages under that, so a dozen running jobs wait their
 * turn instead of drawing 429s (which pause the WebClient's whole queue, posts included).
 */
export class CallBudget {
  private readonly times: number[] = [];

  constructor(
    private readonly limit = 45,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until a call may be made (0: now). */
  waitMs(): number {
    const now = this.now();
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
    return this.times.length < this.limit ? 0 : this.times[0]! + this.windowMs - now;
  }

  /** Counts a call made now. */
  spend(): void {
    this.times.push(this.now());
  }

  /** Waits for a slot, then counts the call. */
  async take(): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await new Promise((resolve) => setTimeout(resolve, wait));
    this.spend();
  }
}

/**
 * chat.postMessage "generally allows posting one message per second per channel ... Short bursts >1
 * allowed" (https://api.slack.com/docs/rate-limits). A job's thread replies (one per redeploy phase)
 * come in bursts, so posts into one channel are paced: 4 in any 5 s, which averages under one a second.
 */
export class ChannelPostPacer {
  private readonly budgets = new Map<string, CallBudget>();

  constructor(
    private readonly limit = 4,
    private readonly windowMs = 5000,
  ) {}

  take(channel: string): Promise<void> {
    let budget = this.budgets.get(channel);
    if (!budget) {
      budget = new CallBudget(this.limit, this.windowMs);
      this.budgets.set(channel, budget);
    }
    return budget.take();
  }
}
