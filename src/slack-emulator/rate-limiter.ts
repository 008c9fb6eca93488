/**
 * Slack's Web API rate limits, enforced: a call past its allowance answers HTTP 429 with
 * `{"ok":false,"error":"ratelimited"}` and a Retry-After header in seconds
 * (https://api.slack.com/docs/rate-limits: "Slack will return a HTTP 429 Too Many Requests error ...
 * and a Retry-After HTTP header containing the number of seconds until you can retry").
 *
 * Each rule allows `limit` calls in any sliding `windowMs`; refused calls do not use up allowance,
 * so a client that waits Retry-After gets through.
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
  /** 'channel': one allowance per channel (chat.postMessage); 'workspace': one per app and workspace. */
  scope: 'channel' | 'workspace';
}

export type RateLimitTable = Readonly<Record<string, RateLimitRule>>;

/** https://api.slack.com/docs/rate-limits, tiers in calls per minute: Tier 2 20+, Tier 3 50+, Tier 4 100+. */
const tier = (perMinute: number): RateLimitRule => ({ limit: perMinute, windowMs: 60_000, scope: 'workspace' });

/**
 * What real Slack allows, per method (tiers from each method's page on https://api.slack.com/methods and
 * Slack's java-slack-sdk MethodsRateLimits). chat.postMessage is special: "generally allows posting one
 * message per second per channel ... Short bursts >1 allowed" (https://api.slack.com/docs/rate-limits);
 * the burst size is not documented, so 5 in any 5 s, which averages 1 a second. Its workspace-wide cap
 * has no published number and is not enforced.
 */
export const SLACK_RATE_LIMITS: RateLimitTable = {
  'chat.postMessage': { limit: 5, windowMs: 5_000, scope: 'channel' },
  // https://api.slack.com/methods/chat.update: Tier 3, shared by every message the app edits.
  'chat.update': tier(50),
  'chat.delete': tier(50),
  'chat.postEphemeral': tier(100),
  'chat.getPermalink': tier(600),
  'views.open': tier(100),
  'views.push': tier(100),
  'views.update': tier(100),
  'conversations.history': tier(50),
  'conversations.replies': tier(50),
  'conversations.info': tier(50),
  'users.info': tier(100),
  'usergroups.users.list': tier(20),
};

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the call would be allowed (Retry-After); only when refused. */
  retryAfterSec?: number;
}

export class RateLimiter {
  private readonly history = new Map<string, number[]>();

  constructor(
    private readonly rules: RateLimitTable,
    private readonly nowMs: () => number,
  ) {}

  /** Counts the call if allowed; otherwise says how long to wait. */
  attempt(method: string, channel: string | undefined): RateDecision {
    const rule = this.rules[method];
    if (!rule) return { allowed: true };
    const key = rule.scope === 'channel' ? `${method}\u0000${channel ?? ''}` : method;
    const now = this.nowMs();
    const times = (this.history.get(key) ?? []).filter((t) => t > now - rule.windowMs);
    this.history.set(key, times);
    if (times.length < rule.limit) {
      times.push(now);
      return { allowed: true };
    }
    // The window frees a slot when its oldest call ages out.
    const waitMs = times[0]! + rule.windowMs - now;
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  clear(): void {
    this.history.clear();
  }
}
