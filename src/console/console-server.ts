import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackUserClient, SlackWebApiEmulator } from '../slack-emulator/index.js';
import { sendAsUser, type SayRequest } from './send-as-user.js';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Local mode's front door: `rollbot say` and the browser console post what a user typed here, and
 * read back what the bot posted (the emulator's records).
 */
export class ConsoleServer {
  private server?: Server;
  port = 0;

  constructor(private readonly deps: { emulator: SlackWebApiEmulator; user: SlackUserClient }) {}

  async start(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use. Stop whatever uses it or start with PORT=<another port>.`) : error),
      );
      this.server!.listen(port, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/console/say') {
      const result = await sendAsUser(this.deps.user, (await readJson(req)) as SayRequest);
      return send(res, 200, result);
    }
    if (req.method === 'GET' && url.pathname === '/console/messages') {
      const channel = url.searchParams.get('channel') ?? 'C_DEPLOY';
      const user = url.searchParams.get('user') ?? undefined;
      return send(res, 200, {
        messages: this.deps.emulator.messages(channel),
        ephemerals: this.deps.emulator.ephemerals(channel, user),
        responses: this.deps.emulator.responses(channel),
      });
    }
    send(res, 404, { error: 'not found' });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}
