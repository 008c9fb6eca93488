import type { BotIdentity } from './method-context.js';
import type { RecordedMessage } from './types.js';

/** A recorded message rendered the way the Web API returns messages. */
export function messageJson(m: RecordedMessage, identity: BotIdentity): Record<string, unknown> {
  const fromBot = m.user === identity.botUserId;
  return {
    type: 'message',
    ts: m.ts,
    user: m.user,
    ...(fromBot ? { bot_id: identity.botId, app_id: identity.appId } : {}),
    text: m.text ?? '',
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(m.updates > 0 ? { edited: { user: m.user, ts: m.ts } } : {}),
    team: identity.teamId,
  };
}
