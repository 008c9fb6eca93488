import { arrayArg, fail, stringArg, type MethodHandler } from './method-context.js';
import { messageJson } from './message-json.js';
import { messageContentRefusal, missingArgument } from './message-validation.js';
import type { ApiArgs, ApiResult } from './types.js';

/** Decoded text/blocks/attachments of a post or edit, or Slack's refusal of them. */
function content(args: ApiArgs):
  | { text: string | undefined; blocks: unknown[] | undefined; attachments: unknown[] | undefined }
  | { refused: ApiResult } {
  const blocks = arrayArg(args, 'blocks');
  if (blocks === 'invalid') return { refused: fail('invalid_blocks') };
  const attachments = arrayArg(args, 'attachments');
  if (attachments === 'invalid') return { refused: fail('invalid_attachments') };
  const text = typeof args.text === 'string' ? args.text : undefined;
  const refused = messageContentRefusal(text, blocks);
  if (refused) return { refused };
  return { text, blocks, attachments };
}

const postMessage: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  if (!channel) return missingArgument('channel');
  const body = content(args);
  if ('refused' in body) return body.refused;
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
  if (!channel || !ts) return missingArgument(...(!channel ? ['channel'] : []), ...(!ts ? ['ts'] : []));
  // "Ephemeral messages can't be updated in this way" (https://api.slack.com/messaging/modifying): to
  // chat.update an ephemeral's message_ts is a message it cannot find; only its response_url can change it.
  if (ctx.store.isEphemeral(channel, ts)) return fail('message_not_found');
  const message = ctx.store.liveMessage(channel, ts);
  if (!message) return fail('message_not_found');
  // A bot may only edit its own messages.
  if (message.user !== ctx.identity.botUserId) return fail('cant_update_message');
  const body = content(args);
  if ('refused' in body) return body.refused;
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
  if (!channel || !user) return missingArgument(...(!channel ? ['channel'] : []), ...(!user ? ['user'] : []));
  const body = content(args);
  if ('refused' in body) return body.refused;
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
  if (!channel || !ts) return missingArgument(...(!channel ? ['channel'] : []), ...(!ts ? ['ts'] : []));
  const message = ctx.store.liveMessage(channel, ts);
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
