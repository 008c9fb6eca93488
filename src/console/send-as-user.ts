import type { SlackUserClient } from '../slack-emulator/index.js';

export interface SayRequest {
  text: string;
  user?: string;
  channel?: string;
}

export interface SayResult {
  kind: 'slash' | 'mention' | 'dm';
  channel: string;
  status: number;
  /** The slash command's immediate reply (ack body), if any. */
  ack?: unknown;
  ts?: string;
}

/**
 * What a person types, delivered as Slack would: `/cmd args` as a signed slash command,
 * `@rollbot …` as a mention, anything else as a DM.
 */
export async function sendAsUser(user: SlackUserClient, request: SayRequest): Promise<SayResult> {
  const text = request.text.trim();
  const who = request.user ?? 'U_ALICE';
  const channel = request.channel ?? 'C_DEPLOY';
  const slash = /^(\/[a-z][\w-]*)\s*([\s\S]*)$/i.exec(text);
  if (slash) {
    const result = await user.slashCommand({ command: slash[1]!.toLowerCase(), text: slash[2]!, user: who, channel });
    return { kind: 'slash', channel, status: result.status, ack: result.json };
  }
  const mention = /^@rollbot\b\s*([\s\S]*)$/i.exec(text);
  if (mention) {
    const result = await user.message({ text: mention[1]!, user: who, channel, mention: true });
    return { kind: 'mention', channel, status: result.status, ts: result.ts };
  }
  const dm = `D_${who}`;
  const result = await user.message({ text, user: who, channel: dm, channelType: 'im' });
  return { kind: 'dm', channel: dm, status: result.status, ts: result.ts };
}
