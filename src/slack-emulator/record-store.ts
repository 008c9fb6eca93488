import { EventEmitter } from 'node:events';
import type {
  ApiArgs,
  MessageSource,
  RecordEvent,
  RecordedCall,
  RecordedEphemeral,
  RecordedMessage,
  RecordedResponse,
  RecordedView,
} from './types.js';

/** The content fields a post or an edit can carry. */
export interface MessageContent {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  attachments?: unknown[] | undefined;
}

export interface NewMessage extends MessageContent {
  ts: string;
  channel: string;
  user: string;
  thread_ts?: string | undefined;
  metadata?: unknown;
  source: MessageSource;
}

/**
 * Everything the emulated Slack has seen, in arrival order. Mutations go
 * through here so that every change is announced to onRecord() listeners,
 * which is what lets waitFor() react immediately instead of polling.
 * Queries hand out deep copies: a test holding an old snapshot must not see it
 * change underneath its assertions.
 */
export class RecordStore {
  private readonly emitter = new EventEmitter();
  private messageList: RecordedMessage[] = [];
  private ephemeralList: RecordedEphemeral[] = [];
  private responseList: RecordedResponse[] = [];
  private viewList: RecordedView[] = [];
  private callList: RecordedCall[] = [];

  constructor(private readonly nowMs: () => number = Date.now) {
    // A browser console and many waitFor()s may listen at once; that is not a leak.
    this.emitter.setMaxListeners(0);
  }

  onRecord(listener: (event: RecordEvent) => void): () => void {
    this.emitter.on('record', listener);
    return () => this.emitter.off('record', listener);
  }

  private emit(event: RecordEvent): void {
    this.emitter.emit('record', event);
  }

  addCall(call: RecordedCall): void {
    this.callList.push(call);
    this.emit({ kind: 'call', call: structuredClone(call) });
  }

  addMessage(input: NewMessage): RecordedMessage {
    const at = this.nowMs();
    const message: RecordedMessage = {
      ts: input.ts,
      channel: input.channel,
      user: input.user,
      text: input.text,
      blocks: input.blocks,
      attachments: input.attachments,
      thread_ts: input.thread_ts,
      metadata: input.metadata,
      source: input.source,
      updates: 0,
      history: [{ text: input.text, blocks: input.blocks, attachments: input.attachments, at }],
      deleted: false,
    };
    this.messageList.push(message);
    this.emit({ kind: 'message', message: structuredClone(message) });
    return message;
  }

  /** The live record (for mutation by method handlers), deleted messages excluded. */
  liveMessage(channel: string, ts: string): RecordedMessage | undefined {
    return this.messageList.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  /** Applies an edit. Like chat.update, fields left out keep their previous value. */
  updateMessage(message: RecordedMessage, change: MessageContent): void {
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks;
    if (change.attachments !== undefined) message.attachments = change.attachments;
    message.updates += 1;
    message.history.push({
      text: message.text,
      blocks: message.blocks,
      attachments: message.attachments,
      at: this.nowMs(),
    });
    this.emit({ kind: 'message_updated', message: structuredClone(message) });
  }

  deleteMessage(message: RecordedMessage): void {
    message.deleted = true;
    this.emit({ kind: 'message_deleted', message: structuredClone(message) });
  }

  /** True when ts names an ephemeral message in the channel (they live apart from channel history). */
  isEphemeral(channel: string, ts: string): boolean {
    return this.ephemeralList.some((e) => e.channel === channel && e.ts === ts);
  }

  addEphemeral(ephemeral: RecordedEphemeral): void {
    this.ephemeralList.push(ephemeral);
    this.emit({ kind: 'ephemeral', ephemeral: structuredClone(ephemeral) });
  }

  /**
   * A response_url's replace_original/delete_original on an ephemeral message (the only way Slack
   * lets an app change one). Deleting leaves it out of ephemerals().
   */
  changeEphemeral(channel: string, user: string, ts: string, change: MessageContent | 'delete'): boolean {
    const index = this.ephemeralList.findIndex((e) => e.channel === channel && e.user === user && e.ts === ts);
    if (index < 0) return false;
    if (change === 'delete') this.ephemeralList.splice(index, 1);
    else {
      const ephemeral = this.ephemeralList[index]!;
      if (change.text !== undefined) ephemeral.text = change.text;
      if (change.blocks !== undefined) ephemeral.blocks = change.blocks;
    }
    return true;
  }

  addResponse(response: RecordedResponse): void {
    this.responseList.push(response);
    this.emit({ kind: 'response', response: structuredClone(response) });
  }

  addView(view: RecordedView): void {
    this.viewList.push(view);
    this.emit({ kind: 'view', view: structuredClone(view) });
  }

  liveView(id: string): RecordedView | undefined {
    return this.viewList.find((v) => v.id === id);
  }

  replaceView(view: RecordedView, definition: ApiArgs): void {
    view.view = definition;
    view.history.push(definition);
    this.emit({ kind: 'view', view: structuredClone(view) });
  }

  // ---- queries: copies, in arrival order ----

  messages(channel: string): RecordedMessage[] {
    return structuredClone(this.messageList.filter((m) => m.channel === channel && !m.deleted));
  }

  allMessages(): RecordedMessage[] {
    return structuredClone(this.messageList.filter((m) => !m.deleted));
  }

  /** Including deleted ones, for tests that assert a message was removed. */
  everyMessage(): RecordedMessage[] {
    return structuredClone(this.messageList);
  }

  ephemerals(channel: string, user?: string): RecordedEphemeral[] {
    return structuredClone(
      this.ephemeralList.filter((e) => e.channel === channel && (user === undefined || e.user === user)),
    );
  }

  allEphemerals(): RecordedEphemeral[] {
    return structuredClone(this.ephemeralList);
  }

  responses(channel?: string): RecordedResponse[] {
    return structuredClone(this.responseList.filter((r) => channel === undefined || r.channel === channel));
  }

  views(): RecordedView[] {
    return structuredClone(this.viewList);
  }

  calls(): RecordedCall[] {
    return structuredClone(this.callList);
  }

  clear(): void {
    this.messageList = [];
    this.ephemeralList = [];
    this.responseList = [];
    this.viewList = [];
    this.callList = [];
  }
}
