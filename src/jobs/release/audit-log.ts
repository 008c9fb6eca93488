import type { RedisClient } from '../redis-connection.js';

export type AuditType =
  | 'release.requested'
  | 'release.vote'
  | 'release.approved'
  | 'release.rejected'
  | 'release.expired'
  | 'release.applied'
  | 'release.failed'
  | 'lock'
  | 'unlock'
  | 'rollout'
  | 'rollback'
  | 'rollback.requested'
  | 'freeze'
  | 'unfreeze'
  | 'freeze.forced'
  | 'lock.expired';

export interface AuditEntry {
  type: AuditType;
  who: string;
  env?: string;
  service?: string;
  detail?: string;
  jobId?: string;
  at: number;
}

/** An append-only Redis stream of who did what, when (trimmed to the newest ~10,000 entries). */
export class AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly key = 'rollbot:audit',
    private readonly maxLength = 10_000,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    const fields = Object.entries(entry).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
    await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLength), '*', ...fields);
  }

  /** Newest first, optionally only one service's entries. */
  async latest(limit = 20, service?: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let end = '+';
    while (out.length < limit) {
      const batch = (await this.redis.xrevrange(this.key, end, '-', 'COUNT', 200)) as Array<[string, string[]]>;
      if (batch.length === 0) break;
      for (const [id, fields] of batch) {
        const obj: Record<string, string> = {};
        for (let i = 0; i < fields.length; i += 2) obj[fields[i]!] = fields[i + 1]!;
        const entry = { ...obj, at: Number(obj.at) } as unknown as AuditEntry;
        if (!service || entry.service === service) out.push(entry);
        if (out.length >= limit) break;
        end = `(${id}`;
      }
      if (batch.length < 200) break;
    }
    return out;
  }
}
