import type { EnvOptions } from '../core/config/env-options.js';
import type { LoadedConfig } from '../core/config/load.js';
import { createLogger } from '../runtime/logger.js';

/** Stops cleanly on SIGINT/SIGTERM so BullMQ hands running jobs back instead of waiting for a stall. */
function stopOnSignal(stop: () => Promise<void>): void {
  const handler = () => {
    void stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

export async function runBot(config: LoadedConfig, options: EnvOptions): Promise<void> {
  const board = options.queueBoardUser && options.queueBoardPassword ? { user: options.queueBoardUser, password: options.queueBoardPassword } : undefined;
  const { startBot } = await import('../runtime/bot-process.js');
  const bot = await startBot({ config, ...options, logger: createLogger(options.logLevel, 'rollbot-bot'), queueBoard: board });
  process.stdout.write(`rollbot bot listening on :${bot.port} (${options.slackAppToken ? 'Socket Mode' : 'HTTP, POST /slack/events'})\n`);
  stopOnSignal(() => bot.stop());
}

export async function runWorker(config: LoadedConfig, options: EnvOptions): Promise<void> {
  const { startWorker } = await import('../runtime/worker-process.js');
  const worker = await startWorker({
    config,
    ...options,
    concurrency: options.workerConcurrency,
    lockDurationMs: options.jobLockMs,
    stalledIntervalMs: options.jobLockMs,
    logger: createLogger(options.logLevel, 'rollbot-worker'),
    variables: options.variables,
  });
  process.stdout.write(`rollbot worker running (concurrency ${options.workerConcurrency})\n`);
  stopOnSignal(() => worker.stop());
}
