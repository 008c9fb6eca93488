import { arrayArg, fail, stringArg, type MethodHandler } from './method-context.js';
import { messageJson } from './message-json.js';
import type { ApiArgs, ApiResult } from './types.js';

/** Decoded text/blocks/attachments of a post or edit, or the Slack error for them. */
function content(args: ApiArgs):
  | { text: string | undefined; blocks: unknown[] | undefined; attachments: unknown[] | undefined }
  | { error: string } {
  const blocks = arrayArg(args, 'blocks');
  if (blocks === 'invalid') return { error: 'invalid_blocks' };
  const attachments = arrayArg(args, 'attachments');
  if (attachments === 'invalid') return { error: 'invalid_attachments' };
  return { text: typeof args.text === 'string' ? args.text : undefined, blocks, attachments };
}

const postMessage: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  if (!channel) return fail('channel_not_found');
  const body = content(args);
  if ('error' in body) return fail(body.error);
  if (!body.text && !body.blocks?.length && !body.attachments?.length) return fail('no_text');
  const message = ctx.store.addMessage({
    ts: ctx.clock.next(),
    channel,
    user: ctx.identity.botUserId,
    ...body,
    thread_ts: stringArg(args, 'thread_ts'),
    metadata: args.metadata,
    source: 'chat.postMessage',
  });
  return { ok: true, channel, ts: message.ts, message: messageJson(message, ctx.identity) };
};

const update: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  const ts = stringArg(args, 'ts');
  if (!channel) return fail('channel_not_found');
  if (!ts) return fail('message_not_found');
  const message = ctx.store.liveMessage(channel, ts);
  if (!message) return fail('message_not_found');
  // A bot may only edit its own messages.
  if (message.user !== ctx.identity.botUserId) return fail('cant_update_message');
  const body = content(args);
  if ('error' in body) return fail(body.error);
  ctx.store.updateMessage(message, body);
  return {
    ok: true,
    channel,
    ts,
    text: message.text ?? '',
    message: messageJson(message, ctx.identity),
  };
};

const postEphemeral: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  const user = stringArg(args, 'user');
  if (!channel) return fail('channel_not_found');
  if (!user) return fail('user_not_in_channel');
  const body = content(args);
  if ('error' in body) return fail(body.error);
  if (!body.text && !body.blocks?.length && !body.attachments?.length) return fail('no_text');
  const ts = ctx.clock.next();
  ctx.store.addEphemeral({
    channel,
    user,
    ts,
    text: body.text,
    blocks: body.blocks,
    thread_ts: stringArg(args, 'thread_ts'),
    at: ctx.nowMs(),
  });
  return { ok: true, message_ts: ts };
};

const deleteMessage: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  const ts = stringArg(args, 'ts');
  if (!channel) return fail('channel_not_found');
  const message = ts ? ctx.store.liveMessage(channel, ts) : undefined;
  if (!message) return fail('message_not_found');
  if (message.user !== ctx.identity.botUserId) return fail('cant_delete_message');
  ctx.store.deleteMessage(message);
  return { ok: true, channel, ts: message.ts };
};

const getPermalink: MethodHandler = (args, ctx): ApiResult => {
  const channel = stringArg(args, 'channel');
  const ts = stringArg(args, 'message_ts');
  if (!channel) return fail('channel_not_found');
  if (!ts || !ctx.store.liveMessage(channel, ts)) return fail('message_not_found');
  const permalink = `https://${ctx.identity.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  return { ok: true, channel, permalink };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': deleteMessage,
  'chat.getPermalink': getPermalink,
};
