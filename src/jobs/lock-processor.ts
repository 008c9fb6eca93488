import { formatDuration, utcText } from '../core/guard/duration.js';
import { StepTracker } from '../core/progress.js';
import type { LockJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import type { AuditLog } from './release/audit-log.js';
import type { DeployLocks } from './release/deploy-locks.js';

/**
 * A timed lock's end: a delayed job (kept in Redis, so it fires after restarts too) removes the lock
 * if it is still the same one, audits it and says so in the channel where it was taken.
 */
export function lockProcessor(deps: { locks: DeployLocks; audit: AuditLog; clock: () => number }): JobProcessor<LockJobData> {
  return async (data, _attempt, reporter) => {
    const lock = await deps.locks.getRaw(data.env);
    // Unlocked by hand, or locked again since: this expiry is not for the lock there now.
    if (!lock || lock.holder !== data.holder || lock.since !== data.since) return { expired: false };
    if (!(await deps.locks.releaseIfSame(data.env, data.holder, data.since))) return { expired: false };
    const now = deps.clock();
    await deps.audit.append({ type: 'lock.expired', who: 'rollbot', env: data.env, detail: `held by ${lock.holder} since ${utcText(lock.since)}`, at: now });
    const steps = new StepTracker(`Lock on ${data.env} expired`, [['unlock', 'Unlock']], reporter, deps.clock);
    await steps.run('unlock', async () => undefined, () => `held by <@${lock.holder}> since ${utcText(lock.since)}`);
    await reporter.succeed(
      `🔓 The lock <@${lock.holder}> took on \`${data.env}\`${lock.reason ? ` (${lock.reason})` : ''} ended after ${formatDuration((lock.until ?? now) - lock.since)}. Rollouts, releases and rollbacks are open to everyone again.`,
    );
    return { expired: true };
  };
}
