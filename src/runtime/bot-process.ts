import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import express from 'express';
import type { Redis } from 'ioredis';
import { WebClient } from '@slack/web-api';
import { createBoltApp } from '../bot/bolt-app.js';
import { ApproverDirectory } from '../bot/approver-directory.js';
import { SlackApprovalPublisher } from '../bot/slack-approval-publisher.js';
import { ApprovalStore } from '../jobs/release/approval-store.js';
import { RedisRunStateStore } from '../jobs/redeploy/redis-run-state-store.js';
import { CommandRouter } from '../bot/command-router.js';
import { CatalogStore } from '../core/catalog/catalog-store.js';
import type { LoadedConfig } from '../core/config/load.js';
import { ConfigError } from '../core/errors.js';
import { ChannelBindings } from '../jobs/channel-bindings.js';
import { EventDedupe } from '../jobs/event-dedupe.js';
import { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { createRedisConnection } from '../jobs/redis-connection.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { JobMetricsCollector } from '../ops/job-metrics.js';
import { RollbotMetrics } from '../ops/metrics.js';
import { mountOpsRoutes, type OpsOptions } from '../ops/ops-routes.js';
import { FreezeGuard } from '../jobs/guard/freeze-guard.js';
import { FreezeStore } from '../jobs/guard/freeze-store.js';
import { createLogger, type Logger } from './logger.js';

export interface BotProcessOptions {
  config: LoadedConfig;
  redisUrl: string;
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  port: number;
  queuePrefix?: string;
  clock?: () => number;
  logger?: Logger;
  queueBoard?: OpsOptions['queueBoard'];
}

export interface RunningBot {
  app: App;
  port: number;
  redis: Redis;
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
  const redis = createRedisConnection(options.redisUrl);
  const enqueuer = new JobEnqueuer(redis, options.queuePrefix);
  const approvals = new ApprovalStore(redis);
  const metrics = new RollbotMetrics({ pendingApprovals: () => approvals.pendingCount() });
  const client = new WebClient(options.slackBotToken, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  const jobMetrics = new JobMetricsCollector(metrics, enqueuer, redis, options.queuePrefix).start();

  const web = express();
  web.use('/slack/events', (_req, res, next) => {
    const end = metrics.ackSeconds.startTimer();
    res.on('finish', () => end());
    next();
  });
  mountOpsRoutes(web, { metrics, redis, enqueuer, queueBoard: options.queueBoard });

  const clock = options.clock ?? Date.now;
  const approvers = new ApproverDirectory(client);
  const freezeStore = new FreezeStore(redis);
  const router = new CommandRouter({
    config: options.config,
    enqueuer,
    bindings: new ChannelBindings(redis),
    catalogs: new CatalogStore(),
    locks: new DeployLocks(redis, undefined, clock),
    audit: new AuditLog(redis),
    approvals,
    approvers,
    publisher: new SlackApprovalPublisher(client),
    runs: new RedisRunStateStore(redis),
    freezes: new FreezeGuard(freezeStore, approvers),
    freezeStore,
    clock,
  });
  const app = createBoltApp({
    token: options.slackBotToken,
    signingSecret: options.slackSigningSecret,
    appToken: options.slackAppToken,
    slackApiUrl: options.slackApiUrl,
    router,
    dedupe: new EventDedupe(redis),
    expressApp: web,
    onRequest: (event) => {
      metrics.commands.inc({ kind: event.kind, source: event.source });
      log.info(event, 'command received');
    },
  });

  let opsServer: Server | undefined;
  if (options.slackAppToken) {
    await app.start();
    opsServer = await new Promise<Server>((resolve) => {
      const server = web.listen(options.port, () => resolve(server));
    });
  } else {
    await app.start(options.port);
  }
  return {
    app,
    port: options.port,
    redis,
    enqueuer,
    metrics,
    async stop() {
      await app.stop();
      await new Promise<void>((resolve) => (opsServer ? opsServer.close(() => resolve()) : resolve()));
      await jobMetrics.close();
      await enqueuer.close();
      redis.disconnect();
    },
  };
}
