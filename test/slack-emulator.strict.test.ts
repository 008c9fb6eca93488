/**
 * The emulator refuses what real Slack refuses: Block Kit limits, text length, missing arguments,
 * edits of ephemerals, rate limits (429 + Retry-After) and stale trigger_ids. Driven by the WebClient
 * Bolt uses; the clock is injected so nothing here sleeps.
 */
import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_RATE_LIMITS, SlackWebApiEmulator, takeUntakenRefusals } from '../src/slack-emulator/index.js';

const { WebClient } = webApi;

interface SlackFailure {
  error?: string;
  messages: string[];
  retryAfter?: number;
}

async function failure(call: Promise<unknown>): Promise<SlackFailure> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; retryAfter?: number; data?: { error?: string; response_metadata?: { messages?: string[] } } };
    return { error: e.data?.error ?? e.code, messages: e.data?.response_metadata?.messages ?? [], retryAfter: e.retryAfter };
  }
  throw new Error('expected Slack to refuse the call');
}

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (actionId: string, text = 'Go', value = 'v') => ({ type: 'button', action_id: actionId, text: plain(text), value });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const x = (n: number) => 'x'.repeat(n);

describe('strict emulated Slack', () => {
  let clock = 1_700_000_000_000;
  const emulator = new SlackWebApiEmulator({ token: 'xoxb-good', nowMs: () => clock });
  let client: InstanceType<typeof WebClient>;

  beforeAll(async () => {
    await emulator.start();
    client = new WebClient('xoxb-good', { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    clock += 3_600_000;
    emulator.reset();
  });

  const post = (blocks: unknown[], channel = 'C1') => client.chat.postMessage({ channel, text: 'fallback', blocks: blocks as never });

  /** Over the limit is refused at the given pointer; at the limit is accepted. */
  const limits: Array<{ limit: string; over: unknown[]; at: unknown[]; pointer: string; reason: string }> = [
    { limit: 'section text 3,000', over: [section(x(3001))], at: [section(x(3000))], pointer: '/blocks/0/text/text', reason: 'must be less than 3001 characters' },
    { limit: 'section fields: 10', over: [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }], at: [{ type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f')) }], pointer: '/blocks/0/fields', reason: 'no more than 10 items allowed' },
    { limit: 'section field text 2,000', over: [{ type: 'section', fields: [mrkdwn(x(2001))] }], at: [{ type: 'section', fields: [mrkdwn(x(2000))] }], pointer: '/blocks/0/fields/0/text', reason: 'must be less than 2001 characters' },
    { limit: 'header text 150', over: [{ type: 'header', text: plain(x(151)) }], at: [{ type: 'header', text: plain(x(150)) }], pointer: '/blocks/0/text/text', reason: 'must be less than 151 characters' },
    { limit: 'header is plain_text only', over: [{ type: 'header', text: mrkdwn('*bold*') }], at: [{ type: 'header', text: plain('bold') }], pointer: '/blocks/0/text/type', reason: 'must be a plain_text text object' },
    { limit: 'button text 75', over: [{ type: 'actions', elements: [button('a', x(76))] }], at: [{ type: 'actions', elements: [button('a', x(75))] }], pointer: '/blocks/0/elements/0/text/text', reason: 'must be less than 76 characters' },
    { limit: 'button value 2,000', over: [{ type: 'actions', elements: [button('a', 'Go', x(2001))] }], at: [{ type: 'actions', elements: [button('a', 'Go', x(2000))] }], pointer: '/blocks/0/elements/0/value', reason: 'must be less than 2001 characters' },
    { limit: 'action_id 255', over: [{ type: 'actions', elements: [button(x(256))] }], at: [{ type: 'actions', elements: [button(x(255))] }], pointer: '/blocks/0/elements/0/action_id', reason: 'must be less than 256 characters' },
    { limit: 'block_id 255', over: [{ ...section('s'), block_id: x(256) }], at: [{ ...section('s'), block_id: x(255) }], pointer: '/blocks/0/block_id', reason: 'must be less than 256 characters' },
    { limit: 'context: 10 elements', over: [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }], at: [{ type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) }], pointer: '/blocks/0/elements', reason: 'no more than 10 items allowed' },
    { limit: 'actions: 25 elements', over: [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }], at: [{ type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button(`b${i}`)) }], pointer: '/blocks/0/elements', reason: 'no more than 25 items allowed' },
    {
      limit: 'static_select: 100 options',
      over: [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', placeholder: plain('Pick'), options: Array.from({ length: 101 }, (_, i) => ({ text: plain(`o${i}`), value: `${i}` })) }] }],
      at: [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', placeholder: plain('Pick'), options: Array.from({ length: 100 }, (_, i) => ({ text: plain(`o${i}`), value: `${i}` })) }] }],
      pointer: '/blocks/0/elements/0/options',
      reason: 'no more than 100 items allowed',
    },
    { limit: '50 blocks a message', over: Array.from({ length: 51 }, () => ({ type: 'divider' })), at: Array.from({ length: 50 }, () => ({ type: 'divider' })), pointer: '/blocks', reason: 'no more than 50 items allowed' },
  ];

  it.each(limits)('refuses $limit with invalid_blocks and accepts it at the limit', async ({ over, at, pointer, reason }) => {
    const refused = await failure(post(over));
    expect(refused.error).toBe('invalid_blocks');
    expect(refused.messages).toContain(`[ERROR] ${reason} [json-pointer:${pointer}]`);
    expect(emulator.takeRefusals()).toMatchObject([{ method: 'chat.postMessage', error: 'invalid_blocks', problems: [`${reason} [json-pointer:${pointer}]`] }]);
    expect((await post(at)).ok).toBe(true);
  });

  it('refuses two buttons with one action_id in a block, but not in two blocks', async () => {
    const refused = await failure(post([{ type: 'actions', elements: [button('page', 'Prev'), button('page', 'Next')] }]));
    expect(refused).toMatchObject({ error: 'invalid_blocks' });
    expect(refused.messages.join('\n')).toMatch(/duplicate action_id 'page'.*\[json-pointer:\/blocks\/0\/elements\/1\/action_id\]/);
    emulator.takeRefusals();
    expect((await post([{ type: 'actions', elements: [button('page')] }, { type: 'actions', elements: [button('page')] }])).ok).toBe(true);
  });

  it('refuses a block_id used twice in one message', async () => {
    const refused = await failure(post([{ ...section('a'), block_id: 'b1' }, { ...section('b'), block_id: 'b1' }]));
    expect(refused.messages.join('\n')).toMatch(/duplicate block_id 'b1'.*\[json-pointer:\/blocks\/1\/block_id\]/);
    emulator.takeRefusals();
  });

  it('refuses unknown block and element types', async () => {
    expect((await failure(post([{ type: 'sektion', text: mrkdwn('typo') }]))).messages).toContain('[ERROR] unsupported type: sektion [json-pointer:/blocks/0/type]');
    expect((await failure(post([{ type: 'actions', elements: [{ type: 'buton', action_id: 'a', text: plain('x') }] }]))).messages).toContain(
      '[ERROR] unsupported type: buton [json-pointer:/blocks/0/elements/0/type]',
    );
    expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['invalid_blocks', 'invalid_blocks']);
  });

  it('applies the same rules to chat.update and to response_url posts', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'ok' });
    expect((await failure(client.chat.update({ channel: 'C1', ts: ts!, text: 't', blocks: [section(x(3001))] as never }))).error).toBe('invalid_blocks');
    const url = emulator.responseUrlFor('C1', 'U_ALICE', { messageTs: ts });
    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ replace_original: true, text: 't', blocks: [section(x(3001))] }) });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_blocks');
    expect(emulator.takeRefusals().map((r) => `${r.method} ${r.error}`)).toEqual(['chat.update invalid_blocks', 'response_url invalid_blocks']);
    expect(emulator.findMessage('C1', ts!)?.text).toBe('ok');
  });

  it('answers msg_too_long past 40,000 characters of text', async () => {
    expect((await failure(client.chat.postMessage({ channel: 'C1', text: x(40_001) }))).error).toBe('msg_too_long');
    expect((await client.chat.postMessage({ channel: 'C1', text: x(40_000) })).ok).toBe(true);
    expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['msg_too_long']);
  });

  it('answers invalid_arguments when channel or ts is missing', async () => {
    const noChannel = await failure(client.chat.postMessage({ text: 'hi' } as never));
    expect(noChannel).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] must provide a string [json-pointer:/channel]'] });
    const noTs = await failure(client.chat.update({ channel: 'C1', text: 'hi' } as never));
    expect(noTs).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] must provide a string [json-pointer:/ts]'] });
    expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['invalid_arguments', 'invalid_arguments']);
  });

  it('refuses chat.update of an ephemeral message (only its response_url can change it)', async () => {
    const { message_ts } = await client.chat.postEphemeral({ channel: 'C1', user: 'U_ALICE', text: 'only you' });
    expect((await failure(client.chat.update({ channel: 'C1', ts: message_ts!, text: 'edited' }))).error).toBe('message_not_found');
    expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['message_not_found']);
  });

  describe('modals', () => {
    const modal = (blocks: unknown[], title = 'Reject release') => ({ type: 'modal', callback_id: 'cb', title: plain(title), blocks });

    it('takes 100 blocks and a 24-character title, and refuses more with invalid_arguments', async () => {
      const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
      const tooMany = await failure(client.views.open({ trigger_id: emulator.mintTriggerId('U_ALICE'), view: modal(dividers(101)) as never }));
      expect(tooMany.error).toBe('invalid_arguments');
      expect(tooMany.messages).toContain('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
      const longTitle = await failure(client.views.open({ trigger_id: emulator.mintTriggerId('U_ALICE'), view: modal([], x(25)) as never }));
      expect(longTitle.messages).toContain('[ERROR] must be less than 25 characters [json-pointer:/view/title/text]');
      expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['invalid_arguments', 'invalid_arguments']);
      expect((await client.views.open({ trigger_id: emulator.mintTriggerId('U_ALICE'), view: modal(dividers(100), x(24)) as never })).ok).toBe(true);
    });

    it('answers expired_trigger_id for views.open more than 3 s after the trigger was issued', async () => {
      const trigger = emulator.mintTriggerId('U_ALICE');
      clock += 3001;
      expect((await failure(client.views.open({ trigger_id: trigger, view: modal([]) as never }))).error).toBe('expired_trigger_id');
      expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['expired_trigger_id']);
      const fresh = emulator.mintTriggerId('U_ALICE');
      clock += 2999;
      expect((await client.views.open({ trigger_id: fresh, view: modal([]) as never })).ok).toBe(true);
    });
  });

  describe('rate limits (Slack\'s own, the default)', () => {
    it('lets a short burst into one channel, then answers 429 with Retry-After; other channels are unaffected', async () => {
      for (let i = 0; i < SLACK_RATE_LIMITS['chat.postMessage']!.limit; i += 1) await client.chat.postMessage({ channel: 'C_BUSY', text: `m${i}` });
      const response = await fetch(`${emulator.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C_BUSY', text: 'one too many' }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
      expect((await client.chat.postMessage({ channel: 'C_QUIET', text: 'fine' })).ok).toBe(true);

      clock += 1000;
      expect(await failure(client.chat.postMessage({ channel: 'C_BUSY', text: 'still too soon' }))).toMatchObject({ error: 'slack_webapi_rate_limited_error', retryAfter: 4 });
      clock += 4000;
      expect((await client.chat.postMessage({ channel: 'C_BUSY', text: 'after waiting' })).ok).toBe(true);
      expect(emulator.takeRefusals().map((r) => r.error)).toEqual(['ratelimited', 'ratelimited']);
      expect(emulator.messages('C_BUSY').map((m) => m.text).at(-1)).toBe('after waiting');
    });

    it('allows about 50 chat.update calls a minute for the whole app (Tier 3), across messages and channels', async () => {
      const a = await client.chat.postMessage({ channel: 'C_A', text: 'a' });
      const b = await client.chat.postMessage({ channel: 'C_B', text: 'b' });
      for (let i = 0; i < 50; i += 1) {
        const target = i % 2 ? { channel: 'C_A', ts: a.ts! } : { channel: 'C_B', ts: b.ts! };
        await client.chat.update({ ...target, text: `v${i}` });
        clock += 100;
      }
      expect(await failure(client.chat.update({ channel: 'C_A', ts: a.ts!, text: 'v50' }))).toMatchObject({ error: 'slack_webapi_rate_limited_error', retryAfter: 55 });
      clock += 55_000;
      expect((await client.chat.update({ channel: 'C_A', ts: a.ts!, text: 'v50' })).ok).toBe(true);
      expect(emulator.takeRefusals()).toMatchObject([{ method: 'chat.update', error: 'ratelimited' }]);
      expect(emulator.calls.filter((c) => c.error === 'ratelimited')).toMatchObject([{ retryAfterSec: 55 }]);
    });

    it('can be relaxed for suites about something else, and restored', async () => {
      emulator.setRateLimits(false);
      for (let i = 0; i < 20; i += 1) await client.chat.postMessage({ channel: 'C_FLOOD', text: `m${i}` });
      emulator.setRateLimits(SLACK_RATE_LIMITS);
      for (let i = 0; i < 5; i += 1) await client.chat.postMessage({ channel: 'C_FLOOD2', text: `m${i}` });
      expect((await failure(client.chat.postMessage({ channel: 'C_FLOOD2', text: 'x' }))).error).toBe('slack_webapi_rate_limited_error');
      emulator.takeRefusals();
    });
  });

  it('keeps every refusal nobody took for the test guard, from every emulator, once', async () => {
    const other = new SlackWebApiEmulator({ token: 'xoxb-other', rateLimits: false });
    await other.start();
    try {
      const otherClient = new WebClient('xoxb-other', { slackApiUrl: other.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
      await failure(otherClient.chat.postMessage({ channel: 'C1', text: 'x', blocks: [{ type: 'nope' }] as never }));
      await failure(client.chat.postMessage({ channel: 'C1', text: x(40_001) }));
      expect(takeUntakenRefusals().map((r) => r.error).sort()).toEqual(['invalid_blocks', 'msg_too_long']);
      expect(takeUntakenRefusals()).toEqual([]);
      // An injected fault is what the test asked for: not a refusal.
      emulator.failNext('chat.postMessage', { error: 'channel_not_found' });
      await failure(client.chat.postMessage({ channel: 'C1', text: 'x' }));
      expect(emulator.takeRefusals()).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('counts an invalid reply in a slash command ack as a refusal', () => {
    emulator.inspectAck({ response_type: 'ephemeral', text: 'page', blocks: [{ type: 'actions', elements: [button('p'), button('p')] }] });
    emulator.inspectAck({ text: 'fine', blocks: [section('ok')] });
    expect(emulator.takeRefusals()).toMatchObject([{ method: 'ack', error: 'invalid_blocks' }]);
  });
});
