import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackUserClient, SlackWebApiEmulator } from '../src/slack-emulator/index.js';

/** Clicks in ephemeral messages, as Slack delivers them, against a real Bolt app. */
const signingSecret = 'ephemeral-spec-secret';
let emulator: SlackWebApiEmulator;
let app: App;
let slack: SlackUserClient;
const seen: Array<{ hasMessage: boolean; isEphemeral: boolean | undefined }> = [];

beforeAll(async () => {
  emulator = new SlackWebApiEmulator({ token: 'xoxb-test' });
  await emulator.start();
  app = new App({ token: 'xoxb-test', signingSecret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } } });
  await emulator.waitFor(() => emulator.calls.some((c) => c.method === 'auth.test'));
  app.action<BlockButtonAction>(/^eph_/, async ({ ack, body, action, respond }) => {
    await ack();
    seen.push({ hasMessage: 'message' in body && body.message !== undefined, isEphemeral: (body.container as { is_ephemeral?: boolean }).is_ephemeral });
    if (action.action_id === 'eph_replace') await respond({ replace_original: true, text: 'Replaced just for you' });
    else await respond({ delete_original: true });
  });
  const server = await app.start(0);
  slack = new SlackUserClient({ botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret, emulator });
});
afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

async function postEphemeral(actionId: string): Promise<string> {
  const { message_ts } = await app.client.chat.postEphemeral({
    channel: 'C_EPH',
    user: 'U_ALICE',
    text: 'Pick one',
    blocks: [{ type: 'actions', block_id: 'b1', elements: [{ type: 'button', action_id: actionId, text: { type: 'plain_text', text: 'Go' }, value: 'v' }] }],
  });
  return message_ts!;
}

describe('a button in an ephemeral message', () => {
  it('arrives with container.is_ephemeral true and no `message`, and replace_original through response_url changes the ephemeral', async () => {
    const ts = await postEphemeral('eph_replace');
    expect((await slack.blockAction({ actionId: 'eph_replace', channel: 'C_EPH', user: 'U_ALICE', messageTs: ts })).status).toBe(200);
    await emulator.waitFor(() => emulator.ephemerals('C_EPH', 'U_ALICE').find((e) => e.ts === ts && e.text === 'Replaced just for you'));
    expect(seen.at(-1)).toEqual({ hasMessage: false, isEphemeral: true });
  });

  it('delete_original through response_url removes it', async () => {
    const ts = await postEphemeral('eph_delete');
    await slack.blockAction({ actionId: 'eph_delete', channel: 'C_EPH', user: 'U_ALICE', messageTs: ts });
    await emulator.waitFor(() => (emulator.ephemerals('C_EPH', 'U_ALICE').some((e) => e.ts === ts) ? undefined : true));
    expect(seen.at(-1)).toEqual({ hasMessage: false, isEphemeral: true });
  });
});
