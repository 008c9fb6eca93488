import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText, seedCatalog } from './support/bot-harness.js';
import { formFixture, jsonFixture, rawFixture, type FixtureVars } from './support/slack-fixtures.js';

/**
 * Payloads in the shapes real Slack sends (test/fixtures/slack), signed and posted to the real Bolt
 * app over HTTP: what rollbot must answer, and what it must leave alone.
 */
let h: BotHarness;
let base: FixtureVars;
beforeAll(async () => {
  h = await BotHarness.start({ catalog: true });
  const { teamId, appId, botUserId } = h.emulator.identity;
  base = { verification_token: 'emulated-verification-token', team_id: teamId, app_id: appId, bot_user: botUserId };
});
afterAll(async () => {
  await h?.stop();
});

const FORM = 'application/x-www-form-urlencoded' as const;
const JSON_TYPE = 'application/json' as const;
const sendJson = (body: Record<string, unknown>) => h.user.send({ rawBody: JSON.stringify(body), contentType: JSON_TYPE });
const sendInteraction = (payload: Record<string, unknown>) =>
  h.user.send({ rawBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: FORM });
const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

function slashVars(channel: string, user: string, text: string, command = '/rollout'): FixtureVars {
  return {
    ...base,
    channel,
    user,
    command,
    text,
    response_url: h.emulator.responseUrlFor(channel, user),
    trigger_id: h.emulator.mintTriggerId(user),
  };
}

/** Sends a DM as a person and waits for its answer: anything an ignored event caused would be there too. */
async function sentinel(channel: string, user: string): Promise<void> {
  const before = h.botMessages(channel).length;
  await h.user.message({ text: 'rwenv list', channel, channelType: 'im', user });
  await h.emulator.waitFor(() => h.botMessages(channel).length > before);
  await new Promise((r) => setTimeout(r, 300));
}

describe('endpoint checks Slack makes', () => {
  it('url_verification: answers the challenge', async () => {
    const result = await sendJson(jsonFixture('url_verification.json', { ...base, challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' }));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('ssl_check: 200 and nothing else happens', async () => {
    const before = h.emulator.calls.filter((c) => c.method !== 'auth.test').length;
    const result = await h.user.send({ rawBody: rawFixture('ssl_check.form.txt', base), contentType: FORM });
    expect(result.status).toBe(200);
    expect(h.emulator.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(before);
    expect(await h.queuedJobCount()).toBe(0);
  });
});

describe('slash commands from Enterprise Grid', () => {
  it('a workspace install inside an org (enterprise_id set, is_enterprise_install the string "false") runs the rollout', async () => {
    const body = formFixture('slash_command_enterprise_workspace.json', slashVars('C_ENT', 'W0ENTALICE', 'papi 42 --env rdebug'));
    expect(new URLSearchParams(body).get('is_enterprise_install')).toBe('false');
    const ack = await h.user.send({ rawBody: body, contentType: FORM });
    expect(ack.status).toBe(200);
    expect(ackText(ack)).toMatch(/Queued rollout of papi #42 to `rdebug`/);
    const done = await h.waitForMessage('C_ENT', /Updated papi to ps-42-/);
    expect(messageText(done)).toContain('Requested by <@W0ENTALICE>');
  });

  it('an org-wide install (is_enterprise_install "true") is answered the same way', async () => {
    const ack = await h.user.send({ rawBody: formFixture('slash_command_org_install.json', slashVars('C_ORG', 'W0OWNER', 'list', '/rwenv')), contentType: FORM });
    expect(ack.status).toBe(200);
    expect(ackText(ack)).toContain('*Environments*');
  });
});

describe('events from an org-wide install', () => {
  it('a mention with enterprise_id and an enterprise authorization is answered in its thread', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_ORGEV', user: 'W0ENTBOB' });
    // The message exists in the channel, so the bot's thread reply has a parent.
    const { ts } = h.emulator.recordUserMessage({ channel: 'C_ORGEV', user: 'W0ENTBOB', text: 'what namespace is papi in?' });
    const payload = jsonFixture('event_app_mention_org_install.json', {
      ...base,
      user: 'W0ENTBOB',
      channel: 'C_ORGEV',
      text: 'what namespace is papi in?',
      ts,
      event_id: 'Ev0ORGMENTION',
    });
    expect((await sendJson(payload)).status).toBe(200);
    const reply = await h.waitForMessage('C_ORGEV', /runwhen-local/);
    expect(reply.thread_ts).toBe(ts);
  });
});

describe('a button in an ephemeral message (no `message` in the payload)', () => {
  it('is answered through response_url, replacing the ephemeral; chat.update is never tried', async () => {
    const services = Object.fromEntries(
      Array.from({ length: 130 }, (_, i) => [`svc-${String(i).padStart(3, '0')}`, { namespace: 'apps', fluxPath: `clusters/rdebug/apps/svc-${i}/` }]),
    );
    await writeFile(join(h.root, 'services-catalog.json'), JSON.stringify({ ...seedCatalog(h.flux.url), services }));
    const ack = await h.user.slashCommand({ command: '/services', text: '--env rdebug', channel: 'C_EPH', user: 'U_ALICE' });
    expect((ack.json as { response_type: string }).response_type).toBe('ephemeral');
    expect(ackText(ack)).toContain('Page 1 of 3');
    const next = ((ack.json as { blocks: Array<{ type: string; block_id?: string; elements?: Array<Record<string, unknown>> }> }).blocks)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b.elements ?? []).map((e): Record<string, unknown> => ({ ...e, block_id: b.block_id })))
      .find((e) => (e.text as { text: string }).text.startsWith('Next'))!;

    const messageTs = '1700000500.000500'; // the ts Slack gave the ephemeral ack
    const payload = jsonFixture('block_actions_ephemeral.json', {
      ...base,
      user: 'U_ALICE',
      channel: 'C_EPH',
      message_ts: messageTs,
      trigger_id: h.emulator.mintTriggerId('U_ALICE'),
      response_url: h.emulator.responseUrlFor('C_EPH', 'U_ALICE', { messageTs }),
      action_id: String(next.action_id),
      block_id: String(next.block_id ?? 'b1'),
      button_text: 'Next →',
      value: String(next.value),
      action_ts: '1700000501.000100',
    });
    expect(payload).not.toHaveProperty('message');
    const updatesBefore = h.emulator.calls.filter((c) => c.method === 'chat.update').length;
    const result = await sendInteraction(payload);
    expect(result.status).toBe(200);
    const replaced = await h.emulator.waitFor(() => h.emulator.responses('C_EPH').find((r) => r.messageTs === messageTs));
    expect(replaced.replace_original).toBe(true);
    expect(messageText(replaced)).toContain('Page 2 of 3');
    expect(messageText(replaced)).toContain('svc-060');
    expect(h.emulator.calls.filter((c) => c.method === 'chat.update')).toHaveLength(updatesBefore);
  });
});

describe('events rollbot must never answer (no bot loops, edits are not requests)', () => {
  const ts = () => `${1700000600 + Math.floor(Math.random() * 1000)}.000${Math.floor(Math.random() * 900 + 100)}`;

  it('an edited DM (message_changed, text under event.message) starts nothing', async () => {
    const payload = jsonFixture('event_message_changed.json', {
      ...base,
      user: 'U_ERIN',
      channel: 'D_ERIN',
      channel_type: 'im',
      text: 'rollout papi 42 --env rdebug',
      previous_text: 'rollout papi 41 --env rdebug',
      original_ts: ts(),
      edited_ts: ts(),
      event_id: 'Ev0EDIT1',
    });
    expect((payload.event as Record<string, unknown>).text).toBeUndefined();
    expect((await sendJson(payload)).status).toBe(200);
    await sentinel('D_ERIN', 'U_ERIN');
    expect(h.botMessages('D_ERIN')).toHaveLength(1); // the sentinel's answer only
    expect(messageText(h.botMessages('D_ERIN')[0]!)).toContain('*Environments*');
  });

  it.each([
    ['another app’s bot user in a DM (no subtype, bot_id + bot_profile)', 'event_message_from_other_app.json', { event_type: 'message', channel_type: 'im' }],
    ['another app @-mentioning rollbot in a channel', 'event_message_from_other_app.json', { event_type: 'app_mention', channel_type: 'channel' }],
    ['a classic bot_message', 'event_message_bot_message.json', { channel_type: 'im' }],
  ] as const)('%s', async (_name, file, vars) => {
    const channel = vars.channel_type === 'im' ? 'D_FRANK' : 'C_BOTS';
    const before = await h.queuedJobCount();
    const payload = jsonFixture(file, {
      ...base,
      ...vars,
      channel,
      ts: ts(),
      text: `<@${String(base.bot_user)}> rollout papi 42 --env rdebug`,
      event_id: `Ev0BOT${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    });
    expect((await sendJson(payload)).status).toBe(200);
    await sentinel('D_FRANK', 'U_FRANK');
    expect(h.botMessages(channel).filter((m) => !/\*Environments\*/.test(messageText(m)))).toHaveLength(0);
    expect(h.emulator.ephemerals(channel)).toHaveLength(0);
    expect(await h.queuedJobCount()).toBe(before);
  });
});
