import { WebClient } from '@slack/web-api';
import { GitObjectStore } from '../core/flux/git-object-store.js';
import type { RedisClient } from '../jobs/redis-connection.js';
import { SlackJobReporting } from '../bot/slack-job-reporter.js';
import { engineFor } from './engine-factory.js';
import { environmentOf, type LoadedConfig } from '../core/config/load.js';
import { ConfigError } from '../core/errors.js';
import { openRedis } from '../jobs/redis-connection.js';
import type { RedisTarget } from '../core/config/redis-target.js';
import { redisTargetOf } from './redis-options.js';
import type { Logger } from './logger.js';
import { RollbotWorker } from '../jobs/rollbot-worker.js';
import { CatalogStore } from '../core/catalog/catalog-store.js';
import { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { rolloutProcessor } from '../jobs/rollout-processor.js';
import { RepoBatcher } from '../jobs/repo-batcher.js';
import { catalogProcessor } from '../jobs/catalog-processor.js';
import { fluxProcessor } from '../jobs/flux-processor.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { ApprovalStore } from '../jobs/release/approval-store.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import { releaseProcessor } from '../jobs/release/release-processor.js';
import { SlackApprovalPublisher } from '../bot/slack-approval-publisher.js';
import { releaseIntegrations } from './release-integrations.js';
import { gitCredentialsFor } from './git-access.js';
import { githubTokenSource } from './github-access.js';
import { useGitCredentials } from '../core/credentials/git-credentials.js';
import { redeployProcessor } from '../jobs/redeploy/redeploy-processor.js';
import { RedisRunStateStore } from '../jobs/redeploy/redis-run-state-store.js';
import { SlackRedeployNotifier } from '../bot/slack-redeploy-notifier.js';
import { FreezeGuard } from '../jobs/guard/freeze-guard.js';
import { FreezeStore } from '../jobs/guard/freeze-store.js';
import { historyProcessor } from '../jobs/history-processor.js';
import { rollbackProcessor } from '../jobs/rollback-processor.js';
import { lockProcessor } from '../jobs/lock-processor.js';
import { followProcessor } from '../jobs/follow/follow-processor.js';
import { statusProcessor } from '../jobs/status-processor.js';
import { noClusterPort } from './no-cluster-port.js';
import { lazyClusterPortFor } from './lazy-cluster-port.js';
import { CommitAncestry } from '../adapters/kubernetes/commit-ancestry.js';

export interface WorkerProcessOptions {
  config: LoadedConfig;
  /** One server's URL (tests, local mode) … */
  redisUrl?: string;
  /** … or Sentinel / Cluster, from the REDIS_* variables; wins over redisUrl. */
  redis?: RedisTarget;
  slackBotToken?: string;
  slackApiUrl?: string;
  concurrency: number;
  /** Rollout jobs at once (default max(concurrency, 64)): batched rollouts mostly wait for their batch. */
  rolloutConcurrency?: number;
  /** Apply a repository's waiting rollouts together, under a Redis lease (default true). */
  batchRollouts?: boolean;
  /** How long a killed worker keeps a repository's lease (default 15 s). */
  repoLeaseMs?: number;
  queuePrefix?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  minUpdateIntervalMs?: number;
  /**
   * Keep within Slack's rate limits by pacing (default true): chat.update 45 a minute for all progress
   * messages (Tier 3 is ~50), posts about one a second per channel. false only against an emulator
   * that enforces no limits.
   */
  slackPacing?: boolean;
  logger?: Logger;
  /** Variables holding secrets the config names (registry password, GitHub and Jira tokens). */
  variables?: Record<string, string | undefined>;
  clock?: () => number;
}

export interface RunningWorker {
  worker: RollbotWorker;
  redis: RedisClient;
  stop(): Promise<void>;
}

/** `rollbot worker`: runs jobs and reports them to Slack through the bot token. */
export async function startWorker(options: WorkerProcessOptions): Promise<RunningWorker> {
  if (!options.slackBotToken) throw new ConfigError('SLACK_BOT_TOKEN is not set. The worker posts progress with the same bot token as the bot.');
  const connections = openRedis(redisTargetOf(options), { queuePrefix: options.queuePrefix, onError: (error) => options.logger?.warn({ err: String(error) }, 'redis') });
  const redis = connections.stores;
  const client = new WebClient(options.slackBotToken, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  const catalogs = new CatalogStore();
  const engine = engineFor(options.config, catalogs);
  const queues = new JobEnqueuer(connections.queues, connections.queuePrefix);
  const clock = options.clock ?? Date.now;
  const locks = new DeployLocks(redis, undefined, clock);
  const batcher =
    options.batchRollouts === false
      ? undefined
      : new RepoBatcher({
          redis,
          engine,
          // Workers share batches: rollouts waiting here go to the repository's lease holder.
          environment: (name) => (options.config.environments[name] ? environmentOf(options.config, name) : undefined),
          leaseMs: options.repoLeaseMs,
          onBatch: (b) => options.logger?.info({ repo: b.repo, size: b.size, handedIn: b.handedIn, pushes: b.pushes, rejected: b.rejected, landed: b.landed }, 'rollout batch pushed'),
          onLeaseLost: (repo) => options.logger?.warn({ repo }, 'repository lease expired while held; git still refuses a stale push'),
        });
  const variables = options.variables ?? {};
  // One GitHub credential for the API and git, so an App's installation token is fetched once an hour.
  const githubTokens = githubTokenSource(options.config, variables);
  // Every git process of this worker (Flux, source and catalog repos) gets these credentials.
  useGitCredentials(gitCredentialsFor(options.config, variables, githubTokens));
  // The bot checked break-glass membership before queuing a forced job; workers only see freezes.
  const freezes = new FreezeGuard(new FreezeStore(redis));
  const audit = new AuditLog(redis);
  const follow = { engine, catalogEntry: catalogs.entry.bind(catalogs), enqueue: queues.enqueue.bind(queues), clock: options.clock };
  const ancestry = new CommitAncestry(options.config.dataDir);
  // The Kubernetes client is loaded only where an environment has a cluster, and only once a job
  // first talks to it (idle memory).
  const clusterFor = Object.values(options.config.environments).some((env) => env.cluster) ? lazyClusterPortFor(options.config) : noClusterPort;
  const approvals = new ApprovalStore(redis);
  const publisher = new SlackApprovalPublisher(client);
  const showOnApproval = async (id: string, live: { state: 'live' | 'failed'; text: string }) => {
    const state = await approvals.get(id);
    if (!state) return;
    await approvals.recordResult(id, { ...state.result, live });
    await publisher.refresh((await approvals.get(id))!);
  };
  const releaseDeps = {
    config: options.config,
    engine,
    catalogs,
    approvals,
    locks,
    audit,
    publisher,
    follow,
    enqueue: (data: Parameters<JobEnqueuer['enqueue']>[0] & { kind: 'release' }, key: string, delayMs?: number) => queues.enqueue(data, key, delayMs),
    secrets: variables,
    integrations: releaseIntegrations(options.config, variables, githubTokens),
    clock,
    freezes,
  };
  const worker = new RollbotWorker({
    connection: connections.queues,
    processors: {
      rollout: rolloutProcessor({ config: options.config, engine, locks, freezes, clock, batcher, follow }),
      status: statusProcessor({ config: options.config, engine, catalogEntry: catalogs.entry.bind(catalogs), clusterFor }),
      follow: followProcessor({ config: options.config, clusterFor, contains: (env, commit, sha) => ancestry.contains(env, commit, sha), clock: options.clock, showOnApproval }),
      catalog: catalogProcessor({ config: options.config, engine, catalogs, queue: () => queues.queue('catalog') }),
      flux: fluxProcessor({ config: options.config, catalogs }),
      release: releaseProcessor(releaseDeps),
      history: historyProcessor({ config: options.config, engine }),
      rollback: rollbackProcessor(releaseDeps),
      lock: lockProcessor({ locks, audit, clock }),
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
      ...(options.slackPacing === false ? { updatesPerMinute: Number.MAX_SAFE_INTEGER, pacePosts: false } : {}),
      onError: (error) => options.logger?.warn({ err: String(error) }, 'could not update Slack'),
    }),
    concurrency: options.concurrency,
    concurrencyOf: { rollout: options.rolloutConcurrency ?? Math.max(options.concurrency, 64) },
    prefix: connections.queuePrefix,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    logger: options.logger,
  }).start();
  return {
    worker,
    redis,
    async stop() {
      await worker.close();
      await batcher?.close();
      await queues.close();
      connections.disconnect();
      GitObjectStore.closeAll(); // the clones' long-lived git processes
    },
  };
}
