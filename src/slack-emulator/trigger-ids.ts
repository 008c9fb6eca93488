import { randomBytes } from 'node:crypto';

/** Why views.open/views.push refused a trigger_id; these are Slack's own error codes. */
export type TriggerError = 'invalid_trigger_id' | 'expired_trigger_id' | 'trigger_exchanged';

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

/**
 * trigger_ids handed out with simulated interactions. Slack lets an app open a
 * modal only with a trigger_id it received less than 3 seconds ago, once. An
 * app that does slow work before views.open fails in production, so the
 * emulator enforces the same window instead of accepting anything.
 */
export class TriggerRegistry {
  private readonly triggers = new Map<string, Trigger>();
  private counter = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A fresh id in Slack's format ("12345.67890.abcdef..."). */
  mint(user: string): string {
    this.counter += 1;
    const id = `${this.counter}.${this.nowMs()}.${randomBytes(16).toString('hex')}`;
    this.register(id, user);
    return id;
  }

  /**
   * Makes a caller-chosen id valid (used when a retry must resend an identical
   * body). Registering a known id again keeps its original issue time and use,
   * just as a Slack retry carries the already-spent trigger_id.
   */
  register(id: string, user: string): void {
    if (this.triggers.has(id)) return;
    this.triggers.set(id, { user, issuedAt: this.nowMs(), used: false });
  }

  /** Validates and consumes a trigger; answers the user it belongs to. */
  exchange(id: unknown): { user: string } | { error: TriggerError } {
    const trigger = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!trigger) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'trigger_exchanged' };
    if (this.nowMs() - trigger.issuedAt > this.ttlMs) return { error: 'expired_trigger_id' };
    trigger.used = true;
    return { user: trigger.user };
  }

  clear(): void {
    this.triggers.clear();
  }
}
