import { createServer, type RequestListener, type Server } from 'node:http';
import type { App } from '@slack/bolt';
import express from 'express';
import type { RedisClient } from '../jobs/redis-connection.js';
import { WebClient } from '@slack/web-api';
import { createBoltApp, SLACK_EVENTS_PATH } from '../bot/bolt-app.js';
import { ApproverDirectory } from '../bot/approver-directory.js';
import { SlackGroupMembership } from '../bot/slack-group-membership.js';
import { EnvironmentAccess } from '../core/permissions/environment-access.js';
import { SlackApprovalPublisher } from '../bot/slack-approval-publisher.js';
import { ApprovalStore } from '../jobs/release/approval-store.js';
import { RedisRunStateStore } from '../jobs/redeploy/redis-run-state-store.js';
import { CommandRouter } from '../bot/command-router.js';
import { CatalogStore } from '../core/catalog/catalog-store.js';
import type { LoadedConfig } from '../core/config/load.js';
import { ConfigError, portInUse } from '../core/errors.js';
import { ChannelBindings } from '../jobs/channel-bindings.js';
import { EventDedupe } from '../jobs/event-dedupe.js';
import { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { duplicateConnection, openRedis } from '../jobs/redis-connection.js';
import { ChangeFeed } from '../jobs/change-feed.js';
import type { RedisTarget } from '../core/config/redis-target.js';
import { redisTargetOf } from './redis-options.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { JobMetricsCollector } from '../ops/job-metrics.js';
import { RollbotMetrics } from '../ops/metrics.js';
import { mountOpsRoutes, type OpsOptions } from '../ops/ops-routes.js';
import { FreezeGuard } from '../jobs/guard/freeze-guard.js';
import { FreezeStore } from '../jobs/guard/freeze-store.js';
import { createLogger, type Logger } from './logger.js';
import { pullRequestLookup } from './github-access.js';

export interface BotProcessOptions {
  config: LoadedConfig;
  /** One server's URL (tests, local mode) … */
  redisUrl?: string;
  /** … or Sentinel / Cluster, from the REDIS_* variables; wins over redisUrl. */
  redis?: RedisTarget;
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  port: number;
  /** Interface for /slack/events and the ops endpoints; every interface when unset (containers). */
  host?: string;
  queuePrefix?: string;
  clock?: () => number;
  logger?: Logger;
  queueBoard?: OpsOptions['queueBoard'];
  /** Variables holding secrets the config names (the GitHub token for PR lookups); default process.env. */
  variables?: Record<string, string | undefined>;
}

export interface RunningBot {
  app: App;
  port: number;
  redis: RedisClient;
  enqueuer: JobEnqueuer;
  metrics: RollbotMetrics;
  stop(): Promise<void>;
}

/** `rollbot bot`: the Bolt app (acking and enqueuing; no git or YAML here) plus the ops endpoints. */
export async function startBot(options: BotProcessOptions): Promise<RunningBot> {
  if (!options.slackBotToken) throw new ConfigError('SLACK_BOT_TOKEN is not set. Set it to the Bot User OAuth Token (xoxb-…) of your Slack app.');
  if (!options.slackAppToken && !options.slackSigningSecret) {
    throw new ConfigError("Set SLACK_SIGNING_SECRET (HTTP mode, from the app's Basic Information page) or SLACK_APP_TOKEN (Socket Mode, xapp-…).");
  }
  const log = options.logger ?? createLogger('silent');
  const connections = openRedis(redisTargetOf(options), { queuePrefix: options.queuePrefix, onError: (error) => log.warn({ err: String(error) }, 'redis') });
  const redis = connections.stores;
  const enqueuer = new JobEnqueuer(connections.queues, connections.queuePrefix, connections.confirmWrites);
  // Bindings and locks answer the ack path from memory; writers in any process invalidate them.
  const feed = new ChangeFeed(redis, duplicateConnection(redis));
  await feed.start();
  const approvals = new ApprovalStore(redis);
  const metrics = new RollbotMetrics({ pendingApprovals: () => approvals.pendingCount() });
  const client = new WebClient(options.slackBotToken, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  const jobMetrics = new JobMetricsCollector(metrics, enqueuer, connections.queues, connections.queuePrefix).start();

  const web = express();
  mountOpsRoutes(web, { metrics, redis, enqueuer, queueBoard: options.queueBoard, beforeScrape: () => jobMetrics.poll() });

  const clock = options.clock ?? Date.now;
  // One membership cache for approvers, rolloutBy/releaseBy and break-glass, on the bot's clock.
  const membership = new SlackGroupMembership(client, 60_000, clock);
  const approvers = new ApproverDirectory(membership);
  const freezeStore = new FreezeStore(redis, feed);
  const router = new CommandRouter({
    config: options.config,
    enqueuer,
    bindings: new ChannelBindings(redis, feed),
    catalogs: new CatalogStore(),
    locks: new DeployLocks(redis, feed, clock),
    audit: new AuditLog(redis),
    approvals,
    approvers,
    access: new EnvironmentAccess(membership),
    publisher: new SlackApprovalPublisher(client),
    runs: new RedisRunStateStore(redis),
    pulls: pullRequestLookup(options.config, options.variables ?? process.env),
    freezes: new FreezeGuard(freezeStore, approvers),
    freezeStore,
    clock,
  });
  const { app, slackRequests } = createBoltApp({
    token: options.slackBotToken,
    signingSecret: options.slackSigningSecret,
    appToken: options.slackAppToken,
    slackApiUrl: options.slackApiUrl,
    router,
    dedupe: new EventDedupe(redis),
    onRequest: (event) => {
      metrics.commands.inc({ kind: event.kind, source: event.source });
      log.info(event, 'command received');
    },
  });

  let server: Server | undefined;
  const listen = { port: options.port, ...(options.host ? { host: options.host } : {}) };
  // Slack's requests go straight to Bolt's receiver, everything else (/healthz, /metrics…) to express.
  const handler = slackRequests ? slackThenOps(slackRequests, web, () => metrics.ackSeconds.startTimer()) : web;
  try {
    if (options.slackAppToken) await app.start();
    server = await new Promise<Server>((resolve, reject) => {
      const started = createServer(handler).listen(listen, () => resolve(started)).once('error', reject);
    });
  } catch (error) {
    if (options.slackAppToken) await app.stop().catch(() => undefined);
    await jobMetrics.close();
    await enqueuer.close();
    redis.disconnect();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(options.port);
    throw error;
  }
  return {
    app,
    port: options.port,
    redis,
    enqueuer,
    metrics,
    async stop() {
      if (options.slackAppToken) await app.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await jobMetrics.close();
      await enqueuer.close();
      feed.stop();
      connections.disconnect();
    },
  };
}

/** Dispatches by path: Slack's endpoint to its listener (timed for the ack metric), the rest to `other`. */
function slackThenOps(slack: RequestListener, other: RequestListener, startTimer: () => () => void): RequestListener {
  return (req, res) => {
    const path = req.url?.split('?')[0];
    if (path !== SLACK_EVENTS_PATH) return other(req, res);
    const end = startTimer();
    res.on('finish', () => end());
    return slack(req, res);
  };
}
