/**
 * Specification of the Slack emulator, proven against the REAL @slack/bolt App
 * in HTTP mode: whatever passes here is what production Slack traffic looks
 * like to Bolt, and whatever the bot does is recorded as a human would see it.
 */
import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction, LogLevel, verifySlackRequest } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackUserClient, SlackWebApiEmulator, signSlackRequest } from '../src/slack-emulator/index.js';

const signingSecret = 'emulator-spec-signing-secret';

interface Harness {
  emulator: SlackWebApiEmulator;
  app: App;
  slack: SlackUserClient;
}

/** Emulator first: Bolt calls auth.test in its constructor and caches the answer. */
async function startHarness(): Promise<Harness> {
  const emulator = new SlackWebApiEmulator({ token: 'xoxb-test' });
  await emulator.start();
  const app = new App({
    token: 'xoxb-test',
    signingSecret,
    logLevel: LogLevel.ERROR,
    // No retries: a failing call should fail the test now, not in 30 minutes.
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
  });
  // Bolt fired auth.test from its constructor; let it land so no test races it.
  await emulator.waitFor(() => emulator.calls.some((c) => c.method === 'auth.test'));
  const server = await app.start(0);
  const { port } = server.address() as AddressInfo;
  const slack = new SlackUserClient({ botUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret, emulator });
  return { emulator, app, slack };
}

describe('Slack emulator with a real Bolt app', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.app.stop();
    await h.emulator.stop();
  });

  it('signs requests exactly as Bolt verifies them', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest('a=1&b=2', signingSecret, now);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() =>
      verifySlackRequest({
        signingSecret,
        body: 'a=1&b=2',
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      }),
    ).not.toThrow();
  });

  it('acks a signed slash command; the handler’s postMessage and chat.update are recorded with history', async () => {
    let seenCommand: Record<string, string> | undefined;
    h.app.command('/rollout', async ({ ack, command, client }) => {
      await ack();
      seenCommand = { ...command };
      const posted = await client.chat.postMessage({
        channel: command.channel_id,
        text: `Rolling out ${command.text}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*Rolling out* ${command.text}` } }],
      });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      await client.chat.update({ channel: command.channel_id, ts: posted.ts, text: 'Rolled out ✅' });
    });

    const ack = await h.slack.slashCommand({ command: '/rollout', text: 'api v1.2.3', user: 'U_ALICE' });

    expect(ack.status).toBe(200);
    expect(ack.ackMs).toBeLessThan(3000);
    const [message] = await h.emulator.waitFor(() => {
      const messages = h.emulator.messages('C_DEPLOY');
      return messages[0]?.updates === 1 && messages;
    });
    expect(message).toMatchObject({ channel: 'C_DEPLOY', user: 'U0BOT', text: 'Rolled out ✅', updates: 1 });
    // Blocks arrived form-encoded as a JSON string and were decoded; chat.update without blocks keeps them.
    expect(message?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Rolling out* api v1.2.3' } }]);
    expect(message?.history.map((v) => v.text)).toEqual(['Rolling out api v1.2.3', 'Rolled out ✅']);
    expect(message?.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(seenCommand).toMatchObject({
      command: '/rollout',
      text: 'api v1.2.3',
      user_id: 'U_ALICE',
      user_name: 'alice',
      channel_id: 'C_DEPLOY',
      channel_name: 'deploy',
      team_id: 'T0TEAM',
      is_enterprise_install: 'false',
    });
    expect(h.emulator.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(['auth.test', 'chat.postMessage', 'chat.update']),
    );
    expect(h.emulator.updateRate('C_DEPLOY')).toMatchObject({ total: 1, lastMinute: 1, peakPerMinute: 1 });
  });

  it('threads replies with thread_ts and keeps ts unique and increasing', async () => {
    h.app.command('/rollout', async ({ ack, command, client }) => {
      await ack();
      const parent = await client.chat.postMessage({ channel: command.channel_id, text: 'parent' });
      for (const n of [1, 2, 3]) {
        await client.chat.postMessage({ channel: command.channel_id, thread_ts: parent.ts, text: `step ${n}` });
      }
    });
    await h.slack.slashCommand({ text: 'web' });
    const messages = await h.emulator.waitFor(() => {
      const all = h.emulator.messages('C_DEPLOY');
      return all.length === 4 && all;
    });
    const [parent, ...replies] = messages;
    expect(replies.every((r) => r.thread_ts === parent?.ts)).toBe(true);
    const stamps = messages.map((m) => m.ts);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(4);
    expect(h.emulator.replies('C_DEPLOY', parent?.ts ?? '').map((m) => m.text)).toEqual([
      'parent',
      'step 1',
      'step 2',
      'step 3',
    ]);
  });

  it('records respond() posts to the response_url, ephemeral by default, in_channel as a visible message', async () => {
    h.app.command('/rollout', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'Only you can see this' });
      await respond({ text: 'Everyone sees this', response_type: 'in_channel' });
    });
    await h.slack.slashCommand({ text: 'status', user: 'U_BOB' });
    const responses = await h.emulator.waitFor(() => {
      const all = h.emulator.responses('C_DEPLOY');
      return all.length === 2 && all;
    });
    expect(responses).toMatchObject([
      { channel: 'C_DEPLOY', user: 'U_BOB', text: 'Only you can see this', response_type: 'ephemeral' },
      { channel: 'C_DEPLOY', user: 'U_BOB', text: 'Everyone sees this', response_type: 'in_channel' },
    ]);
    expect(h.emulator.messages('C_DEPLOY').map((m) => [m.text, m.source])).toEqual([
      ['Everyone sees this', 'response_url'],
    ]);
  });

  it('records chat.postEphemeral per user', async () => {
    h.app.command('/rollout', async ({ ack, command, client }) => {
      await ack();
      await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: 'psst' });
    });
    await h.slack.slashCommand({ user: 'U_CAROL' });
    const [ephemeral] = await h.emulator.waitFor(() => {
      const forCarol = h.emulator.ephemerals('C_DEPLOY', 'U_CAROL');
      return forCarol.length > 0 && forCarol;
    });
    expect(ephemeral).toMatchObject({ channel: 'C_DEPLOY', user: 'U_CAROL', text: 'psst' });
    expect(h.emulator.ephemerals('C_DEPLOY', 'U_ALICE')).toEqual([]);
    expect(h.emulator.messages('C_DEPLOY')).toEqual([]);
  });

  it('delivers an @-mention as app_mention; the bot can reply in the mention’s thread', async () => {
    const seen: string[] = [];
    h.app.event('app_mention', async ({ event, say }) => {
      seen.push(event.text);
      await say({ text: 'on it', thread_ts: event.ts });
    });
    const sent = await h.slack.message({ text: 'rollout api', user: 'U_ALICE', channel: 'C_DEPLOY' });
    expect(sent.status).toBe(200);
    const reply = await h.emulator.waitFor(() => h.emulator.messages('C_DEPLOY').find((m) => m.user === 'U0BOT'));
    expect(seen).toEqual(['<@U0BOT> rollout api']);
    expect(reply).toMatchObject({ text: 'on it', thread_ts: sent.ts });
    // The human's message is part of the channel too.
    expect(h.emulator.messages('C_DEPLOY')[0]).toMatchObject({ user: 'U_ALICE', source: 'user', ts: sent.ts });
  });

  it('delivers a DM as a message event with channel_type im to app.message', async () => {
    const seen: Array<{ text: string | undefined; channelType: string | undefined }> = [];
    h.app.message(async ({ message, say }) => {
      if (message.subtype === undefined) seen.push({ text: message.text, channelType: message.channel_type });
      await say('hello from the bot');
    });
    await h.slack.message({ text: 'help', user: 'U_ALICE', channelType: 'im' });
    await h.emulator.waitFor(() => h.emulator.messages('D_ALICE').some((m) => m.user === 'U0BOT'));
    expect(seen).toEqual([{ text: 'help', channelType: 'im' }]);
  });

  it('delivers a button click as block_actions with the block_id and value of the recorded button', async () => {
    h.app.command('/rollout', async ({ ack, command, client }) => {
      await ack();
      await client.chat.postMessage({
        channel: command.channel_id,
        text: 'Approve rollout?',
        blocks: [
          {
            type: 'actions',
            block_id: 'approval',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                value: 'rollout-42',
                text: { type: 'plain_text', text: 'Approve' },
              },
            ],
          },
        ],
      });
    });
    const clicks: Array<{ value: string | undefined; blockId: string; user: string; ts: string | undefined }> = [];
    h.app.action<BlockButtonAction>('approve', async ({ ack, body, action, respond }) => {
      await ack();
      clicks.push({ value: action.value, blockId: action.block_id, user: body.user.id, ts: body.message?.ts });
      await respond({ replace_original: true, text: 'Approved by <@U_BOB>' });
    });

    await h.slack.slashCommand();
    const posted = await h.emulator.waitFor(() => h.emulator.messages('C_DEPLOY')[0]);
    const click = await h.slack.blockAction({ actionId: 'approve', user: 'U_BOB', messageTs: posted.ts });

    expect(click.status).toBe(200);
    const replaced = await h.emulator.waitFor(() => h.emulator.messages('C_DEPLOY').find((m) => m.updates === 1));
    expect(clicks).toEqual([{ value: 'rollout-42', blockId: 'approval', user: 'U_BOB', ts: posted.ts }]);
    expect(replaced.text).toBe('Approved by <@U_BOB>');
    expect(h.emulator.responses()[0]).toMatchObject({ replace_original: true, messageTs: posted.ts, user: 'U_BOB' });
  });

  it('opens a modal with the command’s trigger_id and delivers its view_submission to app.view', async () => {
    h.app.command('/rollout', async ({ ack, command, client }) => {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'reject_reason',
          private_metadata: 'rollout-42',
          title: { type: 'plain_text', text: 'Reject' },
          submit: { type: 'plain_text', text: 'Reject' },
          blocks: [
            {
              type: 'input',
              block_id: 'reason',
              label: { type: 'plain_text', text: 'Why?' },
              element: { type: 'plain_text_input', action_id: 'reason_input' },
            },
          ],
        },
      });
    });
    const submissions: Array<{ reason: string | null | undefined; metadata: string; user: string }> = [];
    h.app.view('reject_reason', async ({ ack, view, body }) => {
      await ack();
      submissions.push({
        reason: view.state.values.reason?.reason_input?.value,
        metadata: view.private_metadata,
        user: body.user.id,
      });
    });

    const command = await h.slack.slashCommand({ user: 'U_BOB' });
    const [view] = await h.emulator.waitFor(() => h.emulator.views().length > 0 && h.emulator.views());
    expect(view).toMatchObject({ trigger_id: command.triggerId, user: 'U_BOB', opened_by: 'views.open' });
    expect(view?.view.callback_id).toBe('reject_reason');

    const submitted = await h.slack.viewSubmission({
      callbackId: 'reject_reason',
      user: 'U_BOB',
      values: { reason: { reason_input: 'canary error rate 5%' } },
    });
    expect(submitted.status).toBe(200);
    await h.emulator.waitFor(() => submissions.length > 0);
    expect(submissions).toEqual([{ reason: 'canary error rate 5%', metadata: 'rollout-42', user: 'U_BOB' }]);
  });

  it('lets a retry resend the identical body with X-Slack-Retry-Num; Bolt exposes it as context.retryNum', async () => {
    const deliveries: Array<{ retryNum: number | undefined; retryReason: string | undefined }> = [];
    h.app.command('/rollout', async ({ ack, context }) => {
      await ack();
      deliveries.push({ retryNum: context.retryNum, retryReason: context.retryReason });
    });
    const first = await h.slack.slashCommand({ text: 'api', triggerId: '111.222.fixed' });
    const retry = await h.slack.slashCommand({ text: 'api', triggerId: '111.222.fixed', retryNum: 1 });
    const resent = await h.slack.resend(first.request, { retryNum: 2 });

    expect(retry.request.rawBody).toBe(first.request.rawBody);
    expect([first.status, retry.status, resent.status]).toEqual([200, 200, 200]);
    expect(deliveries).toEqual([
      { retryNum: undefined, retryReason: undefined },
      { retryNum: 1, retryReason: 'http_timeout' },
      { retryNum: 2, retryReason: 'http_timeout' },
    ]);
  });

  it('resends the same event for an event_id already sent (Events API retry)', async () => {
    const eventIds: string[] = [];
    h.app.event('app_mention', async ({ body }) => {
      eventIds.push(body.event_id);
    });
    const first = await h.slack.message({ text: 'status', eventId: 'Ev0DUP' });
    const again = await h.slack.message({ text: 'status', eventId: 'Ev0DUP', retryNum: 1 });
    expect(again.request.rawBody).toBe(first.request.rawBody);
    expect(again.ts).toBe(first.ts);
    await h.emulator.waitFor(() => eventIds.length === 2);
    expect(eventIds).toEqual(['Ev0DUP', 'Ev0DUP']);
    // The human typed it once.
    expect(h.emulator.messages('C_DEPLOY')).toHaveLength(1);
  });

  describe('Bolt rejects requests that did not come from Slack with 401', () => {
    let handled = 0;
    beforeEach(() => {
      handled = 0;
      h.app.command('/rollout', async ({ ack }) => {
        handled += 1;
        await ack();
      });
    });

    it('unsigned', async () => {
      expect((await h.slack.slashCommand({ unsigned: true })).status).toBe(401);
      expect(handled).toBe(0);
    });

    it('wrongly signed', async () => {
      const result = await h.slack.slashCommand({ signatureOverride: `v0=${'0'.repeat(64)}` });
      expect(result.status).toBe(401);
      expect(handled).toBe(0);
    });

    it('signed with a timestamp older than five minutes', async () => {
      expect((await h.slack.slashCommand({ stale: true })).status).toBe(401);
      const now = Math.floor(Date.now() / 1000);
      expect((await h.slack.slashCommand({ timestampSec: now - 301 })).status).toBe(401);
      expect(handled).toBe(0);
    });

    it('while a correctly signed one is accepted', async () => {
      expect((await h.slack.slashCommand()).status).toBe(200);
      expect(handled).toBe(1);
    });
  });

  it('waitFor fails with a message listing what was recorded', async () => {
    h.app.command('/rollout', async ({ ack, client }) => {
      await ack();
      await client.chat.postMessage({ channel: 'C_ELSEWHERE', text: 'wrong channel' });
    });
    await h.slack.slashCommand();
    await h.emulator.waitFor(() => h.emulator.messages('C_ELSEWHERE').length > 0);

    const waiting = h.emulator.waitFor(() => h.emulator.messages('C_DEPLOY').length > 0, 200);

    await expect(waiting).rejects.toThrow(/waitFor timed out after 200 ms/);
    await expect(waiting).rejects.toThrow(/chat\.postMessage ok[\s\S]*C_ELSEWHERE \S+ <U0BOT>\s+wrong channel/);
  });
});
