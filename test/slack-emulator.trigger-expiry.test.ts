/**
 * trigger_id expiry through a real Bolt app: Slack lets an app open a modal only within 3 s of the
 * interaction ("Pass a valid trigger_id within 3 seconds of receiving it"). A handler that does slow
 * work first gets expired_trigger_id, which is why rollbot's Reject button opens its modal before
 * anything else. The emulator's clock is moved instead of sleeping.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackUserClient, SlackWebApiEmulator } from '../src/slack-emulator/index.js';

const signingSecret = 'trigger-expiry-secret';
const modal = { type: 'modal' as const, callback_id: 'why', title: { type: 'plain_text' as const, text: 'Reject release' }, blocks: [] };

describe('views.open and the 3-second trigger_id', () => {
  let skewMs = 0;
  let emulator: SlackWebApiEmulator;
  let app: App;
  let slack: SlackUserClient;
  let outcome: Promise<string>;
  let settle: (value: string) => void;

  beforeEach(async () => {
    skewMs = 0;
    emulator = new SlackWebApiEmulator({ token: 'xoxb-t', nowMs: () => Date.now() + skewMs });
    await emulator.start();
    app = new App({ token: 'xoxb-t', signingSecret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } } });
    await emulator.waitFor(() => emulator.calls.some((c) => c.method === 'auth.test'));
    const server = await app.start(0);
    slack = new SlackUserClient({ botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret, emulator });
    outcome = new Promise((resolve) => (settle = resolve));
  });

  afterEach(async () => {
    await app.stop();
    await emulator.stop();
  });

  function handleReject(slowWorkMs: number): void {
    app.command('/reject', async ({ ack, command, client }) => {
      await ack();
      skewMs += slowWorkMs; // the handler's slow work, as the emulator's clock sees it
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: modal });
        settle('opened');
      } catch (error) {
        settle((error as { data?: { error?: string } }).data?.error ?? String(error));
      }
    });
  }

  it('a modal opened at once opens', async () => {
    handleReject(0);
    await slack.slashCommand({ command: '/reject' });
    expect(await outcome).toBe('opened');
    expect(emulator.views()).toHaveLength(1);
  });

  it('a modal opened 3.5 s after the click is refused with expired_trigger_id, and the test guard sees it', async () => {
    handleReject(3500);
    await slack.slashCommand({ command: '/reject' });
    expect(await outcome).toBe('expired_trigger_id');
    expect(emulator.views()).toEqual([]);
    // Taken here on purpose; left untaken it would fail this test (test/support/emulator-guard.ts).
    expect(emulator.takeRefusals()).toMatchObject([{ method: 'views.open', error: 'expired_trigger_id' }]);
  });
});
