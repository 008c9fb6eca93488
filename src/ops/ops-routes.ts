import type { Application, NextFunction, Request, RequestHandler, Response } from 'express';
import type { RedisClient } from '../jobs/redis-connection.js';
import type { JobEnqueuer } from '../jobs/job-enqueuer.js';
import type { RollbotJobKind } from '../jobs/job-data.js';
import { QUEUE_NAMES } from '../jobs/queue-names.js';
import type { RollbotMetrics } from './metrics.js';

export interface OpsOptions {
  metrics: RollbotMetrics;
  redis: RedisClient;
  enqueuer: JobEnqueuer;
  /** Bull Board at /admin/queues: off unless credentials are given (local mode passes open: true). */
  queueBoard?: { user: string; password: string } | { open: true };
  /** Brings polled metrics (job outcomes) up to date before a scrape; its errors never fail one. */
  beforeScrape?: () => Promise<void>;
}

function basicAuth(user: string, password: string) {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.headers.authorization === expected) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="rollbot queues"');
    res.status(401).send('Authentication required.');
  };
}

/** /healthz (process up), /readyz (Redis answers), /metrics (Prometheus), /admin/queues (Bull Board). */
export function mountOpsRoutes(app: Application, options: OpsOptions): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      const pong = await Promise.race([
        options.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer within 1 s')), 1000)),
      ]);
      res.json({ status: 'ready', redis: pong === 'PONG' ? 'ok' : pong, config: 'loaded' });
    } catch (error) {
      res.status(503).json({ status: 'not ready', redis: (error as Error).message, config: 'loaded' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    await options.beforeScrape?.().catch(() => undefined);
    res.setHeader('Content-Type', options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });
  const board = options.queueBoard;
  if (board) {
    const guard = 'open' in board ? [] : [basicAuth(board.user, board.password)];
    app.use('/admin/queues', ...guard, lazyQueueBoard(options.enqueuer));
  }
}

/**
 * Bull Board, loaded at its first visit rather than at start: its modules (and the router it builds)
 * cost a bot that nobody opens the board of several MiB of idle memory.
 */
function lazyQueueBoard(enqueuer: JobEnqueuer): RequestHandler {
  let router: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({
      queues: (Object.keys(QUEUE_NAMES) as RollbotJobKind[]).map((kind) => new BullMQAdapter(enqueuer.queue(kind))),
      serverAdapter,
    });
    return serverAdapter.getRouter() as RequestHandler;
  };
  return (req, res, next) => {
    router ??= load();
    router.catch(() => (router = undefined));
    router.then((handle) => handle(req, res, next)).catch(next);
  };
}
