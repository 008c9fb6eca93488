import type { RateLimitState } from './types.js';

/**
 * GitHub's primary rate limit, per caller: 5,000 requests an hour with a token, 60 without.
 * Every answer carries the x-ratelimit-* headers; at zero GitHub answers 403 until the reset.
 */
export class RateLimits {
  private readonly windows = new Map<string, RateLimitState>();

  constructor(private readonly nowMs: () => number) {}

  /** Sets a caller's window, e.g. `{ remaining: 0 }` to see a rate-limited GitHub. */
  set(caller: string, state: Partial<RateLimitState>): void {
    this.windows.set(caller, { ...this.current(caller), ...state });
  }

  current(caller: string): RateLimitState {
    const nowSec = Math.floor(this.nowMs() / 1000);
    const window = this.windows.get(caller);
    if (window && window.reset > nowSec) return window;
    const limit = caller === 'anonymous' ? 60 : 5000;
    const fresh = { limit, remaining: limit, reset: nowSec + 3600 };
    this.windows.set(caller, fresh);
    return fresh;
  }

  /** Counts one request; false when the caller has none left. */
  take(caller: string): { allowed: boolean; headers: Record<string, string> } {
    const window = this.current(caller);
    const allowed = window.remaining > 0;
    if (allowed) window.remaining -= 1;
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(window.limit),
        'x-ratelimit-remaining': String(window.remaining),
        'x-ratelimit-reset': String(window.reset),
        'x-ratelimit-used': String(window.limit - window.remaining),
        'x-ratelimit-resource': 'core',
      },
    };
  }
}
