import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({ socketMode: true });
  await h.socket!.connected();
});
afterAll(async () => {
  await h?.stop();
});

const slash = (command: string, text: string, channel: string) => ({
  token: 'verification',
  team_id: 'T0TEAM',
  team_domain: 'acme',
  channel_id: channel,
  channel_name: 'deploys',
  user_id: 'U_ALICE',
  user_name: 'alice',
  command,
  text,
  api_app_id: 'A0ROLLBOT',
  is_enterprise_install: 'false',
  response_url: h.emulator.responseUrlFor(channel, 'U_ALICE'),
  trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
});

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('connects with the app token, acks a slash command envelope and runs the rollout', async () => {
    const ack = await h.socket!.send('slash_commands', slash('/rollout', 'papi 42 --env rdebug', 'C_SOCKET'));
    expect(messageText(ack.payload as { text?: string; blocks?: unknown[] })).toMatch(/Queued rollout of papi #42 to `rdebug`/);
    const done = await h.waitForMessage('C_SOCKET', /Updated papi to ps-42-/);
    expect(messageText(done)).toContain('clusters/rdebug/apps/papi/values.yaml');
    expect(await h.flux.log()).toContain(`chore(papi): update image tag to ps-42-${h.prHeads[42]!.slice(0, 7)}`);
  });

  it('answers a mention delivered as an events_api envelope', async () => {
    await h.socket!.send('events_api', {
      type: 'event_callback',
      team_id: 'T0TEAM',
      api_app_id: 'A0ROLLBOT',
      event_id: 'Ev-socket-1',
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true }],
      event: { type: 'app_mention', user: 'U_BOB', text: '<@U0BOT> rwenv list', channel: 'C_SOCKET2', ts: '1700000000.000100', event_ts: '1700000000.000100' },
    });
    const reply = await h.emulator.waitFor(() => h.emulator.ephemerals('C_SOCKET2', 'U_BOB')[0]);
    expect(messageText(reply)).toContain('`rdebug`');
  });

  it('still serves /healthz on PORT for the probes', async () => {
    expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);
  });
});
