import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What the app sent back for one envelope (its `payload`, e.g. a slash command's reply). */
export interface EnvelopeAck {
  envelopeId: string;
  payload: unknown;
  ackMs: number;
}

/**
 * Slack's Socket Mode, emulated: `apps.connections.open` (answered by the Web API emulator) hands
 * out this server's URL; the app connects, gets `hello`, and acks each envelope by its id.
 */
export class SocketModeEmulator {
  private server?: WebSocketServer;
  private socket?: WebSocket;
  private readonly waiting = new Map<string, { resolve: (ack: EnvelopeAck) => void; sentAt: number }>();
  private readonly connectedWaiters: Array<() => void> = [];

  /** Sees every ack payload (the Web API emulator checks replies with it, see attachSocketMode). */
  onAck: ((payload: unknown) => void) | undefined;

  constructor(readonly appToken: string) {}

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => this.onMessage(String(data)));
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'emulator' }, connection_info: { app_id: 'A0ROLLBOT' } }));
      this.connectedWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server!.address() as AddressInfo).port}/link`;
  }

  /** Resolves once an app has connected and been greeted. */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Sends one envelope (`slash_commands`, `events_api`, `interactive`) and waits for the app's ack. */
  send(
    type: 'slash_commands' | 'events_api' | 'interactive',
    payload: Record<string, unknown>,
    timeoutMs = 5000,
    /** A redelivery, as Slack sends one when an ack did not arrive within 3 s. */
    retry: { attempt: number; reason: string } = { attempt: 0, reason: '' },
  ): Promise<EnvelopeAck> {
    if (!this.socket) throw new Error('No app is connected over Socket Mode.');
    const envelopeId = randomUUID();
    const acked = new Promise<EnvelopeAck>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The app did not ack envelope ${envelopeId} within ${timeoutMs} ms.`)), timeoutMs);
      this.waiting.set(envelopeId, {
        sentAt: Date.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
    });
    this.socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: retry.attempt, retry_reason: retry.reason }));
    return acked;
  }

  private onMessage(text: string): void {
    const message = JSON.parse(text) as { envelope_id?: string; payload?: unknown };
    const waiter = message.envelope_id ? this.waiting.get(message.envelope_id) : undefined;
    if (!waiter || !message.envelope_id) return;
    this.waiting.delete(message.envelope_id);
    if (message.payload !== undefined) this.onAck?.(message.payload);
    waiter.resolve({ envelopeId: message.envelope_id, payload: message.payload, ackMs: Date.now() - waiter.sentAt });
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
