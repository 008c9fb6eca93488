import { readRedisTarget, type RedisTarget } from './redis-target.js';
import { ConfigError } from '../errors.js';

/**
 * The one place that reads process.env (probot's read-env-options habit): everything else receives
 * typed options.
 */
export interface EnvOptions {
  /** ROLLBOT_CONFIG, when set; callers default to rollbot.yaml. */
  configPath?: string;
  redisUrl?: string;
  /** REDIS_URL, REDIS_SENTINELS (+ REDIS_SENTINEL_NAME) or REDIS_CLUSTER_NODES, checked. */
  redis?: RedisTarget;
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  port: number;
  /** HOST: the interface to listen on. Local mode defaults to 127.0.0.1; `rollbot bot` to every interface. */
  host?: string;
  workerConcurrency: number;
  logLevel: string;
  /** How long a job's lock lasts; a killed worker's job is picked up again after about this long. */
  jobLockMs: number;
  /** ROLLOUT_CONCURRENCY: rollout jobs at once per worker (batched rollouts mostly wait). */
  rolloutConcurrency?: number;
  /** ROLLBOT_BATCH=off: every rollout fetches and pushes alone. */
  batchRollouts: boolean;
  /** ROLLBOT_REPO_LEASE_MS: how long a killed worker keeps a repository's lease. */
  repoLeaseMs: number;
  /** Bull Board at /admin/queues is served only with these basic-auth credentials (or in local mode). */
  queueBoardUser?: string;
  queueBoardPassword?: string;
  /** Every variable, for secrets the config names by variable (registry.passwordEnv, github.tokenEnv…). */
  variables: Record<string, string | undefined>;
}

function intOr(raw: string | undefined, fallback: number, key: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`Environment variable ${key}='${raw}' is not a whole number; set it to e.g. ${fallback} or unset it.`);
  }
  return value;
}

export function readEnvOptions(env: NodeJS.ProcessEnv = process.env): EnvOptions {
  return {
    configPath: env.ROLLBOT_CONFIG || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redis: readRedisTarget(env),
    slackBotToken: env.SLACK_BOT_TOKEN || undefined,
    slackSigningSecret: env.SLACK_SIGNING_SECRET || undefined,
    slackAppToken: env.SLACK_APP_TOKEN || undefined,
    slackApiUrl: env.SLACK_API_URL || undefined,
    port: intOr(env.PORT, 3000, 'PORT'),
    host: env.HOST || undefined,
    workerConcurrency: intOr(env.WORKER_CONCURRENCY, 4, 'WORKER_CONCURRENCY'),
    logLevel: env.LOG_LEVEL || 'info',
    jobLockMs: intOr(env.ROLLBOT_JOB_LOCK_MS, 30_000, 'ROLLBOT_JOB_LOCK_MS'),
    rolloutConcurrency: env.ROLLOUT_CONCURRENCY ? intOr(env.ROLLOUT_CONCURRENCY, 64, 'ROLLOUT_CONCURRENCY') : undefined,
    batchRollouts: !/^(off|false|0|no)$/i.test(env.ROLLBOT_BATCH ?? ''),
    repoLeaseMs: intOr(env.ROLLBOT_REPO_LEASE_MS, 15_000, 'ROLLBOT_REPO_LEASE_MS'),
    queueBoardUser: env.QUEUE_BOARD_USER || undefined,
    queueBoardPassword: env.QUEUE_BOARD_PASSWORD || undefined,
    variables: { ...env },
  };
}
