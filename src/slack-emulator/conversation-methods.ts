import { fail, stringArg, type MethodHandler } from './method-context.js';
import { messageJson } from './message-json.js';

const info: MethodHandler = (args, ctx) => {
  const id = stringArg(args, 'channel');
  if (!id) return fail('channel_not_found');
  const channel = ctx.directory.channel(id);
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.isIm ? undefined : channel.name,
      is_channel: !channel.isIm && !channel.isPrivate,
      is_group: false,
      is_im: channel.isIm,
      is_private: channel.isPrivate || channel.isIm,
      is_archived: false,
      is_member: true,
    },
  };
};

/** Top-level messages, newest first, like Slack's history. */
const history: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  if (!channel) return fail('channel_not_found');
  const messages = ctx.store
    .messages(channel)
    .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
    .reverse()
    .map((m) => messageJson(m, ctx.identity));
  return { ok: true, messages, has_more: false };
};

/** A thread: parent first, then replies oldest first. */
const replies: MethodHandler = (args, ctx) => {
  const channel = stringArg(args, 'channel');
  const ts = stringArg(args, 'ts');
  if (!channel) return fail('channel_not_found');
  const all = ctx.store.messages(channel);
  if (!ts || !all.some((m) => m.ts === ts)) return fail('thread_not_found');
  const messages = all
    .filter((m) => m.ts === ts || m.thread_ts === ts)
    .map((m) => messageJson(m, ctx.identity));
  return { ok: true, messages, has_more: false };
};

export const conversationMethods: Record<string, MethodHandler> = {
  'conversations.info': info,
  'conversations.history': history,
  'conversations.replies': replies,
};
