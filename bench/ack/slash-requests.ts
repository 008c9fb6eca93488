import { signSlackRequest } from '../../src/slack-emulator/request-signing.js';
import { slashCommandBody } from '../../src/slack-emulator/slash-command-payload.js';
import type { SlackWebApiEmulator } from '../../src/slack-emulator/web-api-server.js';

export interface SlashRequestSpec {
  command: string;
  text: string;
  /** A fresh trigger_id per request (each one a new Slack request, so a new job). */
  uniqueTriggers: boolean;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

const CHANNEL = 'C_DEPLOY';
const USER = 'U_ALICE';

/**
 * Builds slash-command requests the way Slack sends them (the emulator's form body, fields in
 * Slack's order), each signed at the moment it is built so the timestamp is always fresh.
 */
export function slashRequestFactory(emulator: SlackWebApiEmulator, signingSecret: string, spec: SlashRequestSpec): () => SignedRequest {
  const identity = emulator.identity;
  const ws = { teamId: identity.teamId, teamDomain: identity.teamDomain, apiAppId: identity.appId, verificationToken: 'bench-verification-token', botUserId: identity.botUserId };
  const responseUrl = emulator.responseUrlFor(CHANNEL, USER);
  const runId = Date.now().toString(36);
  let counter = 0;
  const fixedTrigger = `${runId}.0.bench`;
  return () => {
    counter += 1;
    const body = slashCommandBody(ws, {
      channelId: CHANNEL,
      channelName: emulator.channelName(CHANNEL),
      userId: USER,
      userName: emulator.userName(USER),
      command: spec.command,
      text: spec.text,
      responseUrl,
      triggerId: spec.uniqueTriggers ? `${runId}.${counter}.bench` : fixedTrigger,
    });
    return {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, signingSecret, Math.floor(Date.now() / 1000)) },
    };
  };
}
