/** One queue per job kind, so slow kinds cannot starve fast ones and each has its own concurrency. */
export const QUEUE_NAMES = {
  rollout: 'rollbot-rollout',
  catalog: 'rollbot-catalog',
  flux: 'rollbot-flux',
  release: 'rollbot-release',
  redeploy: 'rollbot-redeploy',
  history: 'rollbot-history',
  rollback: 'rollbot-rollback',
  lock: 'rollbot-lock',
  follow: 'rollbot-follow',
  status: 'rollbot-status',
} as const;

export const DEFAULT_PREFIX = 'rollbot';
