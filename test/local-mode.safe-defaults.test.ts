import { writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startLocalMode, type LocalMode } from '../src/local-mode/local-mode.js';
import { ConsoleServer } from '../src/console/console-server.js';
import { createServer } from 'node:net';
import { loadConfig } from '../src/core/config/load.js';
import { freePort, RedisProcess } from '../src/local-mode/redis-process.js';
import { startBot } from '../src/runtime/bot-process.js';
import { SlackUserClient, SlackWebApiEmulator } from '../src/slack-emulator/index.js';
import { removeDir, tempDir } from './support/git-fixtures.js';

/** This machine's first address that is not loopback: what someone else on the network would reach. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

let root: string;
let configPath: string;
beforeAll(async () => {
  root = await tempDir('rollbot-safe-');
  configPath = join(root, 'rollbot.yaml');
  await writeFile(configPath, stringify({ dataDir: join(root, 'data'), environments: { dev: { fluxGitRepo: join(root, 'flux.git') } } }));
});
afterAll(async () => {
  if (root) await removeDir(root);
});

async function withLocalMode(host: string | undefined, check: (local: LocalMode, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const local = await startLocalMode({ home: join(root, `home-${host ?? 'default'}`), port: 0, host, configPath, log: (l) => log.push(l) });
  try {
    await check(local, log);
  } finally {
    await local.stop();
  }
}

describe('local mode listens on loopback unless HOST opens it', () => {
  it('by default the console and the operations port answer on 127.0.0.1 only, and nothing warns', async () => {
    await withLocalMode(undefined, async (local, log) => {
      expect(local.host).toBe('127.0.0.1');
      expect(await answers(`http://127.0.0.1:${local.consolePort}/console/config`)).toBe(true);
      expect(await answers(`http://127.0.0.1:${local.botPort}/healthz`)).toBe(true);
      if (outsideAddress) {
        expect(await answers(`http://${outsideAddress}:${local.consolePort}/console/config`)).toBe(false);
        expect(await answers(`http://${outsideAddress}:${local.botPort}/healthz`)).toBe(false);
      }
      expect(log.join('\n')).not.toMatch(/HOST=/);
    });
  }, 30_000);

  it('HOST=0.0.0.0 opens both, with a warning that the console lets anyone act as any user and Bull Board is open', async () => {
    await withLocalMode('0.0.0.0', async (local, log) => {
      expect(local.host).toBe('0.0.0.0');
      const warning = log.join('\n');
      expect(warning).toContain('HOST=0.0.0.0: the console and the operations port listen beyond this machine.');
      expect(warning).toContain('act as any user in the console');
      expect(warning).toContain('Bull Board (/admin/queues) without a password');
      if (outsideAddress) {
        expect(await answers(`http://${outsideAddress}:${local.consolePort}/console/config`)).toBe(true);
        expect(await answers(`http://${outsideAddress}:${local.botPort}/healthz`)).toBe(true);
      }
    });
  }, 30_000);

  it('a console port already in use is a sentence saying what to do', async () => {
    const emulator = new SlackWebApiEmulator({ token: 'xoxb-t' });
    await emulator.start();
    const user = new SlackUserClient({ botUrl: 'http://127.0.0.1:9/slack/events', signingSecret: 's', emulator });
    const first = new ConsoleServer({ emulator, user, bindChannels: false });
    const second = new ConsoleServer({ emulator, user, bindChannels: false });
    try {
      const port = await freePort();
      await first.start(port);
      await expect(second.start(port)).rejects.toMatchObject({
        code: 'setup_problem',
        userMessage: `Port ${port} is in use. Stop whatever uses it, or start with PORT=<another port>.`,
      });
    } finally {
      await second.stop();
      await first.stop();
      await emulator.stop();
    }
  });

  it('the console tells the person when the bot cannot be reached, in words', async () => {
    const emulator = new SlackWebApiEmulator({ token: 'xoxb-t' });
    await emulator.start();
    const deadBot = await freePort();
    const user = new SlackUserClient({ botUrl: `http://127.0.0.1:${deadBot}/slack/events`, signingSecret: 's', emulator });
    const consoleServer = new ConsoleServer({ emulator, user, bindChannels: false });
    try {
      await consoleServer.start(0);
      const response = await fetch(`http://127.0.0.1:${consoleServer.port}/console/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '/rollout papi 42', channel: 'C_DEPLOY', user: 'U_ALICE' }),
      });
      expect(response.status).toBe(500);
      const notice = consoleServer.feed.itemsFor('U_ALICE').find((i) => /Could not deliver/.test(i.text ?? ''));
      expect(notice?.text).toMatch(/^Could not deliver that to the bot \(.+\)\. It may have stopped: check the terminal running `npm start`, then try again\.$/);
      expect(notice?.text).not.toContain('Something went wrong');
    } finally {
      await consoleServer.stop();
      await emulator.stop();
    }
  });

  it('the bot’s port already in use is a sentence too, and nothing is left connected', async () => {
    const redis = await new RedisProcess().start();
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expect(
        startBot({ config: loadConfig(configPath), redisUrl: redis.url, slackBotToken: 'xoxb-t', slackSigningSecret: 's', port, host: '127.0.0.1' }),
      ).rejects.toMatchObject({ code: 'setup_problem', userMessage: `Port ${port} is in use. Stop whatever uses it, or start with PORT=<another port>.` });
    } finally {
      await new Promise((r) => taken.close(r));
      await redis.dispose();
    }
  });
});
