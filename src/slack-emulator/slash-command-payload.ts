import type { WorkspaceRef } from './workspace-ref.js';

export interface SlashCommandFields {
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

/**
 * The form-urlencoded body Slack posts for a slash command, fields in Slack's
 * order. Deterministic for the same inputs, which is what lets a retry resend
 * a byte-identical body.
 */
export function slashCommandBody(ws: WorkspaceRef, f: SlashCommandFields): string {
  return new URLSearchParams([
    ['token', ws.verificationToken],
    ['team_id', ws.teamId],
    ['team_domain', ws.teamDomain],
    ['channel_id', f.channelId],
    ['channel_name', f.channelName],
    ['user_id', f.userId],
    ['user_name', f.userName],
    ['command', f.command],
    ['text', f.text],
    ['api_app_id', ws.apiAppId],
    ['is_enterprise_install', 'false'],
    ['response_url', f.responseUrl],
    ['trigger_id', f.triggerId],
  ]).toString();
}
