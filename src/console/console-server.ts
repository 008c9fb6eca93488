import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portInUse } from '../core/errors.js';
import type { SlackUserClient, SlackWebApiEmulator } from '../slack-emulator/index.js';
import { ConsoleFeed, itemVisibleTo, viewVisibleTo, type FeedEvent } from './console-feed.js';
import { sendAsUser, type SayRequest } from './send-as-user.js';

/** A channel in the console's sidebar; `env` is the rollbot environment it is bound to at start. */
export interface ConsoleChannel {
  id: string;
  name: string;
  env?: string;
  topic?: string;
}

/** A person the console can act as. */
export interface ConsoleUser {
  id: string;
  name: string;
  realName?: string;
}

export const DEFAULT_CHANNELS: ConsoleChannel[] = [
  { id: 'C_DEPLOY', name: 'deploy-rdebug', env: 'rdebug', topic: 'Rollouts to rdebug' },
  { id: 'C_RELEASE', name: 'releases', env: 'prod', topic: 'Production: approved releases only (/release papi <sha>)' },
  { id: 'C_GENERAL', name: 'general', topic: 'Questions for @rollbot' },
];

export const DEFAULT_USERS: ConsoleUser[] = [
  { id: 'U_ALICE', name: 'alice', realName: 'Alice' },
  { id: 'U_BOB', name: 'bob', realName: 'Bob' },
  { id: 'U_CAROL', name: 'carol', realName: 'Carol' },
];

export interface ConsoleServerDeps {
  emulator: SlackWebApiEmulator;
  user: SlackUserClient;
  channels?: ConsoleChannel[];
  users?: ConsoleUser[];
  /**
   * Send `/rwenv set <env>` for every channel with an `env` when starting (silently, as the first
   * user), so the sidebar's bindings hold. Default true.
   */
  bindChannels?: boolean;
}

const STATIC_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'block-kit-html.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** The page's files: beside this module when run from source, else in the source tree. */
function findPublicDir(): string | undefined {
  const candidates = [fileURLToPath(new URL('./public/', import.meta.url)), join(process.cwd(), 'src', 'console', 'public')];
  return candidates.find((dir) => existsSync(join(dir, 'console.js')));
}

const MAX_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadRequest('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`'${key}' is required`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Local mode's front door. The browser console (GET /) and `rollbot say` post what a person typed;
 * the page follows the emulated Slack live over server-sent events (GET /console/events) and sends
 * clicks and modal submissions back as signed Slack interactions.
 *
 * Routes:
 * - GET  /                         the console page (and /console/static/<file>)
 * - GET  /console/config           users, channels, the bot
 * - GET  /console/events?user=U…   SSE: `snapshot`, then `upsert` / `remove` / `view` / `view_closed`
 * - POST /console/say              {text, user, channel} → a slash command, mention or DM
 * - POST /console/action           {actionId, value, blockId, channel, messageTs, user} → block_actions
 * - POST /console/view-submission  {viewId, user, values} → view_submission
 * - POST /console/view-close       {viewId, user}
 * - POST /console/dismiss          {id, user} → hides one of the user's ephemerals
 * - GET  /console/messages?channel=&user=   raw emulator records (used by `rollbot say`)
 */
export class ConsoleServer {
  private server?: Server;
  private readonly streams = new Set<ServerResponse>();
  readonly feed: ConsoleFeed;
  readonly channels: ConsoleChannel[];
  readonly users: ConsoleUser[];
  private readonly publicDir = findPublicDir();
  port = 0;
  /** The address it listens on (127.0.0.1 unless HOST opened it). */
  host = '';

  constructor(private readonly deps: ConsoleServerDeps) {
    this.channels = deps.channels ?? DEFAULT_CHANNELS;
    this.users = deps.users ?? DEFAULT_USERS;
    for (const user of this.users) deps.emulator.setUser(user.id, user.name, user.realName);
    for (const channel of this.channels) deps.emulator.setChannel(channel.id, channel.name);
    // Created before anything is sent, so the console sees every record from the start.
    this.feed = new ConsoleFeed(deps.emulator);
  }

  /** `host` defaults to loopback: the console lets anyone act as any user. */
  async start(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (res.headersSent) return void res.end();
        if (error instanceof BadRequest) return send(res, 400, { error: error.message });
        send(res, 500, { error: String(error) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? portInUse(port) : error),
      );
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.port = address.port;
    this.host = address.address;
    if (this.deps.bindChannels !== false) await this.bindChannels();
  }

  /** `/rwenv set` for each channel with an env; answers are not shown (nobody typed them). */
  private async bindChannels(): Promise<void> {
    const who = this.users[0]?.id ?? 'U_ALICE';
    for (const channel of this.channels) {
      if (!channel.env) continue;
      await sendAsUser(this.deps.user, { text: `/rwenv set ${channel.env}`, user: who, channel: channel.id }).catch(() => undefined);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html' || path === '/console' || path === '/console/')) {
      return this.serveStatic(res, 'index.html');
    }
    const file = /^\/console\/static\/([\w.-]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && file) return this.serveStatic(res, file);
    if (req.method === 'GET' && path === '/console/config') return send(res, 200, this.config());
    if (req.method === 'GET' && path === '/console/events') return this.openStream(req, res, url.searchParams.get('user') ?? this.users[0]?.id ?? 'U_ALICE');
    if (req.method === 'POST' && path === '/console/say') return send(res, 200, await this.say(await readJson(req)));
    if (req.method === 'POST' && path === '/console/action') return send(res, 200, await this.action(await readJson(req)));
    if (req.method === 'POST' && path === '/console/view-submission') return send(res, 200, await this.viewSubmission(await readJson(req)));
    if (req.method === 'POST' && path === '/console/view-close') {
      const body = await readJson(req);
      this.feed.closeView(requireString(body, 'viewId'));
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/console/dismiss') {
      const body = await readJson(req);
      return send(res, 200, { ok: this.feed.dismiss(requireString(body, 'id'), requireString(body, 'user')) });
    }
    if (req.method === 'GET' && path === '/console/messages') {
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

  private async serveStatic(res: ServerResponse, file: string): Promise<void> {
    const type = STATIC_FILES[file];
    if (!type) return send(res, 404, { error: 'not found' });
    if (!this.publicDir) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The console page is not part of this build (src/console/public is missing). Run local mode from a source checkout: npm start.');
      return;
    }
    const content = await readFile(join(this.publicDir, file));
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(content);
  }

  private config() {
    const { emulator } = this.deps;
    const names: Record<string, string> = { [emulator.botUserId]: emulator.identity.botName };
    for (const user of this.users) names[user.id] = user.name;
    return {
      workspace: emulator.identity.teamName,
      bot: { id: emulator.botUserId, name: emulator.identity.botName },
      users: this.users,
      channels: this.channels,
      names,
    };
  }

  private openStream(req: IncomingMessage, res: ServerResponse, user: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 1000\n\n');
    write('snapshot', { user, items: this.feed.itemsFor(user), views: this.feed.viewsFor(user) });
    const visible = (event: FeedEvent): boolean => {
      switch (event.type) {
        case 'upsert':
          return itemVisibleTo(event.item, user);
        case 'remove':
          return event.visibleTo === undefined || event.visibleTo === user;
        case 'view':
          return viewVisibleTo(event.view, user);
        case 'view_closed':
          return event.user === undefined || event.user === user;
      }
    };
    const unsubscribe = this.feed.subscribe((event) => {
      if (visible(event)) write(event.type, event);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    this.streams.add(res);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(res);
    });
  }

  private async say(body: Record<string, unknown>) {
    const request: SayRequest = {
      text: requireString(body, 'text'),
      ...(optionalString(body, 'user') ? { user: optionalString(body, 'user') } : {}),
      ...(optionalString(body, 'channel') ? { channel: optionalString(body, 'channel') } : {}),
    };
    const who = request.user ?? 'U_ALICE';
    const channel = request.channel ?? 'C_DEPLOY';
    // In a DM the bot is addressed without a mention; "@rollbot …" there is just the text.
    if (channel.startsWith('D')) request.text = request.text.replace(/^\s*@rollbot\b\s*/i, '');
    try {
      const result = await sendAsUser(this.deps.user, request);
      if (result.kind === 'slash') this.feed.addAck({ user: who, channel, command: request.text.trim(), result });
      return result;
    } catch (error) {
      this.feed.addNotice({ user: who, channel, text: `Could not deliver that to the bot (${error instanceof Error ? error.message : String(error)}). It may have stopped: check the terminal running \`npm start\`, then try again.` });
      throw error;
    }
  }

  private async action(body: Record<string, unknown>) {
    const user = requireString(body, 'user');
    const channel = requireString(body, 'channel');
    const result = await this.deps.user.blockAction({
      actionId: requireString(body, 'actionId'),
      messageTs: requireString(body, 'messageTs'),
      channel,
      user,
      ...(optionalString(body, 'value') !== undefined ? { value: optionalString(body, 'value') } : {}),
      ...(optionalString(body, 'blockId') ? { blockId: optionalString(body, 'blockId') } : {}),
    });
    if (result.status !== 200) this.feed.addNotice({ user, channel, text: `The app did not accept that click (HTTP ${result.status}).` });
    return { status: result.status };
  }

  private async viewSubmission(body: Record<string, unknown>) {
    const viewId = requireString(body, 'viewId');
    const user = requireString(body, 'user');
    const view = this.feed.view(viewId);
    if (!view) throw new BadRequest(`no view ${viewId}`);
    const rawValues = body.values && typeof body.values === 'object' ? (body.values as Record<string, Record<string, string | Record<string, unknown>>>) : {};
    const callbackId = typeof view.view.callback_id === 'string' ? view.view.callback_id : '';
    const result = await this.deps.user.viewSubmission({ callbackId, viewId, user, values: rawValues });
    const answer = (result.json && typeof result.json === 'object' ? result.json : {}) as {
      response_action?: string;
      errors?: Record<string, string>;
      view?: Record<string, unknown>;
    };
    // As Slack: an empty ack closes the modal, `errors` keeps it open with the messages shown,
    // `update` replaces it, `push` stacks a new one, `clear` closes them all.
    if (result.status === 200) {
      const action = answer.response_action;
      if (action === 'update' && answer.view) this.feed.showView({ ...view, view: answer.view });
      else if (action === 'push' && answer.view) this.feed.showView({ id: `${viewId}-pushed-${Date.now()}`, user, view: answer.view, at: Date.now() });
      else if (action === 'clear') for (const open of this.feed.viewsFor(user)) this.feed.closeView(open.id);
      else if (action !== 'errors') this.feed.closeView(viewId);
    }
    return { status: result.status, responseAction: answer.response_action, errors: answer.errors };
  }

  async stop(): Promise<void> {
    for (const res of this.streams) res.end();
    this.streams.clear();
    this.feed.dispose();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
