/**
 * Shapes of everything the emulator records. Tests read these, so they use
 * Slack's own field names (snake_case) wherever Slack has a name for the thing.
 */

/** Arguments of one Web API call after JSON-encoded form fields were decoded. */
export type ApiArgs = Record<string, unknown>;

/** What a Web API method handler answers; serialised as the HTTP body. */
export type ApiResult = { ok: boolean; error?: string } & Record<string, unknown>;

/** One rendering of a message; a message's history holds every rendering in order. */
export interface MessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  /** Epoch milliseconds when this version was recorded. */
  at: number;
}

/** Where a message came from: the bot's Web API, the bot's response_url, or a simulated human. */
export type MessageSource = 'chat.postMessage' | 'response_url' | 'user';

export interface RecordedMessage {
  ts: string;
  channel: string;
  /** Author: the bot's user id for bot messages, the human's id for simulated user messages. */
  user: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  thread_ts: string | undefined;
  metadata: unknown;
  source: MessageSource;
  /** Number of successful edits (chat.update or response_url replace_original). */
  updates: number;
  /** history[0] is the message as posted; the last entry is what Slack shows now. */
  history: MessageVersion[];
  deleted: boolean;
}

export interface RecordedEphemeral {
  channel: string;
  /** The only user who can see it. */
  user: string;
  /** The message_ts chat.postEphemeral answered with. */
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  thread_ts: string | undefined;
  at: number;
}

export type ResponseType = 'ephemeral' | 'in_channel';

/** One POST to a response_url minted by the emulator (what Bolt's respond() sends). */
export interface RecordedResponse {
  /** The response_url id this was posted to. */
  id: string;
  channel: string;
  /** The user whose interaction minted the response_url. */
  user: string;
  /** The message the interaction came from, if any; replace/delete_original act on it. */
  messageTs: string | undefined;
  text: string | undefined;
  blocks: unknown[] | undefined;
  response_type: ResponseType;
  replace_original: boolean;
  delete_original: boolean;
  thread_ts: string | undefined;
  at: number;
}

export interface RecordedView {
  id: string;
  trigger_id: string | undefined;
  /** The user the trigger_id was minted for (the person looking at the modal). */
  user: string | undefined;
  /** views.open for a root modal, views.push for a stacked one. */
  opened_by: 'views.open' | 'views.push';
  /** The current view definition as the app last sent it (callback_id, blocks, private_metadata...). */
  view: ApiArgs;
  /** Every definition the app sent, first is the one it was opened with. */
  history: ApiArgs[];
  at: number;
}

export interface RecordedCall {
  /** Web API method name, or 'response_url' for posts to a minted response_url. */
  method: string;
  /** Decoded arguments, without the token. */
  args: ApiArgs;
  at: number;
  ok: boolean;
  error: string | undefined;
  /** Slack's detail sentences for a refusal (invalid_blocks, invalid_arguments), "… [json-pointer:/blocks/0]". */
  problems?: string[];
  /** The Retry-After a 429 answered with. */
  retryAfterSec?: number;
}

/** Stream of everything recorded, in order; onRecord() listeners receive these. */
export type RecordEvent =
  | { kind: 'call'; call: RecordedCall }
  | { kind: 'message'; message: RecordedMessage }
  | { kind: 'message_updated'; message: RecordedMessage }
  | { kind: 'message_deleted'; message: RecordedMessage }
  | { kind: 'ephemeral'; ephemeral: RecordedEphemeral }
  | { kind: 'response'; response: RecordedResponse }
  | { kind: 'view'; view: RecordedView };
