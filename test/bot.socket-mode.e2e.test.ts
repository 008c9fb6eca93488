import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import { jsonFixture } from './support/slack-fixtures.js';

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

  it('an events_api envelope redelivered with retry_attempt (the first ack was late) is answered once', async () => {
    const { teamId, appId, botUserId } = h.emulator.identity;
    const envelope = (attempt: number, reason: string) =>
      jsonFixture('socket_events_api_app_mention_retry.json', {
        envelope_id: `env-${attempt}`,
        verification_token: 'verification',
        team_id: teamId,
        app_id: appId,
        bot_user: botUserId,
        user: 'U_CAROL',
        channel: 'C_SOCKRETRY',
        text: 'rwenv list',
        ts: '1700000700.000100',
        event_id: 'Ev0SOCKRETRY',
        retry_attempt: attempt,
        retry_reason: reason,
      });
    const first = envelope(0, '');
    const retry = envelope(1, 'timeout');
    expect(retry).toMatchObject({ type: 'events_api', retry_attempt: 1, retry_reason: 'timeout' });
    await h.socket!.send('events_api', first.payload as Record<string, unknown>);
    await h.socket!.send('events_api', retry.payload as Record<string, unknown>, 5000, { attempt: 1, reason: 'timeout' });
    await h.emulator.waitFor(() => h.emulator.ephemerals('C_SOCKRETRY', 'U_CAROL')[0]);
    // A third delivery as a sentinel: by the time it is acked and answered, a duplicate answer would be there.
    await h.socket!.send('events_api', envelope(2, 'timeout').payload as Record<string, unknown>, 5000, { attempt: 2, reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 400));
    expect(h.emulator.ephemerals('C_SOCKRETRY', 'U_CAROL')).toHaveLength(1);
  });

  it('a redelivery whose first delivery never arrived is still answered', async () => {
    const { teamId, appId, botUserId } = h.emulator.identity;
    const lateOnly = jsonFixture('socket_events_api_app_mention_retry.json', {
      envelope_id: 'env-late',
      verification_token: 'verification',
      team_id: teamId,
      app_id: appId,
      bot_user: botUserId,
      user: 'U_DAVE',
      channel: 'C_SOCKLATE',
      text: 'rwenv list',
      ts: '1700000800.000100',
      event_id: 'Ev0SOCKLATE',
      retry_attempt: 3,
      retry_reason: 'timeout',
    });
    await h.socket!.send('events_api', lateOnly.payload as Record<string, unknown>, 5000, { attempt: 3, reason: 'timeout' });
    const reply = await h.emulator.waitFor(() => h.emulator.ephemerals('C_SOCKLATE', 'U_DAVE')[0]);
    expect(messageText(reply)).toContain('`rdebug`');
  });

  it('still serves /healthz on PORT for the probes', async () => {
    expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);
  });
});
