import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatchApiCall, type ApiDispatchDeps } from './api-dispatch.js';
import { Directory } from './directory.js';
import { FaultInjector, type InjectedFault } from './fault-injection.js';
import type { BotIdentity, MethodContext } from './method-context.js';
import { RateCounter, type CallRate } from './rate-counter.js';
import { RateLimiter, SLACK_RATE_LIMITS, type RateLimitTable } from './rate-limiter.js';
import { messageContentRefusal } from './message-validation.js';
import { summarizeRecords } from './record-summary.js';
import { RecordStore } from './record-store.js';
import { readBody } from './request-body.js';
import { handleResponsePost, ResponseUrlRegistry } from './response-url.js';
import { SlackTsClock } from './slack-ts.js';
import type { SocketModeEmulator } from './socket-mode-server.js';
import { TriggerRegistry } from './trigger-ids.js';
import type {
  RecordEvent,
  RecordedCall,
  RecordedEphemeral,
  RecordedMessage,
  RecordedResponse,
  RecordedView,
} from './types.js';
import { waitForProbe } from './wait-for.js';

export interface SlackWebApiEmulatorOptions {
  /** The bot token the app must present; anything else gets invalid_auth. Default 'xoxb-test'. */
  token?: string;
  /** Overrides for who the bot is (auth.test). */
  identity?: Partial<BotIdentity>;
  /** Display names by user id; unlisted ids get a name derived from the id. */
  users?: Record<string, string>;
  /** How long a trigger_id may be used for views.open. Slack: 3000 ms. */
  triggerTtlMs?: number;
  /**
   * Clock for timestamps, rate limits and trigger expiry (epoch ms). Inject one to test a 429 or an
   * expired trigger without sleeping.
   */
  nowMs?: () => number;
  /**
   * Rate limits to enforce (HTTP 429 + Retry-After). Default: Slack's own (SLACK_RATE_LIMITS); false
   * turns them off, for suites whose subject is not rate limiting.
   */
  rateLimits?: RateLimitTable | false;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
}

/** An answer Slack would have given as an error (not one a test injected with failNext). */
export interface Refusal {
  /** Web API method, 'response_url', or 'ack' (a slash command's or interaction's reply body). */
  method: string;
  error: string;
  problems?: string[];
  args: Record<string, unknown>;
  at: number;
}

/** Every emulator made in this process, so a test run can fail on refusals nobody took (test/support/emulator-guard.ts). */
const created = new Set<SlackWebApiEmulator>();

/** Refusals no test took, from every emulator; clears them. */
export function takeUntakenRefusals(): Refusal[] {
  return [...created].flatMap((e) => e.takeRefusals());
}

/** How long stop() lets in-flight requests finish before cutting connections. */
const STOP_GRACE_MS = 1000;

export const DEFAULT_IDENTITY: BotIdentity = {
  teamId: 'T0TEAM',
  teamName: 'Rollbot Emulated',
  teamDomain: 'rollbot-emulated',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  botName: 'rollbot',
  appId: 'A0ROLLBOT',
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Slack's HTTP surface for a bot under test: the Web API at /api/<method> and
 * response_urls at /response/<id>. Everything the bot sends is recorded so
 * tests can assert on what a human would have seen in Slack.
 *
 * Start it before constructing the Bolt App: Bolt calls auth.test once, in its
 * constructor, and caches a failure for the App's whole life.
 */
export class SlackWebApiEmulator {
  readonly identity: BotIdentity;
  private readonly host: string;
  private readonly nowMs: () => number;
  private readonly store: RecordStore;
  private readonly directory = new Directory();
  private readonly faults = new FaultInjector();
  private readonly rates: RateCounter;
  private limiter: RateLimiter | undefined;
  private refusalList: Refusal[] = [];
  private readonly responseUrls = new ResponseUrlRegistry();
  private readonly triggers: TriggerRegistry;
  private readonly ctx: MethodContext;
  private readonly dispatchDeps: ApiDispatchDeps;
  private server: Server | undefined;
  private port: number | undefined;
  private viewCounter = 0;
  private socketMode: SocketModeEmulator | undefined;

  /** Answers `apps.connections.open` with this Socket Mode server's URL. */
  attachSocketMode(socketMode: SocketModeEmulator): void {
    this.socketMode = socketMode;
    socketMode.onAck = (payload) => this.inspectAck(payload);
  }

  constructor(options: SlackWebApiEmulatorOptions = {}) {
    this.identity = { ...DEFAULT_IDENTITY, ...options.identity };
    this.host = options.host ?? '127.0.0.1';
    this.nowMs = options.nowMs ?? Date.now;
    this.store = new RecordStore(this.nowMs);
    this.rates = new RateCounter(this.nowMs);
    this.limiter = options.rateLimits === false ? undefined : new RateLimiter(options.rateLimits ?? SLACK_RATE_LIMITS, this.nowMs);
    this.triggers = new TriggerRegistry(options.triggerTtlMs ?? 3000, this.nowMs);
    this.directory.setUser(this.identity.botUserId, this.identity.botName, this.identity.botName, true);
    for (const [id, name] of Object.entries(options.users ?? {})) this.directory.setUser(id, name);
    this.ctx = {
      store: this.store,
      directory: this.directory,
      triggers: this.triggers,
      clock: new SlackTsClock(this.nowMs),
      identity: this.identity,
      nextViewId: () => `V${String((this.viewCounter += 1)).padStart(10, '0')}`,
      nowMs: this.nowMs,
    };
    this.dispatchDeps = {
      ctx: this.ctx,
      faults: this.faults,
      rates: this.rates,
      limiter: this.limiter,
      expectedToken: options.token ?? 'xoxb-test',
    };
    created.add(this);
  }

  // ---- lifecycle ----

  async start(port = 0): Promise<void> {
    if (this.server) throw new Error('SlackWebApiEmulator already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'emulator_crashed', detail: String(error) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Let in-flight calls finish (a call cut off mid-answer surfaces in the bot
    // as an unhandled fetch error), but do not wait on keep-alive sockets that
    // fetch leaves open: drop idle ones now and whatever remains after a grace period.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
    await closed;
    clearTimeout(grace);
  }

  /** e.g. http://127.0.0.1:54321 */
  get baseUrl(): string {
    if (this.port === undefined) throw new Error('SlackWebApiEmulator not started');
    return `http://${this.host}:${this.port}`;
  }

  /** What Bolt's clientOptions.slackApiUrl / WebClient's slackApiUrl expects (trailing slash). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  get botUserId(): string {
    return this.identity.botUserId;
  }

  // ---- workspace configuration ----

  setUser(id: string, name: string, realName?: string): void {
    this.directory.setUser(id, name, realName);
  }

  setChannel(id: string, name: string, isPrivate = false): void {
    this.directory.setChannel(id, name, isPrivate);
  }

  setUsergroup(id: string, userIds: string[]): void {
    this.directory.setUsergroup(id, userIds);
  }

  userName(id: string): string {
    return this.directory.user(id).name;
  }

  channelName(id: string): string {
    return this.directory.channel(id).name;
  }

  /** Makes the next call(s) of a method fail; see InjectedFault. */
  failNext(method: string, fault?: InjectedFault): void {
    this.faults.failNext(method, fault);
  }

  /** Replaces the enforced rate limits (false: none), e.g. Slack's own for one test in a relaxed suite. */
  setRateLimits(limits: RateLimitTable | false): void {
    this.limiter = limits === false ? undefined : new RateLimiter(limits, this.nowMs);
    this.dispatchDeps.limiter = this.limiter;
  }

  /**
   * Error answers Slack would have given since the last take (invalid_blocks, msg_too_long,
   * ratelimited, a bad ack body…), and forgets them. A test that provokes one on purpose takes it and
   * asserts on it; any left over fail the test (see test/support/emulator-guard.ts).
   */
  takeRefusals(): Refusal[] {
    const taken = this.refusalList;
    this.refusalList = [];
    return taken;
  }

  /**
   * Checks a reply the app gave in an ack or response (a slash command's `text`/`blocks`): Slack
   * shows the user an error instead of an invalid reply, so it is a refusal too.
   */
  inspectAck(body: unknown): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const { text, blocks } = body as { text?: unknown; blocks?: unknown };
    if (text === undefined && blocks === undefined) return;
    const refused = Array.isArray(blocks) || blocks === undefined
      ? messageContentRefusal(typeof text === 'string' ? text : undefined, blocks as unknown[] | undefined)
      : { ok: false, error: 'invalid_blocks' };
    if (refused) {
      this.refusalList.push({
        method: 'ack',
        error: refused.error ?? 'invalid_blocks',
        problems: refused.errors as string[] | undefined,
        args: body as Record<string, unknown>,
        at: this.nowMs(),
      });
    }
  }

  private noteRefusal(call: RecordedCall): void {
    if (call.ok) return;
    this.refusalList.push({ method: call.method, error: call.error ?? 'unknown', problems: call.problems, args: call.args, at: call.at });
  }

  /** Forgets everything recorded and minted; configuration (users, groups) stays. */
  reset(): void {
    this.store.clear();
    this.rates.clear();
    this.limiter?.clear();
    this.faults.clear();
    this.responseUrls.clear();
    this.triggers.clear();
  }

  // ---- minting, for the simulated user side ----

  /** A response_url bound to an interaction; same key, same URL (for identical retries). */
  responseUrlFor(channel: string, user: string, options: { messageTs?: string; key?: string } = {}): string {
    const id = this.responseUrls.mint({ channel, user, messageTs: options.messageTs }, options.key);
    return `${this.baseUrl}/response/${id}`;
  }

  mintTriggerId(user: string): string {
    return this.triggers.mint(user);
  }

  registerTriggerId(id: string, user: string): void {
    this.triggers.register(id, user);
  }

  /** Records a message a human typed, so the channel's history and threads contain it. */
  recordUserMessage(input: { channel: string; user: string; text: string; thread_ts?: string }): RecordedMessage {
    const message = this.store.addMessage({ ...input, ts: this.ctx.clock.next(), source: 'user' });
    return structuredClone(message);
  }

  // ---- recorded state ----

  get calls(): RecordedCall[] {
    return this.store.calls();
  }

  /** Messages currently in the channel (deleted ones excluded), oldest first; includes thread replies. */
  messages(channel: string): RecordedMessage[] {
    return this.store.messages(channel);
  }

  allMessages(): RecordedMessage[] {
    return this.store.allMessages();
  }

  /** A thread's parent and replies, oldest first. */
  replies(channel: string, threadTs: string): RecordedMessage[] {
    return this.store.messages(channel).filter((m) => m.ts === threadTs || m.thread_ts === threadTs);
  }

  findMessage(channel: string, ts: string): RecordedMessage | undefined {
    return this.store.messages(channel).find((m) => m.ts === ts);
  }

  ephemerals(channel: string, user?: string): RecordedEphemeral[] {
    return this.store.ephemerals(channel, user);
  }

  responses(channel?: string): RecordedResponse[] {
    return this.store.responses(channel);
  }

  views(): RecordedView[] {
    return this.store.views();
  }

  /** chat.update accounting for one channel (Slack's tier allows ~50/min). */
  updateRate(channel: string): CallRate {
    return this.rates.rate('chat.update', channel);
  }

  callRate(method: string, channel: string): CallRate {
    return this.rates.rate(method, channel);
  }

  onRecord(listener: (event: RecordEvent) => void): () => void {
    return this.store.onRecord(listener);
  }

  /** Human-readable dump of everything recorded. */
  describe(): string {
    return summarizeRecords(this.store);
  }

  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return waitForProbe(probe, {
      timeoutMs,
      pollMs: 50,
      subscribe: (listener) => this.store.onRecord(listener),
      describe: () => this.describe(),
    });
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const raw = await readBody(req);
    if (url.pathname === '/api/apps.connections.open' && this.socketMode) {
      // Socket Mode's handshake is made with the app-level token, not the bot token.
      const ok = (req.headers.authorization ?? '') === `Bearer ${this.socketMode.appToken}`;
      sendJson(res, 200, ok ? { ok: true, url: this.socketMode.url } : { ok: false, error: 'invalid_auth' });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const answer = dispatchApiCall(method, req.headers, raw, url.searchParams, this.dispatchDeps);
      this.store.addCall(answer.call);
      if (!answer.injected) this.noteRefusal(answer.call);
      sendJson(res, answer.status, answer.result, answer.headers);
      return;
    }
    const responseId = /^\/response\/([^/]+)$/.exec(url.pathname)?.[1];
    if (responseId && req.method === 'POST') {
      const answer = handleResponsePost(responseId, raw, this.responseUrls, this.ctx);
      this.store.addCall(answer.call);
      this.noteRefusal(answer.call);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.text);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not_found');
  }
}
