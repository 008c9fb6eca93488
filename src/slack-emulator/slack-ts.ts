/**
 * Mints message timestamps the way Slack formats them ("1700000000.000100").
 * A Slack ts is a message's identity within a channel, so every ts minted here
 * is unique and strictly increasing, even for several messages in the same
 * microsecond. Always six fractional digits, so string order equals time order.
 */
export class SlackTsClock {
  private lastMicros = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  next(): string {
    // Date.now() in microseconds stays well below 2^53, so plain numbers are exact.
    const micros = Math.max(this.lastMicros + 1, Math.floor(this.nowMs()) * 1000);
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}
