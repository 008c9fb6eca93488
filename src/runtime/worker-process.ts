import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { SlackJobReporting } from '../bot/slack-job-reporter.js';
import { engineFor } from './engine-factory.js';
import type { LoadedConfig } from '../core/config/load.js';
import { ConfigError } from '../core/errors.js';
import { createRedisConnection } from '../jobs/redis-connection.js';
import type { Logger } from './logger.js';
import { RollbotWorker } from '../jobs/rollbot-worker.js';
import { CatalogStore } from '../core/catalog/catalog-store.js';
import { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { rolloutProcessor } from '../jobs/rollout-processor.js';
import { catalogProcessor } from '../jobs/catalog-processor.js';
import { fluxProcessor } from '../jobs/flux-processor.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { ApprovalStore } from '../jobs/release/approval-store.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import { releaseProcessor } from '../jobs/release/release-processor.js';
import { SlackApprovalPublisher } from '../bot/slack-approval-publisher.js';
import { releaseIntegrations } from './release-integrations.js';
import { redeployProcessor } from '../jobs/redeploy/redeploy-processor.js';
import { RedisRunStateStore } from '../jobs/redeploy/redis-run-state-store.js';
import { SlackRedeployNotifier } from '../bot/slack-redeploy-notifier.js';
import { followProcessor } from '../jobs/follow/follow-processor.js';
import { statusProcessor } from '../jobs/status-processor.js';
import { clusterPortFor } from './cluster-ports.js';
import { CommitAncestry } from '../adapters/kubernetes/commit-ancestry.js';

export interface WorkerProcessOptions {
  config: LoadedConfig;
  redisUrl: string;
  slackBotToken?: string;
  slackApiUrl?: string;
  concurrency: number;
  queuePrefix?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  minUpdateIntervalMs?: number;
  logger?: Logger;
  /** Variables holding secrets the config names (registry password, GitHub and Jira tokens). */
  variables?: Record<string, string | undefined>;
  clock?: () => number;
}

export interface RunningWorker {
  worker: RollbotWorker;
  redis: Redis;
  stop(): Promise<void>;
}

/** `rollbot worker`: runs jobs and reports them to Slack through the bot token. */
export async function startWorker(options: WorkerProcessOptions): Promise<RunningWorker> {
  if (!options.slackBotToken) throw new ConfigError('SLACK_BOT_TOKEN is not set. The worker posts progress with the same bot token as the bot.');
  const redis = createRedisConnection(options.redisUrl);
  const client = new WebClient(options.slackBotToken, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  const catalogs = new CatalogStore();
  const engine = engineFor(options.config, catalogs);
  const queues = new JobEnqueuer(redis, options.queuePrefix);
  const locks = new DeployLocks(redis);
  const variables = options.variables ?? {};
  const follow = { engine, catalogEntry: catalogs.entry.bind(catalogs), enqueue: queues.enqueue.bind(queues), clock: options.clock };
  const ancestry = new CommitAncestry(options.config.dataDir);
  const clusterFor = clusterPortFor(options.config);
  const approvals = new ApprovalStore(redis);
  const publisher = new SlackApprovalPublisher(client);
  const showOnApproval = async (id: string, live: { state: 'live' | 'failed'; text: string }) => {
    const state = await approvals.get(id);
    if (!state) return;
    await approvals.recordResult(id, { ...state.result, live });
    await publisher.refresh((await approvals.get(id))!);
  };
  const worker = new RollbotWorker({
    connection: redis,
    processors: {
      rollout: rolloutProcessor({ config: options.config, engine, locks, follow }),
      status: statusProcessor({ config: options.config, engine, catalogEntry: catalogs.entry.bind(catalogs), clusterFor }),
      follow: followProcessor({ config: options.config, clusterFor, contains: (env, commit, sha) => ancestry.contains(env, commit, sha), clock: options.clock, showOnApproval }),
      catalog: catalogProcessor({ config: options.config, engine, catalogs, queue: () => queues.queue('catalog') }),
      flux: fluxProcessor({ config: options.config, catalogs }),
      release: releaseProcessor({
        config: options.config,
        engine,
        catalogs,
        approvals,
        locks,
        audit: new AuditLog(redis),
        publisher,
        follow,
        enqueue: (data, key, delayMs) => queues.enqueue(data, key, delayMs),
        secrets: variables,
        integrations: releaseIntegrations(options.config, variables),
        clock: options.clock ?? Date.now,
      }),
      redeploy: redeployProcessor({
        config: options.config,
        store: new RedisRunStateStore(redis),
        notifierFor: (env) =>
          env.redeploy?.notifyChannel || env.redeploy?.webhookUrl ? new SlackRedeployNotifier(client, env.redeploy.notifyChannel, env.redeploy.webhookUrl) : undefined,
        variables,
        clock: options.clock,
        clusterFor,
      }),
    },
    reporting: new SlackJobReporting(client, {
      minUpdateIntervalMs: options.minUpdateIntervalMs,
      onError: (error) => options.logger?.warn({ err: String(error) }, 'could not update Slack'),
    }),
    concurrency: options.concurrency,
    prefix: options.queuePrefix,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    logger: options.logger,
  }).start();
  return {
    worker,
    redis,
    async stop() {
      await worker.close();
      await queues.close();
      redis.disconnect();
    },
  };
}
