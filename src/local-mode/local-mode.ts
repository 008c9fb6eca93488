import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EnvOptions } from '../core/config/env-options.js';
import { loadConfig } from '../core/config/load.js';
import { ensureDemoEnvironment } from '../demo/demo-environment.js';
import { startBot, type RunningBot } from '../runtime/bot-process.js';
import { startWorker, type RunningWorker } from '../runtime/worker-process.js';
import { SlackUserClient, SlackWebApiEmulator } from '../slack-emulator/index.js';
import { ConsoleServer } from '../console/console-server.js';
import { freePort, RedisProcess } from './redis-process.js';
import { startDemoRegistry } from './demo-registry.js';
import { startDemoGitHub } from './demo-github.js';
import type { GitHubEmulator } from '../github-emulator/index.js';
import { startDemoCluster } from './demo-cluster.js';
import type { KubeEmulator } from '../kube-emulator/index.js';

export const LOCAL_SIGNING_SECRET = 'rollbot-local-signing-secret';
export const LOCAL_BOT_TOKEN = 'xoxb-rollbot-local';

export const LOOPBACK = '127.0.0.1';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Printed when HOST opens local mode beyond this machine. */
export function openHostWarning(host: string): string {
  return [
    `⚠️  HOST=${host}: the console and the operations port listen beyond this machine.`,
    '   Anyone who can reach them can act as any user in the console (roll out, approve releases)',
    '   and use Bull Board (/admin/queues) without a password. Use this only on a network you trust.',
  ].join('\n');
}

export interface LocalModeOptions {
  /** Where the demo environment, clones and Redis data live. */
  home: string;
  /** The console (and `rollbot say`) listens here. */
  port: number;
  /**
   * Interface for the console and the operations port: 127.0.0.1 unless HOST says otherwise, because
   * the console lets anyone act as any user and Bull Board is open without a password.
   */
  host?: string;
  /** Use this config instead of the demo's. */
  configPath?: string;
  redisUrl?: string;
  log?: (line: string) => void;
}

export interface LocalMode {
  consoleUrl: string;
  /** Where the console and the operations port listen. */
  host: string;
  consolePort: number;
  botPort: number;
  emulator: SlackWebApiEmulator;
  /** The emulated GitHub holding the demo's pull requests (absent with a config of your own). */
  github?: GitHubEmulator;
  user: SlackUserClient;
  bot: RunningBot;
  worker: RunningWorker;
  redisUrl: string;
  /** The demo's emulated rdebug cluster. */
  cluster?: KubeEmulator;
  stop(): Promise<void>;
}

/**
 * Everything in one process, with nothing external: a private redis-server (unless REDIS_URL is
 * set), the Slack emulator, the real bot over HTTP, a worker, a demo environment and the console.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const home = resolve(options.home);
  await mkdir(home, { recursive: true });
  // The registry port is chosen once, when the demo is made, and kept in its config.
  const demo = options.configPath ? undefined : await ensureDemoEnvironment(join(home, 'demo'), { registryPort: await freePort() });
  const configPath = options.configPath ?? demo!.configPath;
  const config = loadConfig(configPath);
  const registry = demo ? await startDemoRegistry(demo, log) : undefined;
  // The demo's source repos get their PRs on an emulated GitHub, so `/rollout papi` finds them.
  const github = demo ? await startDemoGitHub(demo, config) : undefined;
  if (github) log(`GitHub emulator on ${github.emulator.baseUrl} (acme/<service>: alice has PR #41, bob #42 and draft #43)`);
  const cluster = demo && registry ? await startDemoCluster(demo, registry, log) : undefined;

  let redis: RedisProcess | undefined;
  let redisUrl = options.redisUrl;
  if (!redisUrl) {
    await mkdir(join(home, 'redis'), { recursive: true });
    redis = await new RedisProcess().start({ dataDir: join(home, 'redis') });
    redisUrl = redis.url;
    log(`redis-server started on ${redisUrl} (data in ${join(home, 'redis')})`);
  }

  const emulator = new SlackWebApiEmulator({ token: LOCAL_BOT_TOKEN, users: { U_ALICE: 'alice', U_BOB: 'bob' } });
  await emulator.start();
  const host = options.host ?? LOOPBACK;
  if (!isLoopback(host)) log(openHostWarning(host));
  const botPort = await freePort();
  const bot = await startBot({
    config,
    redisUrl,
    slackBotToken: LOCAL_BOT_TOKEN,
    slackSigningSecret: LOCAL_SIGNING_SECRET,
    slackApiUrl: emulator.apiUrl,
    port: botPort,
    host,
    queueBoard: { open: true },
    variables: { ...process.env, ...github?.variables },
  });
  const worker = await startWorker({
    config,
    redisUrl,
    slackBotToken: LOCAL_BOT_TOKEN,
    slackApiUrl: emulator.apiUrl,
    concurrency: 4,
    minUpdateIntervalMs: 250,
    // The demo redeploy's health check asks the bot's own /healthz.
    variables: { DEMO_HEALTH_URL: `http://127.0.0.1:${botPort}/healthz`, ...github?.variables },
  });
  const user = new SlackUserClient({ botUrl: `http://127.0.0.1:${botPort}/slack/events`, signingSecret: LOCAL_SIGNING_SECRET, emulator });
  const consoleServer = new ConsoleServer({ emulator, user });
  await consoleServer.start(options.port, host);
  const consoleUrl = `http://localhost:${consoleServer.port}`;
  log(`rollbot local mode: config ${configPath}`);
  log(`console: ${consoleUrl}`);
  log(`operations: http://localhost:${botPort}/admin/queues · /metrics · /healthz · /readyz`);

  return {
    consoleUrl,
    host,
    consolePort: consoleServer.port,
    botPort,
    emulator,
    github: github?.emulator,
    user,
    bot,
    worker,
    redisUrl,
    cluster,
    async stop() {
      await consoleServer.stop();
      await worker.stop();
      await bot.stop();
      await emulator.stop();
      await cluster?.stop();
      await registry?.stop();
      await github?.stop();
      await redis?.stop();
    },
  };
}
