import type { RedisClient } from '../redis-connection.js';
import type { ReleasePlan } from '../../core/release/release-plan.js';

/** What a release request remembers between clicks. Plain JSON, kept in Redis. */
export interface ApprovalRequest {
  id: string;
  env: string;
  service: string;
  requester: string;
  required: number;
  allowSelfApproval: boolean;
  /** Epoch ms after which votes are refused and the request is expired. */
  deadline: number;
  createdAt: number;
  channel: string;
  messageTs?: string;
  /** The prepared release (tags, commits, digest) as the summary showed it. */
  plan: ReleasePlan;
  /** A `/rollback` in a release-only environment goes through the same approval. */
  kind?: 'release' | 'rollback';
  /** The card's text instead of the release summary (rollbacks). */
  summary?: string;
  /** Requested with `--force` through a freeze by someone allowed to (checked by the bot). */
  force?: boolean;
}

/** What applying produced, shown on the card. */
export interface ApplyResult {
  commit?: string;
  branch?: string;
  unchanged?: boolean;
  pullRequest?: { number: number; url: string };
  ticket?: { key: string; url: string };
  /** After the apply: following it into the cluster, then live or not (mrkdwn, already escaped). */
  live?: { state: 'following' | 'live' | 'failed'; text: string };
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'applied' | 'failed';

export interface ApprovalState {
  request: ApprovalRequest;
  status: ApprovalStatus;
  votes: Array<{ user: string; at: number }>;
  rejectedBy?: string;
  reason?: string;
  statusAt?: number;
  result?: ApplyResult;
  error?: string;
}

/**
 * Outcome of one click, decided atomically in Redis: of many simultaneous clicks exactly one sees
 * 'approved' (and enqueues the apply).
 */
export type VoteOutcome = 'recorded' | 'approved' | 'duplicate' | 'self' | 'expired' | 'not_found' | `closed:${ApprovalStatus}`;

// KEYS[1] request hash, KEYS[2] votes hash, KEYS[3] pending set. ARGV: user, now, id.
const VOTE = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
if status ~= 'pending' then return 'closed:' .. status end
local now = tonumber(ARGV[2])
if now > tonumber(redis.call('HGET', KEYS[1], 'deadline')) then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'statusAt', ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
  return 'expired'
end
if redis.call('HGET', KEYS[1], 'requester') == ARGV[1] and redis.call('HGET', KEYS[1], 'allowSelf') ~= '1' then return 'self' end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 'duplicate' end
if redis.call('HLEN', KEYS[2]) >= tonumber(redis.call('HGET', KEYS[1], 'required')) then
  redis.call('HSET', KEYS[1], 'status', 'approved', 'statusAt', ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
  return 'approved'
end
return 'recorded'
`;

// KEYS[1] request hash, KEYS[2] pending set. ARGV: from-status list (comma separated), to-status, now, id, field, value...
const TRANSITION = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == status then allowed = true end end
if not allowed then return status end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'statusAt', ARGV[3])
if ARGV[2] ~= 'pending' then redis.call('SREM', KEYS[2], ARGV[4]) end
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 'ok'
`;

/** Release approvals in Redis; every change is one Lua script, so concurrent clicks cannot race. */
export class ApprovalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'rollbot:approval',
    private readonly ttlSeconds = 30 * 24 * 3600,
  ) {}

  private keys(id: string): [string, string] {
    return [`${this.prefix}:${id}`, `${this.prefix}:${id}:votes`];
  }

  private get pendingKey(): string {
    return `${this.prefix}s:pending`;
  }

  /** Requests waiting for votes (the approvals_pending metric). */
  async pendingCount(): Promise<number> {
    return this.redis.scard(this.pendingKey);
  }

  async create(request: ApprovalRequest): Promise<void> {
    const [key, votes] = this.keys(request.id);
    await this.redis
      .multi()
      .hset(key, {
        status: 'pending',
        request: JSON.stringify(request),
        requester: request.requester,
        required: String(request.required),
        allowSelf: request.allowSelfApproval ? '1' : '0',
        deadline: String(request.deadline),
      })
      .expire(key, this.ttlSeconds)
      .del(votes)
      .sadd(this.pendingKey, request.id)
      .exec();
  }

  /** Records part of the apply result (e.g. a ticket created before the push) without changing status. */
  async recordResult(id: string, result: ApplyResult): Promise<void> {
    await this.redis.hset(this.keys(id)[0], 'result', JSON.stringify(result));
  }

  async setMessage(id: string, channel: string, ts: string): Promise<void> {
    const [key] = this.keys(id);
    const current = await this.get(id);
    if (!current) return;
    await this.redis.hset(key, 'request', JSON.stringify({ ...current.request, channel, messageTs: ts }));
  }

  async vote(id: string, user: string, now: number): Promise<VoteOutcome> {
    const [key, votes] = this.keys(id);
    return (await this.redis.eval(VOTE, 3, key, votes, this.pendingKey, user, String(now), id)) as VoteOutcome;
  }

  /** Moves from one of `from` to `to`; returns false (and changes nothing) from any other status. */
  async transition(id: string, from: ApprovalStatus[], to: ApprovalStatus, now: number, fields: Record<string, string> = {}): Promise<boolean> {
    const [key] = this.keys(id);
    const args = Object.entries(fields).flat();
    return (await this.redis.eval(TRANSITION, 2, key, this.pendingKey, from.join(','), to, String(now), id, ...args)) === 'ok';
  }

  async get(id: string): Promise<ApprovalState | undefined> {
    const [key, votesKey] = this.keys(id);
    const [hash, votes] = await Promise.all([this.redis.hgetall(key), this.redis.hgetall(votesKey)]);
    if (!hash.request) return undefined;
    return {
      request: JSON.parse(hash.request) as ApprovalRequest,
      status: hash.status as ApprovalStatus,
      votes: Object.entries(votes)
        .map(([user, at]) => ({ user, at: Number(at) }))
        .sort((a, b) => a.at - b.at),
      rejectedBy: hash.rejectedBy,
      reason: hash.reason,
      statusAt: hash.statusAt ? Number(hash.statusAt) : undefined,
      result: hash.result ? (JSON.parse(hash.result) as ApplyResult) : undefined,
      error: hash.error,
    };
  }
}
