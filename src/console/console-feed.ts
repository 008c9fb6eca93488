import { EventEmitter } from 'node:events';
import type {
  RecordEvent,
  RecordedEphemeral,
  RecordedMessage,
  RecordedResponse,
  RecordedView,
  SlackWebApiEmulator,
} from '../slack-emulator/index.js';
import type { SayResult } from './send-as-user.js';

/**
 * One thing shown in a channel of the console: a message everyone in the channel sees, or an
 * ephemeral only `visibleTo` sees.
 */
export interface ConsoleItem {
  /** Stable key: `m:` channel messages, `e:` chat.postEphemeral, `a:` slash-command acks, `r:` response_url posts. */
  id: string;
  kind: 'message' | 'ephemeral';
  channel: string;
  /** The Slack ts a button click refers to (messageTs of block_actions). */
  ts: string;
  threadTs?: string;
  /** Author: a person's id, or the bot's user id. */
  user: string;
  fromBot: boolean;
  /** Only this user sees it (ephemerals, and everything in that user's DM with the bot). */
  visibleTo?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** How it reached the channel: chat.postMessage, chat.postEphemeral, response_url, ack, user. */
  via: string;
  /** For slash-command acks: what the user typed. */
  command?: string;
  /** Number of edits (chat.update, replace_original). */
  edits: number;
  /** Arrival order in the console; the page sorts by it. */
  seq: number;
  /** Epoch ms of arrival. */
  at: number;
}

export interface ConsoleView {
  id: string;
  /** The person the modal was opened for (whose trigger_id it used). */
  user?: string;
  view: Record<string, unknown>;
  at: number;
}

export type FeedEvent =
  | { type: 'upsert'; item: ConsoleItem }
  | { type: 'remove'; id: string; visibleTo?: string }
  | { type: 'view'; view: ConsoleView }
  | { type: 'view_closed'; id: string; user?: string };

/** Everything in `D_<user>` belongs to that user's DM with the bot. */
export function dmOwner(channel: string): string | undefined {
  return /^D_(.+)$/.exec(channel)?.[1];
}

export function itemVisibleTo(item: ConsoleItem, user: string): boolean {
  return item.visibleTo === undefined || item.visibleTo === user;
}

/** A modal shows for the person it was opened for (anyone, if the emulator could not tell). */
export function viewVisibleTo(view: ConsoleView, user: string): boolean {
  return view.user === undefined || view.user === user;
}

/**
 * What the console shows, kept from the emulator's record stream plus what only the console knows
 * (slash-command acks are HTTP answers, not recorded by the emulator). Applies Slack's rules for
 * response_url posts: replace_original / delete_original act on the clicked message, even when
 * that message was an ephemeral only the clicker sees.
 */
export class ConsoleFeed {
  private readonly items = new Map<string, ConsoleItem>();
  private readonly views = new Map<string, ConsoleView>();
  private readonly closedViews = new Set<string>();
  private readonly emitter = new EventEmitter();
  private readonly unsubscribe: () => void;
  private seq = 0;
  private localCounter = 0;

  constructor(private readonly emulator: SlackWebApiEmulator, private readonly nowMs: () => number = Date.now) {
    this.emitter.setMaxListeners(0);
    for (const message of emulator.allMessages()) this.upsertMessage(message);
    for (const view of emulator.views()) this.upsertView(view);
    this.unsubscribe = emulator.onRecord((event) => this.apply(event));
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.removeAllListeners();
  }

  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.emitter.on('feed', listener);
    return () => this.emitter.off('feed', listener);
  }

  /** Items the user can see, in arrival order. */
  itemsFor(user: string): ConsoleItem[] {
    return [...this.items.values()].filter((i) => itemVisibleTo(i, user)).sort((a, b) => a.seq - b.seq);
  }

  /** Modals open for the user, oldest first (the last one is on top). */
  viewsFor(user: string): ConsoleView[] {
    return [...this.views.values()].filter((v) => !this.closedViews.has(v.id) && viewVisibleTo(v, user)).sort((a, b) => a.at - b.at);
  }

  view(id: string): ConsoleView | undefined {
    return this.views.get(id);
  }

  /** A modal the app answered a submission with (response_action update/push), not a Web API call. */
  showView(view: ConsoleView): void {
    this.closedViews.delete(view.id);
    this.views.set(view.id, view);
    this.emit({ type: 'view', view });
  }

  closeView(id: string): void {
    if (this.closedViews.has(id)) return;
    this.closedViews.add(id);
    this.emit({ type: 'view_closed', id, user: this.views.get(id)?.user });
  }

  private emit(event: FeedEvent): void {
    this.emitter.emit('feed', event);
  }

  private put(item: ConsoleItem): void {
    this.items.set(item.id, item);
    this.emit({ type: 'upsert', item });
  }

  private remove(id: string): void {
    const item = this.items.get(id);
    if (!item) return;
    this.items.delete(id);
    this.emit({ type: 'remove', id, visibleTo: item.visibleTo });
  }

  /** A ts for console-only items, in Slack's format, unlikely to equal one the emulator minted. */
  private localTs(): string {
    const micros = this.nowMs() * 1000 + 500 + (this.localCounter++ % 500);
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextSeq(): number {
    return (this.seq += 1);
  }

  apply(event: RecordEvent): void {
    switch (event.kind) {
      case 'message':
      case 'message_updated':
        this.upsertMessage(event.message);
        break;
      case 'message_deleted':
        this.remove(`m:${event.message.channel}:${event.message.ts}`);
        break;
      case 'ephemeral':
        this.addEphemeral(event.ephemeral);
        break;
      case 'response':
        this.applyResponse(event.response);
        break;
      case 'view':
        this.upsertView(event.view);
        break;
      default:
        break;
    }
  }

  private upsertMessage(message: RecordedMessage): void {
    const id = `m:${message.channel}:${message.ts}`;
    const previous = this.items.get(id);
    const fromBot = message.source !== 'user';
    this.put({
      id,
      kind: 'message',
      channel: message.channel,
      ts: message.ts,
      ...(message.thread_ts && message.thread_ts !== message.ts ? { threadTs: message.thread_ts } : {}),
      user: message.user,
      fromBot,
      ...(dmOwner(message.channel) ? { visibleTo: dmOwner(message.channel) } : {}),
      text: message.text,
      blocks: message.blocks,
      attachments: message.attachments,
      via: message.source,
      edits: message.updates,
      seq: previous?.seq ?? this.nextSeq(),
      at: previous?.at ?? message.history[0]?.at ?? this.nowMs(),
    });
  }

  private addEphemeral(ephemeral: RecordedEphemeral): void {
    this.put({
      id: `e:${ephemeral.channel}:${ephemeral.ts}`,
      kind: 'ephemeral',
      channel: ephemeral.channel,
      ts: ephemeral.ts,
      ...(ephemeral.thread_ts ? { threadTs: ephemeral.thread_ts } : {}),
      user: this.emulator.botUserId,
      fromBot: true,
      visibleTo: ephemeral.user,
      text: ephemeral.text,
      blocks: ephemeral.blocks,
      via: 'chat.postEphemeral',
      edits: 0,
      seq: this.nextSeq(),
      at: ephemeral.at,
    });
  }

  /** The ephemeral a response_url's replace/delete_original refers to, if the message was one. */
  private ephemeralAt(channel: string, ts: string | undefined, user: string): ConsoleItem | undefined {
    if (!ts) return undefined;
    return [...this.items.values()].find((i) => i.kind === 'ephemeral' && i.channel === channel && i.ts === ts && i.visibleTo === user);
  }

  private applyResponse(response: RecordedResponse): void {
    const messageId = response.messageTs ? `m:${response.channel}:${response.messageTs}` : undefined;
    const onMessage = messageId !== undefined && this.items.has(messageId);
    const ephemeral = this.ephemeralAt(response.channel, response.messageTs, response.user);
    if (response.delete_original) {
      // A channel message was deleted by the emulator (message_deleted); an ephemeral only here.
      if (ephemeral) this.remove(ephemeral.id);
      return;
    }
    if (response.replace_original) {
      if (onMessage) return; // the emulator applied it as an edit (message_updated)
      if (ephemeral) {
        this.put({ ...ephemeral, text: response.text, blocks: response.blocks, edits: ephemeral.edits + 1, via: 'response_url' });
        return;
      }
    } else if (response.response_type === 'in_channel') {
      return; // the emulator posted it as a channel message
    }
    const item: ConsoleItem = {
      id: `r:${response.id}:${this.nextSeq()}`,
      kind: response.response_type === 'in_channel' ? 'message' : 'ephemeral',
      channel: response.channel,
      ts: this.localTs(),
      ...(response.thread_ts ? { threadTs: response.thread_ts } : {}),
      user: this.emulator.botUserId,
      fromBot: true,
      text: response.text,
      blocks: response.blocks,
      via: 'response_url',
      edits: 0,
      seq: this.seq,
      at: response.at,
    };
    if (item.kind === 'ephemeral') item.visibleTo = response.user;
    else if (dmOwner(response.channel)) item.visibleTo = dmOwner(response.channel);
    this.put(item);
  }

  private upsertView(recorded: RecordedView): void {
    if (this.closedViews.has(recorded.id)) return;
    const view: ConsoleView = { id: recorded.id, ...(recorded.user ? { user: recorded.user } : {}), view: recorded.view, at: recorded.at };
    this.views.set(view.id, view);
    this.emit({ type: 'view', view });
  }

  /**
   * A slash command's HTTP answer, shown as Slack shows it: `ephemeral` (the default) only to the
   * person who typed it, `in_channel` to everyone together with the command itself.
   */
  addAck(input: { user: string; channel: string; command: string; result: SayResult }): void {
    const { user, channel, command, result } = input;
    const ack = (result.ack && typeof result.ack === 'object' ? result.ack : undefined) as
      | { response_type?: string; text?: string; blocks?: unknown[] }
      | undefined;
    const base = { channel, edits: 0, via: 'ack', command } as const;
    if (result.status !== 200) {
      const name = command.split(/\s+/)[0] ?? command;
      this.put({
        ...base,
        id: `a:${this.nextSeq()}`,
        kind: 'ephemeral',
        ts: this.localTs(),
        user: this.emulator.botUserId,
        fromBot: true,
        visibleTo: user,
        text: `${name} failed with the error "http_${result.status}" (the app did not acknowledge it).`,
        seq: this.seq,
        at: this.nowMs(),
      });
      return;
    }
    if (!ack || (!ack.text && !(Array.isArray(ack.blocks) && ack.blocks.length))) return;
    if (ack.response_type === 'in_channel') {
      // Slack shows the invocation as the person's message, then the answer beside it.
      this.put({
        ...base,
        id: `a:${this.nextSeq()}`,
        kind: 'message',
        ts: this.localTs(),
        user,
        fromBot: false,
        ...(dmOwner(channel) ? { visibleTo: dmOwner(channel) } : {}),
        text: command,
        via: 'slash command',
        seq: this.seq,
        at: this.nowMs(),
      });
    }
    const ephemeral = ack.response_type !== 'in_channel';
    const visibleTo = ephemeral ? user : dmOwner(channel);
    this.put({
      ...base,
      id: `a:${this.nextSeq()}`,
      kind: ephemeral ? 'ephemeral' : 'message',
      ts: this.localTs(),
      user: this.emulator.botUserId,
      fromBot: true,
      ...(visibleTo ? { visibleTo } : {}),
      ...(ack.text !== undefined ? { text: ack.text } : {}),
      ...(Array.isArray(ack.blocks) ? { blocks: ack.blocks } : {}),
      seq: this.seq,
      at: this.nowMs(),
    });
  }

  /** Something that went wrong in the console itself, told to the person who caused it. */
  addNotice(input: { user: string; channel: string; text: string }): void {
    this.put({
      id: `a:${this.nextSeq()}`,
      kind: 'ephemeral',
      channel: input.channel,
      ts: this.localTs(),
      user: this.emulator.botUserId,
      fromBot: true,
      visibleTo: input.user,
      text: input.text,
      via: 'console',
      edits: 0,
      seq: this.seq,
      at: this.nowMs(),
    });
  }

  /** Dismiss an ephemeral (Slack's "Dismiss message"); only the person who sees it can. */
  dismiss(id: string, user: string): boolean {
    const item = this.items.get(id);
    if (!item || item.kind !== 'ephemeral' || item.visibleTo !== user) return false;
    this.remove(id);
    return true;
  }
}
