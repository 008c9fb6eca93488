/**
 * Child process for the ack bench: serves one Slack app over HTTP so the load generator (in the
 * parent) never shares an event loop with it. BENCH_TARGET=rollbot starts rollbot's bot process
 * (startBot: Bolt + router + Redis); BENCH_TARGET=bare (or bare-express) a Bolt app that only acks.
 * Prints READY once listening; stops on SIGTERM.
 */
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import { parseConfig } from '../../src/core/config/load.js';
import { startBot } from '../../src/runtime/bot-process.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const port = Number(required('BENCH_PORT'));
const token = required('BENCH_BOT_TOKEN');
const signingSecret = required('BENCH_SIGNING_SECRET');
const slackApiUrl = required('BENCH_SLACK_API_URL');

async function start(): Promise<() => Promise<void>> {
  if (required('BENCH_TARGET') === 'rollbot') {
    const config = parseConfig(JSON.parse(required('BENCH_CONFIG')), required('BENCH_CONFIG_SOURCE'));
    const bot = await startBot({ config, redisUrl: required('BENCH_REDIS_URL'), slackBotToken: token, slackSigningSecret: signingSecret, slackApiUrl, port });
    return () => bot.stop();
  }
  // Same log level as rollbot's app (WARN), so neither pays for per-request logging.
  // bare-express: Bolt's ExpressReceiver on a fresh express app, the receiver rollbot's HTTP mode uses;
  // bare: Bolt's default (HTTPReceiver, no express).
  const receiver =
    required('BENCH_TARGET') === 'bare-express' ? new ExpressReceiver({ signingSecret, app: express(), logLevel: LogLevel.WARN }) : undefined;
  const app = new App({ token, clientOptions: { slackApiUrl }, logLevel: LogLevel.WARN, ...(receiver ? { receiver } : { signingSecret }) });
  app.command(/.*/, async ({ ack }) => {
    await ack();
  });
  await app.start(port);
  return () => app.stop().then(() => undefined);
}

const stop = await start();
process.stdout.write('READY\n');
process.once('SIGTERM', () => {
  stop().finally(() => process.exit(0));
});
