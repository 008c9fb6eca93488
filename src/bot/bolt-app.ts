import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { HANDLED_ACTIONS } from './handlers/action-handler.js';
import { RELEASE_REJECT_ACTION, RELEASE_REJECT_MODAL } from '../jobs/release/release-actions.js';
import { rejectModal } from './render/release-card.js';
import { writtenByAnApp } from './message-origin.js';
import type { WebClient } from '@slack/web-api';
import type { EventDedupe } from '../jobs/event-dedupe.js';
import type { CommandRouter, Reply, RequestContext } from './command-router.js';

export interface BotOptions {
  token: string;
  signingSecret?: string;
  /** Socket Mode when set; HTTP (Bolt's /slack/events) otherwise. */
  appToken?: string;
  slackApiUrl?: string;
  router: CommandRouter;
  dedupe: EventDedupe;
  logLevel?: LogLevel;
  /** Called once per command, mention, DM or click: metrics and logs. */
  onRequest?: (event: { kind: string; source: string; user: string; channel: string }) => void;
}

async function sendReply(client: WebClient, reply: Reply, ctx: RequestContext): Promise<void> {
  const { text, blocks } = reply.message;
  if (reply.visibility === 'ephemeral' && ctx.source !== 'dm') {
    await client.chat.postEphemeral({ channel: ctx.channel, user: ctx.user, thread_ts: ctx.threadTs, text, blocks });
  } else {
    await client.chat.postMessage({ channel: ctx.channel, thread_ts: ctx.threadTs, text, blocks });
  }
}

/** The Slack app; in HTTP mode also the listener for its requests, served at SLACK_EVENTS_PATH by the caller's server. */
export interface BoltEdge {
  app: App;
  slackRequests?: RequestListener;
}

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Slack edge: parse, ack at once, hand work to the router (which enqueues). No git, no YAML
 * here: the bot never touches the Flux repo. HTTP mode uses Bolt's own HTTPReceiver (no express on
 * a Slack request's path); the bot's server hands it what is posted to SLACK_EVENTS_PATH.
 */
export function createBoltApp(options: BotOptions): BoltEdge {
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : undefined;
  const logLevel = options.logLevel ?? LogLevel.WARN;
  const receiver = options.appToken ? undefined : new HTTPReceiver({ signingSecret: options.signingSecret ?? '', endpoints: SLACK_EVENTS_PATH, logLevel });
  // No conversation store: rollbot keeps no per-conversation state in Bolt, and its middleware ran on every request.
  const app = receiver
    ? new App({ token: options.token, clientOptions, logLevel, receiver, convoStore: false })
    : // The Socket Mode client makes its own Web API calls (apps.connections.open) with these options.
      new App({ token: options.token, appToken: options.appToken, socketMode: true, clientOptions, installerOptions: { clientOptions }, logLevel, convoStore: false });
  const { router, dedupe } = options;
  const seen = (kind: string, source: string, user: string, channel: string) => options.onRequest?.({ kind, source, user, channel });

  app.command(/.*/, async ({ command, ack }) => {
    seen(command.command.replace(/^\//, ''), 'slash', command.user_id, command.channel_id);
    const reply = await router.handle(
      command.text,
      { source: 'slash', channel: command.channel_id, user: command.user_id, idempotencyKey: command.trigger_id },
      command.command,
    );
    await ack({ response_type: reply.visibility, text: reply.message.text, blocks: reply.message.blocks });
  });

  app.event('app_mention', async ({ event, body, client }) => {
    if (writtenByAnApp(event)) return; // another app mentioning rollbot: never answered (no bot loops)
    if (!(await dedupe.claim(String(body.event_id)))) return;
    seen('mention', 'mention', event.user ?? 'unknown', event.channel);
    const ctx: RequestContext = {
      source: 'mention',
      channel: event.channel,
      user: event.user ?? 'unknown',
      threadTs: event.thread_ts ?? event.ts,
      idempotencyKey: String(body.event_id),
    };
    await sendReply(client, await router.handle(event.text, ctx), ctx);
  });

  app.message(async ({ message, body, client }) => {
    // Only direct messages from people: channel chatter needs a mention, edits (message_changed) and
    // other subtypes are not requests, and apps' messages are never answered.
    if (message.channel_type !== 'im' || message.subtype !== undefined || writtenByAnApp(message) || !('text' in message) || !message.text) return;
    if (!(await dedupe.claim(String((body as { event_id?: string }).event_id)))) return;
    seen('dm', 'dm', message.user, message.channel);
    const ctx: RequestContext = {
      source: 'dm',
      channel: message.channel,
      user: message.user,
      threadTs: message.thread_ts,
      idempotencyKey: String((body as { event_id?: string }).event_id),
    };
    await sendReply(client, await router.handle(message.text, ctx), ctx);
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${HANDLED_ACTIONS.join('|')})$`), async ({ ack, body, action, respond }) => {
    await ack();
    seen(action.action_id, 'action', body.user.id, body.channel?.id ?? '');
    const ctx: RequestContext = {
      source: 'slash',
      channel: body.channel?.id ?? body.user.id,
      user: body.user.id,
      idempotencyKey: `${action.action_id}-${action.action_ts}`,
    };
    // A select menu sends the chosen option's value; a button its own.
    const selected = (action as unknown as { selected_option?: { value?: string } }).selected_option;
    const reply = await router.handleAction(action.action_id, action.value ?? selected?.value, ctx);
    const { text, blocks } = reply.message;
    if ('replaceOriginal' in reply && reply.replaceOriginal) await respond({ replace_original: true, text, blocks });
    else await respond({ response_type: reply.visibility, replace_original: false, text, blocks });
  });

  // Reject asks why first: the modal must open within the trigger's 3 seconds, so it opens here.
  app.action<BlockAction<ButtonAction>>(RELEASE_REJECT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    seen(action.action_id, 'action', body.user.id, body.channel?.id ?? '');
    const { id } = JSON.parse(action.value ?? '{}') as { id?: string };
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(String(id), RELEASE_REJECT_MODAL) as never });
  });

  app.view(RELEASE_REJECT_MODAL, async ({ ack, body, view, client }) => {
    await ack();
    const { id } = JSON.parse(view.private_metadata || '{}') as { id?: string };
    const reason = view.state.values.reason?.value?.value ?? '';
    const reply = await router.handleRejection(String(id), reason, { source: 'slash', channel: body.user.id, user: body.user.id, idempotencyKey: view.id });
    // A modal has no channel: the outcome goes to the person as a DM from the bot.
    await client.chat.postMessage({ channel: body.user.id, text: reply.message.text, blocks: reply.message.blocks });
  });

  return { app, slackRequests: receiver?.requestListener };
}
