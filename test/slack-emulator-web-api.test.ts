/**
 * Specification of the emulated Slack Web API, driven by the same WebClient
 * Bolt uses (form-encoded bodies, bearer token) plus raw HTTP where the wire
 * format itself is the point.
 */
import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackWebApiEmulator, type RecordEvent } from '../src/slack-emulator/index.js';

const { WebClient } = webApi;

/** The Slack error code of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { error?: string } }).data;
    return data?.error ?? (error as { code?: string }).code;
  }
  throw new Error('expected the call to fail');
}

describe('emulated Slack Web API', () => {
  let clock = Date.now();
  const emulator = new SlackWebApiEmulator({
    token: 'xoxb-good',
    users: { U_ALICE: 'alice.smith' },
    nowMs: () => clock,
  });
  let client: InstanceType<typeof WebClient>;
  /** The refusals this test provoked on purpose, taken so the emulator guard does not fail the test. */
  const refused = () => emulator.takeRefusals().map((r) => `${r.method} ${r.error}`);

  beforeAll(async () => {
    await emulator.start();
    client = new WebClient('xoxb-good', {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  beforeEach(() => {
    clock = Date.now();
    emulator.reset();
  });

  it('exposes an apiUrl that WebClient/Bolt take as slackApiUrl', () => {
    expect(emulator.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(emulator.apiUrl.startsWith(emulator.baseUrl)).toBe(true);
  });

  it('answers auth.test with the bot identity Bolt needs', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, team_id: 'T0TEAM', user_id: 'U0BOT', bot_id: 'B0BOT' });
    expect(result.url).toMatch(/^https:\/\//);
  });

  it('rejects a wrong token with invalid_auth and a missing one with not_authed', async () => {
    const wrong = new WebClient('xoxb-bad', { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } });
    expect(await slackError(wrong.auth.test())).toBe('invalid_auth');
    const anonymous = await fetch(`${emulator.apiUrl}auth.test`, { method: 'POST' });
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(refused()).toEqual(['auth.test invalid_auth', 'auth.test not_authed']);
  });

  it('answers unknown methods with unknown_method over HTTP 200, and records the call', async () => {
    const response = await fetch(`${emulator.apiUrl}pins.add`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C1&timestamp=1.2',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'unknown_method' });
    expect(emulator.calls).toMatchObject([
      { method: 'pins.add', args: { channel: 'C1', timestamp: '1.2' }, ok: false, error: 'unknown_method' },
    ]);
    expect(refused()).toEqual(['pins.add unknown_method']);
  });

  it('accepts JSON bodies as well as form-encoded ones', async () => {
    const response = await fetch(`${emulator.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C_JSON', text: 'hi', blocks: [{ type: 'divider' }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C_JSON' });
    expect(emulator.messages('C_JSON')).toMatchObject([{ text: 'hi', blocks: [{ type: 'divider' }] }]);
  });

  it('never records the token among call arguments', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    expect(JSON.stringify(emulator.calls)).not.toContain('xoxb-good');
  });

  describe('chat', () => {
    it('refuses to post nothing and to edit or delete a message that does not exist', async () => {
      expect(await slackError(client.chat.postMessage({ channel: 'C1', text: '' }))).toBe('no_text');
      expect(await slackError(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).toBe(
        'message_not_found',
      );
      expect(await slackError(client.chat.delete({ channel: 'C1', ts: '1.000001' }))).toBe('message_not_found');
      expect(refused()).toEqual(['chat.postMessage no_text', 'chat.update message_not_found', 'chat.delete message_not_found']);
    });

    it('returns the message from chat.update and keeps every version', async () => {
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
      const ts = posted.ts ?? '';
      await client.chat.update({ channel: 'C1', ts, text: 'v2' });
      const updated = await client.chat.update({ channel: 'C1', ts, text: 'v3' });
      expect(updated).toMatchObject({ ok: true, channel: 'C1', ts, text: 'v3' });
      const [message] = emulator.messages('C1');
      expect(message?.updates).toBe(2);
      expect(message?.history.map((v) => v.text)).toEqual(['v1', 'v2', 'v3']);
    });

    it('removes a deleted message from messages() but not from the record of calls', async () => {
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'oops' });
      await client.chat.delete({ channel: 'C1', ts: posted.ts ?? '' });
      expect(emulator.messages('C1')).toEqual([]);
      expect(emulator.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.delete']);
    });

    it('answers postEphemeral with a message_ts and keeps it out of the channel', async () => {
      const result = await client.chat.postEphemeral({ channel: 'C1', user: 'U_ALICE', text: 'just you' });
      expect(result.message_ts).toMatch(/^\d+\.\d{6}$/);
      expect(emulator.ephemerals('C1', 'U_ALICE')).toMatchObject([{ ts: result.message_ts, text: 'just you' }]);
      expect(emulator.messages('C1')).toEqual([]);
    });

    it('counts chat.update per channel per minute (Slack allows about 50)', async () => {
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'progress' });
      for (let i = 0; i < 30; i += 1) {
        clock += 1000; // one update a second for 30 s
        await client.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: `${i}` });
      }
      clock += 45_000;
      expect(emulator.updateRate('C1')).toEqual({ total: 30, peakPerMinute: 30, lastMinute: 15 });
      expect(emulator.updateRate('C_OTHER').total).toBe(0);
    });
  });

  describe('directory', () => {
    it('names users from configuration, or from their id', async () => {
      emulator.setUser('U_BOB', 'bob', 'Bob Builder');
      expect((await client.users.info({ user: 'U_ALICE' })).user).toMatchObject({ id: 'U_ALICE', name: 'alice.smith' });
      expect((await client.users.info({ user: 'U_BOB' })).user).toMatchObject({
        name: 'bob',
        real_name: 'Bob Builder',
      });
      expect((await client.users.info({ user: 'U_CAROL' })).user).toMatchObject({ name: 'carol' });
    });

    it('lists configured user group members and refuses unknown groups', async () => {
      emulator.setUsergroup('S_SRE', ['U_ALICE', 'U_BOB']);
      expect((await client.usergroups.users.list({ usergroup: 'S_SRE' })).users).toEqual(['U_ALICE', 'U_BOB']);
      expect(await slackError(client.usergroups.users.list({ usergroup: 'S_NOPE' }))).toBe('no_such_subteam');
      expect(refused()).toEqual(['usergroups.users.list no_such_subteam']);
    });

    it('describes channels and DMs', async () => {
      emulator.setChannel('C_PROD', 'prod-deploys', true);
      expect((await client.conversations.info({ channel: 'C_PROD' })).channel).toMatchObject({
        id: 'C_PROD',
        name: 'prod-deploys',
        is_private: true,
      });
      expect((await client.conversations.info({ channel: 'D_ALICE' })).channel).toMatchObject({ is_im: true });
    });
  });

  describe('views', () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'cb',
      title: { type: 'plain_text' as const, text: 'T' },
      blocks: [],
    };

    it('opens a modal only with a live, unused trigger_id, like Slack', async () => {
      expect(await slackError(client.views.open({ trigger_id: 'made.up.id', view }))).toBe('invalid_trigger_id');

      const trigger = emulator.mintTriggerId('U_ALICE');
      const opened = await client.views.open({ trigger_id: trigger, view });
      expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'cb', state: { values: {} } });
      expect(await slackError(client.views.open({ trigger_id: trigger, view }))).toBe('trigger_exchanged');

      const late = emulator.mintTriggerId('U_ALICE');
      clock += 3001;
      expect(await slackError(client.views.open({ trigger_id: late, view }))).toBe('expired_trigger_id');
      expect(emulator.views()).toMatchObject([{ user: 'U_ALICE', view: { callback_id: 'cb' } }]);
      expect(refused()).toEqual(['views.open invalid_trigger_id', 'views.open trigger_exchanged', 'views.open expired_trigger_id']);
    });

    it('updates an open view and keeps its history', async () => {
      const opened = await client.views.open({ trigger_id: emulator.mintTriggerId('U_ALICE'), view });
      await client.views.update({ view_id: opened.view?.id ?? '', view: { ...view, callback_id: 'cb2' } });
      expect(emulator.views()[0]?.history.map((v) => v.callback_id)).toEqual(['cb', 'cb2']);
    });
  });

  describe('response_url', () => {
    it('answers 404 for a URL it never minted', async () => {
      const response = await fetch(`${emulator.baseUrl}/response/nope`, { method: 'POST', body: '{"text":"x"}' });
      expect(response.status).toBe(404);
      expect(refused()).toEqual(['response_url no_service']);
    });

    it('deletes the source message on delete_original', async () => {
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'approve?' });
      const url = emulator.responseUrlFor('C1', 'U_ALICE', { messageTs: posted.ts ?? '' });
      const response = await fetch(url, { method: 'POST', body: JSON.stringify({ delete_original: true }) });
      expect(response.status).toBe(200);
      expect(emulator.messages('C1')).toEqual([]);
      expect(emulator.responses('C1')).toMatchObject([{ delete_original: true, user: 'U_ALICE' }]);
    });

    it('mints the same URL for the same key, so retries can be byte-identical', () => {
      const keyed = emulator.responseUrlFor('C1', 'U_ALICE', { key: 'k' });
      expect(emulator.responseUrlFor('C1', 'U_ALICE', { key: 'k' })).toBe(keyed);
      expect(emulator.responseUrlFor('C1', 'U_ALICE')).not.toBe(emulator.responseUrlFor('C1', 'U_ALICE'));
    });
  });

  it('can make the next call fail, e.g. with a 429 rate limit', async () => {
    emulator.failNext('chat.postMessage', { retryAfterSec: 1 });
    const strict = new WebClient('xoxb-good', { slackApiUrl: emulator.apiUrl, rejectRateLimitedCalls: true });
    expect(await slackError(strict.chat.postMessage({ channel: 'C1', text: 'x' }))).toBe(
      'slack_webapi_rate_limited_error',
    );
    emulator.failNext('chat.update', { error: 'channel_not_found' });
    expect(await slackError(client.chat.update({ channel: 'C1', ts: '1.1', text: 'x' }))).toBe('channel_not_found');
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('streams every record to onRecord listeners until unsubscribed', async () => {
    const events: RecordEvent['kind'][] = [];
    const unsubscribe = emulator.onRecord((event) => events.push(event.kind));
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'a' });
    await client.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'b' });
    unsubscribe();
    await client.chat.postMessage({ channel: 'C1', text: 'c' });
    expect(events).toEqual(['message', 'call', 'message_updated', 'call']);
  });

  it('waitFor resolves as soon as the probe holds and treats a throwing probe as not yet', async () => {
    const waiting = emulator.waitFor(() => {
      const [first] = emulator.messages('C1');
      if (!first) throw new Error('no message yet');
      return first;
    }, 2000);
    await client.chat.postMessage({ channel: 'C1', text: 'here' });
    expect((await waiting).text).toBe('here');
    await expect(emulator.waitFor(() => emulator.messages('C_NONE')[0], 100)).rejects.toThrow(
      /timed out after 100 ms[\s\S]*recorded so far:[\s\S]*chat\.postMessage ok/,
    );
  });
});
