import type { WorkspaceRef } from './workspace-ref.js';

export interface MessageEventFields {
  /** app_mention when the bot is @-mentioned in a channel, message otherwise (e.g. DMs). */
  type: 'app_mention' | 'message';
  text: string;
  user: string;
  channel: string;
  channelType: 'channel' | 'im';
  ts: string;
  threadTs: string | undefined;
  eventId: string;
  eventTimeSec: number;
}

/** The Events API envelope (type event_callback) Slack posts as JSON for a message or mention. */
export function eventCallbackPayload(ws: WorkspaceRef, f: MessageEventFields): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: f.type,
    client_msg_id: `${f.eventId}-msg`,
    text: f.text,
    user: f.user,
    ts: f.ts,
    team: ws.teamId,
    channel: f.channel,
    event_ts: f.ts,
    ...(f.threadTs !== undefined ? { thread_ts: f.threadTs } : {}),
    // app_mention events carry no channel_type; message events always do.
    ...(f.type === 'message' ? { channel_type: f.channelType } : {}),
  };
  return {
    token: ws.verificationToken,
    team_id: ws.teamId,
    context_team_id: ws.teamId,
    context_enterprise_id: null,
    api_app_id: ws.apiAppId,
    event,
    type: 'event_callback',
    event_id: f.eventId,
    event_time: f.eventTimeSec,
    authorizations: [
      {
        enterprise_id: null,
        team_id: ws.teamId,
        user_id: ws.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-emulated-${f.eventId}`,
  };
}
