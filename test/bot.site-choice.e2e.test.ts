import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start();
  await h.flux.commitFiles(
    { 'clusters/rdebug/apps/dns/values.yaml': readFileSync(new URL('./fixtures/image-sites/nested-values.yaml', import.meta.url), 'utf8') },
    'add dns',
  );
});
afterAll(async () => {
  await h?.stop();
});

type Button = { action_id: string; value: string; text: { text: string } };
const buttonsOf = (message: { blocks?: unknown[] }) =>
  ((message.blocks ?? []) as Array<{ type: string; elements?: Button[] }>).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('a rollout that could go to several places asks, with one button per candidate', () => {
  it('lists file, path and current tag; only the requester may pick; the pick runs the same rollout there', async () => {
    await h.user.slashCommand({ command: '/rollout', text: 'dns 5 --env rdebug --sha abcdef1234', channel: 'C_PICK', user: 'U_ALICE' });
    const asked = await h.waitForMessage('C_PICK', /Found several images for 'dns'/);
    const commits = await h.flux.commitCount();
    expect(messageText(asked)).toContain('`clusters/rdebug/apps/dns/values.yaml` `app.image.tag` (now `v1.14.0`)');
    const buttons = buttonsOf(asked);
    expect(buttons.map((b) => [b.action_id, b.text.text])).toEqual([
      ['site_pick_0', 'dns/values.yaml provider.webhook.image.tag (v0.4.0)'],
      ['site_pick_1', 'dns/values.yaml app.image.tag (v1.14.0)'],
    ]);

    await h.user.blockAction({ actionId: 'site_pick_1', value: buttons[1]!.value, channel: 'C_PICK', messageTs: asked.ts, user: 'U_BOB' });
    const toBob = () => h.emulator.responses('C_PICK').filter((r) => r.user === 'U_BOB').map((r) => messageText(r));
    await h.emulator.waitFor(() => toBob().length > 0);
    expect(toBob()[0]).toContain('Only <@U_ALICE>, who asked, can pick where this goes. Run your own command to deploy.');

    await h.user.blockAction({ actionId: 'site_pick_1', value: buttons[1]!.value, channel: 'C_PICK', messageTs: asked.ts, user: 'U_ALICE' });
    await h.waitForMessage('C_PICK', /Updated dns to ps-5-abcdef1/);
    expect(await h.flux.commitCount()).toBe(commits + 1);
    expect(await h.flux.changedLines()).toEqual(['-    tag: v1.14.0', '+    tag: ps-5-abcdef1']);
  });
});
