import { randomBytes } from 'node:crypto';
import { findActionElement } from './block-lookup.js';
import { eventCallbackPayload } from './event-payload.js';
import { postOnce, type PostResult } from './http-post.js';
import { blockActionsPayload, toStateValues, viewSubmissionPayload } from './interaction-payloads.js';
import { messageJson } from './message-json.js';
import { signSlackRequest } from './request-signing.js';
import { slashCommandBody } from './slash-command-payload.js';
import type { SlackWebApiEmulator } from './web-api-server.js';
import type { WorkspaceRef } from './workspace-ref.js';

export interface SlackUserClientOptions {
  /** The bot's Events/interactivity endpoint, e.g. http://127.0.0.1:3000/slack/events */
  botUrl: string;
  signingSecret: string;
  /** Mints response_urls and trigger_ids and knows the messages a user can click on. */
  emulator: SlackWebApiEmulator;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  verificationToken?: string;
  /** Clock used for signature timestamps and event_time (epoch seconds). */
  nowSec?: () => number;
}

/** How a request is delivered: signing variations and Slack's retry headers. */
export interface DeliveryOptions {
  /** Sets X-Slack-Retry-Num (Slack retries after 3 s without an ack, up to 3 times). */
  retryNum?: number;
  /** X-Slack-Retry-Reason, default 'http_timeout' when retryNum is set. */
  retryReason?: string;
  /** Signature timestamp; default now. */
  timestampSec?: number;
  /** Shorthand for a timestamp six minutes old, which Bolt must reject. */
  stale?: boolean;
  /** Sent instead of the correct X-Slack-Signature. */
  signatureOverride?: string;
  /** Send without signature headers at all. */
  unsigned?: boolean;
}

export type SlackContentType = 'application/x-www-form-urlencoded' | 'application/json';

/** Exactly what went over the wire, so it can be resent byte for byte. */
export interface SentRequest {
  rawBody: string;
  contentType: SlackContentType;
}

export interface DeliveryResult extends PostResult {
  request: SentRequest;
}

export interface SlashCommandOptions extends DeliveryOptions {
  command?: string;
  text?: string;
  user?: string;
  userName?: string;
  channel?: string;
  /** Fixing it (with the same other fields) makes the body identical across sends, as a retry needs. */
  triggerId?: string;
}

export interface MessageOptions extends DeliveryOptions {
  text: string;
  user?: string;
  /** Default C_DEPLOY for channels, D_<user> for DMs. */
  channel?: string;
  channelType?: 'channel' | 'im';
  /** Send app_mention (text prefixed with <@bot>) instead of a message event; default true in channels. */
  mention?: boolean;
  /** Reusing an event_id already sent resends that exact event (a Slack retry). */
  eventId?: string;
  threadTs?: string;
}

export interface BlockActionOptions extends DeliveryOptions {
  actionId: string;
  /** Default: the clicked button's value in the recorded message. */
  value?: string;
  /** Default: the block_id of the button in the recorded message. */
  blockId?: string;
  user?: string;
  channel?: string;
  messageTs: string;
  triggerId?: string;
}

export interface ViewSubmissionOptions extends DeliveryOptions {
  callbackId: string;
  /** Default: the private_metadata the app opened the view with. */
  privateMetadata?: string;
  user?: string;
  /** state.values by block_id then action_id; a string is a plain_text_input value. */
  values?: Record<string, Record<string, string | Record<string, unknown>>>;
  /** Default: the latest recorded view with this callback_id. */
  viewId?: string;
}

const FORM: SlackContentType = 'application/x-www-form-urlencoded';
const JSON_TYPE: SlackContentType = 'application/json';

function randomId(prefix: string, bytes = 6): string {
  return `${prefix}${randomBytes(bytes).toString('hex').toUpperCase()}`;
}

/**
 * Plays the human and Slack's delivery side: builds the exact payloads Slack
 * would send to the bot, signs them with the signing secret, and posts them to
 * the bot's real HTTP endpoint. The emulator supplies response_urls,
 * trigger_ids and the messages a user can click on.
 */
export class SlackUserClient {
  private readonly ws: WorkspaceRef;
  private readonly nowSec: () => number;
  /** Raw bodies of events already sent, by event_id, for retries. */
  private readonly sentEvents = new Map<string, { request: SentRequest; ts: string }>();

  constructor(private readonly options: SlackUserClientOptions) {
    const identity = options.emulator.identity;
    this.ws = {
      teamId: options.teamId ?? identity.teamId,
      teamDomain: options.teamDomain ?? identity.teamDomain,
      apiAppId: options.apiAppId ?? identity.appId,
      verificationToken: options.verificationToken ?? 'emulated-verification-token',
      botUserId: identity.botUserId,
    };
    this.nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  }

  private get emulator(): SlackWebApiEmulator {
    return this.options.emulator;
  }

  async slashCommand(
    options: SlashCommandOptions = {},
  ): Promise<DeliveryResult & { triggerId: string; responseUrl: string }> {
    const user = options.user ?? 'U_ALICE';
    const channel = options.channel ?? 'C_DEPLOY';
    const triggerId = this.triggerFor(user, options.triggerId);
    // Keyed by an explicit trigger id so a retry carries the same response_url.
    const responseUrl = this.emulator.responseUrlFor(channel, user, { key: options.triggerId });
    const rawBody = slashCommandBody(this.ws, {
      channelId: channel,
      channelName: channel.startsWith('D') ? 'directmessage' : this.emulator.channelName(channel),
      userId: user,
      userName: options.userName ?? this.emulator.userName(user),
      command: options.command ?? '/rollout',
      text: options.text ?? '',
      responseUrl,
      triggerId,
    });
    const result = await this.send({ rawBody, contentType: FORM }, options);
    // What the app acked with is shown to the user; Slack refuses an invalid reply.
    if (result.status === 200 && result.json !== undefined) this.emulator.inspectAck(result.json);
    return { ...result, triggerId, responseUrl };
  }

  async message(options: MessageOptions): Promise<DeliveryResult & { ts: string; eventId: string }> {
    const previous = options.eventId !== undefined ? this.sentEvents.get(options.eventId) : undefined;
    if (previous && options.eventId !== undefined) {
      const result = await this.send(previous.request, options);
      return { ...result, ts: previous.ts, eventId: options.eventId };
    }
    const user = options.user ?? 'U_ALICE';
    const channelType = options.channelType ?? (options.channel?.startsWith('D') ? 'im' : 'channel');
    const channel = options.channel ?? (channelType === 'im' ? `D${user.replace(/^U/, '')}` : 'C_DEPLOY');
    const mention = options.mention ?? channelType === 'channel';
    const botMention = `<@${this.ws.botUserId}>`;
    const text = mention && !options.text.includes(botMention) ? `${botMention} ${options.text}` : options.text;
    const eventId = options.eventId ?? randomId('Ev0', 5);
    // The message exists in the channel like any human message, so the bot can thread under it.
    const { ts } = this.emulator.recordUserMessage({
      channel,
      user,
      text,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
    });
    const payload = eventCallbackPayload(this.ws, {
      type: mention ? 'app_mention' : 'message',
      text,
      user,
      channel,
      channelType,
      ts,
      threadTs: options.threadTs,
      eventId,
      eventTimeSec: this.nowSec(),
    });
    const request: SentRequest = { rawBody: JSON.stringify(payload), contentType: JSON_TYPE };
    this.sentEvents.set(eventId, { request, ts });
    const result = await this.send(request, options);
    return { ...result, ts, eventId };
  }

  async blockAction(options: BlockActionOptions): Promise<DeliveryResult & { triggerId: string }> {
    const user = options.user ?? 'U_ALICE';
    const channel = options.channel ?? 'C_DEPLOY';
    const recorded = this.emulator.findMessage(channel, options.messageTs);
    const ephemeral = recorded
      ? undefined
      : this.emulator.ephemerals(channel, user).find((e) => e.ts === options.messageTs);
    const blocks = recorded?.blocks ?? ephemeral?.blocks;
    const found = findActionElement(blocks, options.actionId);
    const value = options.value ?? (typeof found?.element.value === 'string' ? found.element.value : undefined);
    // A select menu: Slack sends the option the user chose, and only options the menu has exist.
    const menuOptions = found?.element.type === 'static_select' && Array.isArray(found.element.options) ? (found.element.options as Array<{ value?: string }>) : undefined;
    const selectedOption = menuOptions ? menuOptions.find((o) => o.value === options.value) : undefined;
    if (menuOptions && !selectedOption) throw new Error(`Slack emulator: the menu '${options.actionId}' has no option with value ${String(options.value)}`);
    const message = recorded
      ? messageJson(recorded, this.emulator.identity)
      : ephemeral
        ? undefined // Slack sends no `message` for a click in an ephemeral message
        : { type: 'message', ts: options.messageTs, text: '', blocks: blocks ?? [] };
    const triggerId = this.triggerFor(user, options.triggerId);
    const payload = blockActionsPayload(this.ws, {
      userId: user,
      userName: this.emulator.userName(user),
      channelId: channel,
      channelName: this.emulator.channelName(channel),
      messageTs: options.messageTs,
      ...(message ? { message } : {}),
      isEphemeral: ephemeral !== undefined,
      action: {
        actionId: options.actionId,
        blockId: options.blockId ?? found?.blockId ?? randomId('b', 3),
        value,
        type: typeof found?.element.type === 'string' ? found.element.type : 'button',
        text: menuOptions ? undefined : found?.element.text,
        selectedOption,
      },
      actionTs: `${this.nowSec()}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      responseUrl: this.emulator.responseUrlFor(channel, user, { messageTs: options.messageTs }),
      triggerId,
    });
    const result = await this.send(this.formPayload(payload), options);
    return { ...result, triggerId };
  }

  async viewSubmission(options: ViewSubmissionOptions): Promise<DeliveryResult> {
    const user = options.user ?? 'U_ALICE';
    const views = this.emulator.views();
    const view =
      options.viewId !== undefined
        ? views.find((v) => v.id === options.viewId)
        : views.filter((v) => v.view.callback_id === options.callbackId).at(-1);
    const recordedMetadata = view?.view.private_metadata;
    const payload = viewSubmissionPayload(this.ws, {
      userId: user,
      userName: this.emulator.userName(user),
      triggerId: this.triggerFor(user, undefined),
      view: {
        id: options.viewId ?? view?.id ?? randomId('V', 5),
        callbackId: options.callbackId,
        privateMetadata: options.privateMetadata ?? (typeof recordedMetadata === 'string' ? recordedMetadata : ''),
        blocks: Array.isArray(view?.view.blocks) ? view.view.blocks : [],
        title: view?.view.title ?? { type: 'plain_text', text: 'Modal' },
        stateValues: toStateValues(options.values ?? {}),
      },
    });
    return this.send(this.formPayload(payload), options);
  }

  /** Sends an earlier request again, e.g. `resend(first.request, { retryNum: 1 })`. */
  resend(request: SentRequest, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    return this.send(request, options);
  }

  /** Posts an arbitrary body, signed per options (for url_verification, ssl_check, malformed input). */
  async send(request: SentRequest, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const headers: Record<string, string> = {
      'content-type': request.contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (!options.unsigned) {
      const timestampSec = options.timestampSec ?? (options.stale ? this.nowSec() - 6 * 60 : this.nowSec());
      const signed = signSlackRequest(request.rawBody, this.options.signingSecret, timestampSec);
      Object.assign(headers, signed);
      if (options.signatureOverride !== undefined) headers['x-slack-signature'] = options.signatureOverride;
    }
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    const result = await postOnce(this.options.botUrl, request.rawBody, headers);
    return { ...result, request };
  }

  /** Interactive payloads travel as a single form field `payload` holding JSON. */
  private formPayload(payload: Record<string, unknown>): SentRequest {
    return { rawBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: FORM };
  }

  private triggerFor(user: string, explicit: string | undefined): string {
    if (explicit === undefined) return this.emulator.mintTriggerId(user);
    this.emulator.registerTriggerId(explicit, user);
    return explicit;
  }
}
