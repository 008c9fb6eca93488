import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type LoadedConfig } from '../../src/core/config/load.js';
import type { RedisTarget } from '../../src/core/config/redis-target.js';
import { freePort, RedisProcess } from '../../src/local-mode/redis-process.js';
import { startBot, type RunningBot } from '../../src/runtime/bot-process.js';
import { startWorker, type RunningWorker } from '../../src/runtime/worker-process.js';
import { SlackUserClient, SlackWebApiEmulator, SocketModeEmulator } from '../../src/slack-emulator/index.js';
import type { RecordedMessage } from '../../src/slack-emulator/types.js';
import { startReleaseFixture, type ReleaseFixture } from './release-fixture.js';
import { BareRepo, createSourceRepo, fluxKustomization, helmRelease, helmReleaseWithValuesFrom, removeDir, tempDir, valuesFile } from './git-fixtures.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test';

export interface HarnessOptions {
  /** Start a worker in this process (most tests); the crash test runs its own worker process. */
  worker?: boolean;
  extraConfig?: Record<string, unknown>;
  /** Extra keys for every environment (e.g. kubeconfig). */
  envConfig?: Record<string, unknown>;
  /** Write seed 003's example catalog and point both environments at it. */
  catalog?: boolean;
  /** Release environments (live, live2, livepr) with a real registry, fake GitHub and Jira. */
  release?: boolean;
  /** More environments, by name (a function when they need the harness's paths). */
  environments?: Record<string, Record<string, unknown>> | ((paths: { root: string; sourceRepo: string; release?: ReleaseFixture }) => Record<string, Record<string, unknown>>);
  /** Variables the worker sees (secrets, pipeline inputs). */
  workerVariables?: Record<string, string | undefined>;
  /** Variables the bot sees (the GitHub token for PR lookups). */
  botVariables?: Record<string, string | undefined>;
  /** Run the bot in Socket Mode (an app-level token) instead of HTTP. */
  socketMode?: boolean;
  /** Sentinel or Cluster the test started, instead of a private redis-server. */
  redisTarget?: RedisTarget;
  /** More keys for the release environment `live` (e.g. its cluster). */
  liveEnvConfig?: Record<string, unknown>;
  /** The Flux repo's files instead of the default layout (e.g. one a cluster emulator reconciles). */
  fluxFiles?: Record<string, string>;
}

/** Seed 003's catalog, pointing at the harness's Flux layout. */
export function seedCatalog(fluxRepo: string) {
  return {
    version: '1.0',
    generatedFrom: { cluster: 'rdebug-61', fluxRepo, generatedAt: '2026-01-24T10:30:00Z' },
    services: {
      papi: { description: 'Platform API - core backend service', namespace: 'runwhen-local', fluxPath: 'clusters/rdebug/apps/papi/', helmRelease: 'papi', kustomization: 'apps-papi' },
      frontend: { description: 'Web frontend application', namespace: 'runwhen-local', fluxPath: 'clusters/rdebug/apps/frontend/', helmRelease: 'frontend', kustomization: 'apps-frontend' },
      runner: { description: 'Task runner service', namespace: 'runwhen-local', fluxPath: 'clusters/rdebug/apps/runner/', helmRelease: 'runner', kustomization: 'apps-runner' },
    },
  };
}

/**
 * Everything real but Slack: redis-server, BullMQ, git bare repos, the Bolt app over HTTP, the
 * worker; Slack itself is the emulator at its HTTP boundary.
 */
export class BotHarness {
  root!: string;
  redis?: RedisProcess;
  redisTarget?: RedisTarget;
  emulator!: SlackWebApiEmulator;
  flux!: BareRepo;
  prHeads!: Record<number, string>;
  configPath!: string;
  config!: LoadedConfig;
  bot!: RunningBot;
  worker?: RunningWorker;
  user!: SlackUserClient;
  release?: ReleaseFixture;
  sourceMain: string[] = [];
  workerVariables: Record<string, string | undefined> = {};
  botVariables: Record<string, string | undefined> = {};
  socket?: SocketModeEmulator;
  botPort = 0;
  /** The bot's clock; tests move it forward to pass deadlines. */
  clockOffsetMs = 0;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get botUrl(): string {
    return `http://127.0.0.1:${this.botPort}`;
  }

  static async start(options: HarnessOptions = {}): Promise<BotHarness> {
    const h = new BotHarness();
    h.root = await tempDir('rollbot-e2e-');
    h.redisTarget = options.redisTarget;
    if (!h.redisTarget) h.redis = await new RedisProcess().start();
    // Slack's rate limits are off here: these suites are about flows, and a 429 would only make the
    // WebClient wait. test/slack-emulator.strict.test.ts and test/bot.rate-limits.test.ts test them.
    h.emulator = new SlackWebApiEmulator({ token: BOT_TOKEN, rateLimits: false });
    await h.emulator.start();
    if (options.socketMode) {
      h.socket = new SocketModeEmulator('xapp-test');
      await h.socket.start();
      h.emulator.attachSocketMode(h.socket);
    }
    h.flux = await BareRepo.create(h.root, options.fluxFiles ?? {
      'clusters/rdebug/apps/papi/values.yaml': valuesFile('papi', 'ps-1-0000000'),
      'clusters/rdebug/apps/papi/helmrelease.yaml': helmReleaseWithValuesFrom('papi', 'runwhen-local'),
      'clusters/rdebug/apps/frontend/helmrelease.yaml': helmRelease('frontend', 'ps-1-0000000'),
      'clusters/rdebug/flux/apps.yaml': fluxKustomization('apps-papi', './clusters/rdebug/apps/papi'),
    });
    const papiSource = await createSourceRepo(h.root, 'papi', { 42: 2, 43: 1 });
    h.prHeads = papiSource.heads;
    h.sourceMain = papiSource.main;
    if (options.release) h.release = await startReleaseFixture(h.root, h.emulator, h.flux, papiSource.main);
    await createSourceRepo(h.root, 'frontend', { 7: 1 });
    h.configPath = join(h.root, 'rollbot.yaml');
    const catalog = options.catalog ? { catalog: join(h.root, 'services-catalog.json') } : {};
    if (options.catalog) await writeFile(join(h.root, 'services-catalog.json'), JSON.stringify(seedCatalog(h.flux.url), null, 2));
    const perEnv = { ...catalog, ...options.envConfig };
    await writeFile(
      h.configPath,
      stringify({
        dataDir: join(h.root, 'data'),
        environments: {
          rdebug: { fluxGitRepo: h.flux.url, sourceRepo: join(h.root, '{service}.git'), kustomization: 'apps', ...perEnv },
          prod: { fluxGitRepo: h.flux.url, sourceRepo: join(h.root, '{service}.git'), readOnly: true, ...perEnv },
          ...(h.release?.environments(h.flux.url, join(h.root, '{service}.git'), options.liveEnvConfig) ?? {}),
          ...Object.fromEntries(Object.entries(typeof options.environments === 'function' ? options.environments({ root: h.root, sourceRepo: join(h.root, '{service}.git'), release: h.release }) : (options.environments ?? {})).map(([name, env]) => [name, { fluxGitRepo: h.flux.url, ...env }])),
        },
        ...(h.release?.topLevelConfig ?? {}),
        ...options.extraConfig,
      }),
    );
    h.config = loadConfig(h.configPath);
    h.workerVariables = options.workerVariables ?? {};
    h.botVariables = options.botVariables ?? {};
    await h.startBot();
    if (options.worker !== false) await h.startWorker();
    return h;
  }

  async startBot(): Promise<void> {
    this.botPort = await freePort();
    this.bot = await startBot({
      config: this.config,
      redisUrl: this.redis?.url,
      redis: this.redisTarget,
      slackBotToken: BOT_TOKEN,
      slackSigningSecret: this.socket ? undefined : SIGNING_SECRET,
      slackAppToken: this.socket?.appToken,
      slackApiUrl: this.emulator.apiUrl,
      port: this.botPort,
      queueBoard: { user: 'ops', password: 'board-secret' },
      clock: () => this.now(),
      variables: this.botVariables,
    });
    this.user = new SlackUserClient({ botUrl: `http://127.0.0.1:${this.botPort}/slack/events`, signingSecret: SIGNING_SECRET, emulator: this.emulator });
  }

  async startWorker(): Promise<void> {
    this.worker = await startWorker({
      config: this.config,
      redisUrl: this.redis?.url,
      redis: this.redisTarget,
      slackBotToken: BOT_TOKEN,
      slackApiUrl: this.emulator.apiUrl,
      concurrency: 4,
      minUpdateIntervalMs: 200,
      // The emulator's limits are off here (see start()), so the worker's own pacing is too.
      slackPacing: false,
      variables: { ...this.release?.variables, ...this.workerVariables },
    });
  }

  /** Environment variables for a `rollbot worker` child process against this harness. */
  workerEnv(): Record<string, string> {
    return {
      ROLLBOT_CONFIG: this.configPath,
      REDIS_URL: this.redis!.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: this.emulator.apiUrl,
      ROLLBOT_JOB_LOCK_MS: '1500',
    };
  }

  botMessages(channel: string): RecordedMessage[] {
    return this.emulator.messages(channel).filter((m) => m.source !== 'user');
  }

  /** Waits for a bot message in the channel whose current text matches. */
  async waitForMessage(channel: string, pattern: RegExp, timeoutMs = 20_000): Promise<RecordedMessage> {
    return this.emulator.waitFor(() => this.botMessages(channel).find((m) => pattern.test(messageText(m))), timeoutMs);
  }

  async queuedJobCount(kind: 'rollout' | 'catalog' | 'flux' | 'release' | 'redeploy' | 'follow' = 'rollout'): Promise<number> {
    const counts = await this.bot.enqueuer.queue(kind).getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.bot?.stop();
    await this.emulator?.stop();
    await this.socket?.stop();
    await this.release?.stop();
    await this.redis?.dispose();
    if (this.root) await removeDir(this.root);
  }
}

/**
 * Everything a person would read in a message: fallback text plus every text in its blocks, with
 * Slack's `&lt;` `&gt;` `&amp;` shown as the characters they stand for (as Slack shows them).
 */
export function messageText(m: { text?: string; blocks?: unknown[] }): string {
  const parts: string[] = [m.text ?? ''];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') parts.push(value);
        else visit(value);
      }
    }
  };
  visit(m.blocks);
  return parts.join('\n').replace(/&(amp|lt|gt);/g, (_m, e: string) => (e === 'amp' ? '&' : e === 'lt' ? '<' : '>'));
}
