import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleFeed, type FeedEvent } from '../src/console/console-feed.js';
import { SlackWebApiEmulator } from '../src/slack-emulator/index.js';

/** What the console shows of the emulated Slack, per person: Slack's visibility rules. */
describe('ConsoleFeed', () => {
  let emulator: SlackWebApiEmulator;
  let feed: ConsoleFeed;
  let events: FeedEvent[];

  async function api(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`${emulator.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(args),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  async function respond(url: string, body: Record<string, unknown>): Promise<void> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }

  const texts = (user: string) => feed.itemsFor(user).map((i) => `${i.kind}:${i.text}`);

  beforeEach(async () => {
    emulator = new SlackWebApiEmulator({ token: 'xoxb-test' });
    await emulator.start();
    feed = new ConsoleFeed(emulator);
    events = [];
    feed.subscribe((e) => events.push(e));
  });

  afterEach(async () => {
    feed.dispose();
    await emulator.stop();
  });

  it('shows channel messages to everyone and their edits in place', async () => {
    const posted = await api('chat.postMessage', { channel: 'C_DEPLOY', text: 'rolling out' });
    await api('chat.update', { channel: 'C_DEPLOY', ts: posted.ts, text: 'rolled out' });
    expect(texts('U_ALICE')).toEqual(['message:rolled out']);
    expect(texts('U_BOB')).toEqual(['message:rolled out']);
    expect(feed.itemsFor('U_BOB')[0]).toMatchObject({ edits: 1, fromBot: true, ts: posted.ts });
    await api('chat.delete', { channel: 'C_DEPLOY', ts: posted.ts });
    expect(texts('U_ALICE')).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['upsert', 'upsert', 'remove']);
  });

  it('keeps ephemerals and DMs to their person', async () => {
    await api('chat.postEphemeral', { channel: 'C_DEPLOY', user: 'U_ALICE', text: 'only alice' });
    await api('chat.postMessage', { channel: 'D_U_BOB', text: 'hi bob' });
    expect(texts('U_ALICE')).toEqual(['ephemeral:only alice']);
    expect(texts('U_BOB')).toEqual(['message:hi bob']);
    expect(texts('U_CAROL')).toEqual([]);
  });

  it('applies response_url posts as Slack does, on channel messages and on ephemerals', async () => {
    const card = await api('chat.postMessage', { channel: 'C_RELEASE', text: 'approve?' });
    // replace_original on a channel message: an edit everyone sees.
    await respond(emulator.responseUrlFor('C_RELEASE', 'U_BOB', { messageTs: String(card.ts) }), { replace_original: true, text: 'approved' });
    expect(texts('U_ALICE')).toEqual(['message:approved']);
    // An ephemeral answer to a click: only the clicker.
    await respond(emulator.responseUrlFor('C_RELEASE', 'U_BOB', { messageTs: String(card.ts) }), { response_type: 'ephemeral', text: 'noted' });
    expect(texts('U_BOB')).toEqual(['message:approved', 'ephemeral:noted']);
    expect(texts('U_ALICE')).toEqual(['message:approved']);
    // Clicking a button on that ephemeral and replacing / deleting it acts on bob's ephemeral only.
    const noted = feed.itemsFor('U_BOB')[1]!;
    await respond(emulator.responseUrlFor('C_RELEASE', 'U_BOB', { messageTs: noted.ts }), { replace_original: true, text: 'page 2' });
    expect(texts('U_BOB')).toEqual(['message:approved', 'ephemeral:page 2']);
    await respond(emulator.responseUrlFor('C_RELEASE', 'U_BOB', { messageTs: noted.ts }), { delete_original: true });
    expect(texts('U_BOB')).toEqual(['message:approved']);
    // in_channel: the emulator posts it; the console shows it once.
    await respond(emulator.responseUrlFor('C_RELEASE', 'U_BOB'), { response_type: 'in_channel', text: 'shipped' });
    expect(texts('U_CAROL')).toEqual(['message:approved', 'message:shipped']);
  });

  it('shows a slash command ack ephemerally, or in the channel with the command', () => {
    feed.addAck({ user: 'U_ALICE', channel: 'C_DEPLOY', command: '/rollout papi 42', result: { kind: 'slash', channel: 'C_DEPLOY', status: 200, ack: { text: 'Queued' } } });
    feed.addAck({
      user: 'U_ALICE',
      channel: 'C_DEPLOY',
      command: '/rwenv set rdebug',
      result: { kind: 'slash', channel: 'C_DEPLOY', status: 200, ack: { response_type: 'in_channel', text: 'bound' } },
    });
    feed.addAck({ user: 'U_ALICE', channel: 'C_DEPLOY', command: '/nothing', result: { kind: 'slash', channel: 'C_DEPLOY', status: 200 } });
    feed.addAck({ user: 'U_ALICE', channel: 'C_DEPLOY', command: '/broken x', result: { kind: 'slash', channel: 'C_DEPLOY', status: 500 } });
    expect(texts('U_ALICE')).toEqual([
      'ephemeral:Queued',
      'message:/rwenv set rdebug',
      'message:bound',
      'ephemeral:/broken failed with the error "http_500" (the app did not acknowledge it).',
    ]);
    expect(texts('U_BOB')).toEqual(['message:/rwenv set rdebug', 'message:bound']);
    const [queued] = feed.itemsFor('U_ALICE');
    expect(queued).toMatchObject({ command: '/rollout papi 42', visibleTo: 'U_ALICE', fromBot: true });
    expect(queued!.ts).toMatch(/^\d+\.\d{6}$/);
    expect(feed.dismiss(queued!.id, 'U_BOB')).toBe(false);
    expect(feed.dismiss(queued!.id, 'U_ALICE')).toBe(true);
    expect(texts('U_ALICE')[0]).toBe('message:/rwenv set rdebug');
  });

  it('opens modals for the person whose trigger it was, until closed', async () => {
    const trigger = emulator.mintTriggerId('U_CAROL');
    const opened = await api('views.open', { trigger_id: trigger, view: { type: 'modal', callback_id: 'why', title: { type: 'plain_text', text: 'Why?' }, blocks: [] } });
    expect(opened.ok).toBe(true);
    const id = String((opened.view as { id: string }).id);
    expect(feed.viewsFor('U_CAROL').map((v) => v.id)).toEqual([id]);
    expect(feed.viewsFor('U_ALICE')).toEqual([]);
    await api('views.update', { view_id: id, view: { type: 'modal', callback_id: 'why', title: { type: 'plain_text', text: 'Why, really?' }, blocks: [] } });
    expect(feed.viewsFor('U_CAROL')[0]!.view.title).toEqual({ type: 'plain_text', text: 'Why, really?' });
    feed.closeView(id);
    expect(feed.viewsFor('U_CAROL')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'view_closed', id, user: 'U_CAROL' });
  });
});
