import type { SlackMessage } from './render/block-kit.js';

export interface MessageTransport {
  post(message: SlackMessage): Promise<string>;
  update(ts: string, message: SlackMessage): Promise<void>;
}

/**
 * One Slack message updated in place, at most once per interval (chat.update is Tier 3, ~50/min).
 * Only the newest content is kept while waiting, so the last state always wins; flush() sends it
 * now and waits.
 */
export class ThrottledMessage {
  private pending: SlackMessage | null = null;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;

  constructor(
    private readonly transport: MessageTransport,
    private ts: string | undefined,
    private readonly minIntervalMs: number,
    private readonly onPosted: (ts: string) => void | Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

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
      else this.sendNow();
    }
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const wait = Math.max(0, this.lastSentAt + this.minIntervalMs - this.now());
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
      .catch(this.onError)
      .finally(() => {
        this.inFlight = null;
        this.lastSentAt = this.now();
        if (this.pending && !this.timer) this.schedule();
      });
  }

  private async deliver(message: SlackMessage): Promise<void> {
    if (this.ts) return this.transport.update(this.ts, message);
    this.ts = await this.transport.post(message);
    await this.onPosted(this.ts);
  }
}
