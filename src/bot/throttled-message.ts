import type { SlackMessage } from './render/block-kit.js';
import { rateLimitDelayMs, type CallBudget } from './slack-rate-limit.js';

export interface MessageTransport {
  post(message: SlackMessage): Promise<string>;
  update(ts: string, message: SlackMessage): Promise<void>;
}

export interface ThrottleOptions {
  /** Says how long to wait when a call failed for a rate limit (undefined: any other failure). */
  retryDelayMs?: (error: unknown) => number | undefined;
  /** Shared by every message of the process: edits wait for it (chat.update's Tier 3). */
  updateBudget?: CallBudget;
  /** How many rate-limited sends of one message are retried before giving up. Default 5. */
  maxRateLimitRetries?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One Slack message updated in place, at most once per interval (chat.update is Tier 3, ~50/min).
 * Only the newest content is kept while waiting, so the last state always wins; flush() sends it
 * now and waits. A send refused for a rate limit is not lost: unless something newer is waiting, the
 * same content is sent again once Retry-After has passed.
 */
export class ThrottledMessage {
  private pending: SlackMessage | null = null;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;
  private notBefore = 0;
  private rateLimitRetries = 0;
  private readonly retryDelayMs: (error: unknown) => number | undefined;

  constructor(
    private readonly transport: MessageTransport,
    private ts: string | undefined,
    private readonly minIntervalMs: number,
    private readonly onPosted: (ts: string) => void | Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
    private readonly options: ThrottleOptions = {},
  ) {
    this.retryDelayMs = options.retryDelayMs ?? rateLimitDelayMs;
  }

  /** The message's ts once it has been posted. */
  get postedTs(): string | undefined {
    return this.ts;
  }

  set(message: SlackMessage): void {
    this.pending = message;
    this.schedule();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight || this.pending) {
      if (this.inFlight) await this.inFlight;
      else {
        // Only a rate limit's Retry-After (and the shared edit budget) hold a flush back.
        const wait = Math.max(this.notBefore - this.now(), this.budgetWaitMs());
        if (wait > 0) await sleep(wait);
        this.sendNow();
      }
    }
  }

  private budgetWaitMs(): number {
    return this.ts && this.options.updateBudget ? this.options.updateBudget.waitMs() : 0;
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const now = this.now();
    const wait = Math.max(0, this.lastSentAt + this.minIntervalMs - now, this.notBefore - now, this.budgetWaitMs());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendNow();
    }, wait);
  }

  private sendNow(): void {
    const message = this.pending;
    if (!message) return;
    this.pending = null;
    this.inFlight = this.deliver(message)
      .then(() => {
        this.rateLimitRetries = 0;
      })
      .catch((error: unknown) => {
        const delay = this.retryDelayMs(error);
        if (delay !== undefined && this.rateLimitRetries < (this.options.maxRateLimitRetries ?? 5)) {
          this.rateLimitRetries += 1;
          this.notBefore = this.now() + delay;
          // The newest state wins; without one, the refused content goes again.
          this.pending ??= message;
          return;
        }
        this.onError(error);
      })
      .finally(() => {
        this.inFlight = null;
        this.lastSentAt = this.now();
        if (this.pending && !this.timer) this.schedule();
      });
  }

  private async deliver(message: SlackMessage): Promise<void> {
    if (this.ts) {
      this.options.updateBudget?.spend();
      return this.transport.update(this.ts, message);
    }
    this.ts = await this.transport.post(message);
    await this.onPosted(this.ts);
  }
}
