import type { App } from '@slack/bolt';
import type { Redis } from 'ioredis';
import { createBoltApp } from '../bot/bolt-app.js';
import { CommandRouter } from '../bot/command-router.js';
import { CatalogStore } from '../core/catalog/catalog-store.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import type { LoadedConfig } from '../core/config/load.js';
import { ConfigError } from '../core/errors.js';
import { ChannelBindings } from '../jobs/channel-bindings.js';
import { EventDedupe } from '../jobs/event-dedupe.js';
import { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { createRedisConnection } from '../jobs/redis-connection.js';

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
}

export interface RunningBot {
  app: App;
  port: number;
  redis: Redis;
  enqueuer: JobEnqueuer;
  stop(): Promise<void>;
}

/** `rollbot bot`: the Bolt app, acking and enqueuing; no git or YAML in this process. */
export async function startBot(options: BotProcessOptions): Promise<RunningBot> {
  if (!options.slackBotToken) throw new ConfigError('SLACK_BOT_TOKEN is not set. Set it to the Bot User OAuth Token (xoxb-…) of your Slack app.');
  if (!options.slackAppToken && !options.slackSigningSecret) {
    throw new ConfigError('Set SLACK_SIGNING_SECRET (HTTP mode, from the app\'s Basic Information page) or SLACK_APP_TOKEN (Socket Mode, xapp-…).');
  }
  const redis = createRedisConnection(options.redisUrl);
  const enqueuer = new JobEnqueuer(redis, options.queuePrefix);
  const router = new CommandRouter({
    config: options.config,
    enqueuer,
    bindings: new ChannelBindings(redis),
    catalogs: new CatalogStore(),
    locks: new DeployLocks(redis),
    audit: new AuditLog(redis),
    clock: options.clock ?? Date.now,
  });
  const app = createBoltApp({
    token: options.slackBotToken,
    signingSecret: options.slackSigningSecret,
    appToken: options.slackAppToken,
    slackApiUrl: options.slackApiUrl,
    router,
    dedupe: new EventDedupe(redis),
  });
  await app.start(options.port);
  return {
    app,
    port: options.port,
    redis,
    enqueuer,
    async stop() {
      await app.stop();
      await enqueuer.close();
      redis.disconnect();
    },
  };
}
