import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import type { RecordedMessage } from '../src/slack-emulator/types.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({
    release: true,
    // Rollbacks here need two approvals; a release one. The registry is never asked for a rollback.
    environments: { liverb: { allowRollout: false, release: { registry: { url: 'http://127.0.0.1:9' }, approval: { required: 1, rollbackRequired: 2 } } } },
  });
});
afterAll(async () => {
  await h?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });
const say = async (command: string, text: string, user: string, channel: string) => ackText(await h.user.slashCommand({ command, text, user, channel }));
const tagOf = (pr: number) => `ps-${pr}-${h.prHeads[pr]!.slice(0, 7)}`;

type Section = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string; text: { text: string } }; elements?: Array<{ action_id: string; value: string }> };

/** The Roll back buttons of a message, with the row text beside each. */
function rollbackButtons(message: RecordedMessage): Array<{ row: string; value: string; label: string }> {
  const out: Array<{ row: string; value: string; label: string }> = [];
  for (const block of (message.blocks ?? []) as Section[]) {
    if (block.accessory?.action_id === 'rollback_to') out.push({ row: block.text?.text ?? '', value: block.accessory.value, label: block.accessory.text.text });
    for (const e of block.elements ?? []) if (e.action_id === 'rollback_to') out.push({ row: '', value: e.value, label: '' });
  }
  return out;
}

async function settled(channel: string, pattern: RegExp): Promise<RecordedMessage> {
  return h.emulator.waitFor(() => h.botMessages(channel).find((m) => pattern.test(messageText(m)) && /^✅|❌/.test(((m.blocks?.[0] as Section | undefined)?.text?.text ?? ''))));
}

describe('/history and /rollback through Slack', () => {
  it('/history lists the tags newest first, who asked and when, with Roll back on each older row; a click rolls back', async () => {
    expect(await say('/rollout', 'papi 42 --env rdebug', 'U_ALICE', 'C_HIST')).toMatch(/Queued rollout/);
    await h.waitForMessage('C_HIST', new RegExp(`Updated papi to ${tagOf(42)}`));
    expect(await say('/rollout', 'papi 43 --env rdebug', 'U_BOB', 'C_HIST2')).toMatch(/Queued rollout/);
    await h.waitForMessage('C_HIST2', new RegExp(`Updated papi to ${tagOf(43)}`));

    expect(await say('/history', 'papi --env rdebug --limit 5', 'U_CAROL', 'C_HIST3')).toMatch(/Queued history of papi in `rdebug`/);
    const table = await settled('C_HIST3', /History of papi in rdebug/);
    const text = messageText(table);
    expect(text).toContain('from `clusters/rdebug/apps/papi/values.yaml`');
    const rows = text.split('\n').filter((l) => /^`[^`]+`( \*← now\*)?$/.test(l));
    expect(rows[0]).toBe(`\`${tagOf(43)}\` *← now*`);
    expect(rows[1]).toBe(`\`${tagOf(42)}\``);
    expect(text).toMatch(new RegExp(`rollout of PR #43 by <@U_BOB> · <!date\\^\\d+\\^\\{date_short_pretty\\} \\{time\\}\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC> · \`[0-9a-f]{7}\``));
    expect(text).toContain('rollout of PR #42 by <@U_ALICE>');
    const buttons = rollbackButtons(table);
    expect(buttons.length).toBe(rows.length - 1); // every row but the current one
    expect(buttons.every((b) => b.label === 'Roll back to this')).toBe(true);
    expect(buttons[0]!.row).toContain(tagOf(42));

    await h.user.blockAction({ actionId: 'rollback_to', value: buttons[0]!.value, channel: 'C_HIST3', messageTs: table.ts, user: 'U_CAROL' });
    const done = await h.waitForMessage('C_HIST3', /Rolled back papi in rdebug to/);
    expect(messageText(done)).toContain(`Rolled back papi in rdebug to \`${tagOf(42)}\` (was \`${tagOf(43)}\`)`);
    expect((await h.flux.log())[0]).toBe(`revert(papi): roll back to ${tagOf(42)} (was ${tagOf(43)})`);
    expect(await h.flux.headMessage()).toContain('Requested-by: U_CAROL');
    expect(messageText(done)).toContain('✅ *Find the tag to roll back to*');
  });

  it('/rollback goes back to the previous tag; --to a tag it never had is refused with what to do', async () => {
    expect(await say('/rollback', 'papi --env rdebug', 'U_ALICE', 'C_RB1')).toMatch(/Queued rollback of papi in `rdebug`/);
    await h.waitForMessage('C_RB1', new RegExp(`Rolled back papi in rdebug to \`${tagOf(43)}\` \\(was \`${tagOf(42)}\`\\)`));
    expect(await say('/rollback', 'papi --env rdebug --to ps-7-1234567', 'U_ALICE', 'C_RB2')).toMatch(/Queued/);
    const refused = await h.waitForMessage('C_RB2', /never had/);
    expect(messageText(refused)).toContain('papi never had `ps-7-1234567` in `rdebug`');
    expect(await say('/rollback', 'papi --env prod', 'U_ALICE', 'C_RB2')).toContain("rwenv 'prod' is read-only.");
    expect(await say('/rollback', '', 'U_ALICE', 'C_RB2')).toContain('Which service?');
    // A read-only environment shows its history but offers no buttons.
    expect(await say('/history', 'papi --env prod', 'U_ALICE', 'C_RB6')).toMatch(/Queued history/);
    const readOnly = await settled('C_RB6', /History of papi in prod/);
    expect(messageText(readOnly)).toContain('`prod` is read-only: nothing can be rolled back here.');
    expect(rollbackButtons(readOnly)).toHaveLength(0);
  });

  it('in a release-only environment a rollback needs approval on a card; approving applies the revert commit', async () => {
    expect(await say('/rollback', `papi --env live --to ${tagOf(42)}`, 'U_ALICE', 'C_RB3')).toMatch(/Queued rollback of papi in `live` to .* \(it needs approval here\)/);
    const card = await h.waitForMessage('C_RB3', /Roll back papi in live to/);
    expect(messageText(card)).toContain(`From: ${tagOf(43)} (now)`);
    expect(messageText(card)).toContain('0 of 1 approval');
    const commits = await h.flux.commitCount();
    const approve = (user: string) => h.user.blockAction({ actionId: 'release_approve', channel: 'C_RB3', messageTs: card.ts, user });
    await approve('U_ALICE'); // the requester may not approve (four eyes)
    await approve('U_BOB');
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(h.emulator.findMessage('C_RB3', card.ts)!)));
    expect(await h.flux.commitCount()).toBe(commits + 1);
    expect((await h.flux.log())[0]).toBe(`revert(papi): roll back to ${tagOf(42)} (was ${tagOf(43)})`);
    const audit = await say('/audit', 'papi', 'U_BOB', 'C_RB3');
    expect(audit).toMatch(/\*rollback\* by <@U_ALICE>[\s\S]*\*release\.approved\* by <@U_BOB>[\s\S]*\*rollback\.requested\* by <@U_ALICE>/);
  });

  it('release.approval.rollbackRequired sets how many approvals a rollback needs', async () => {
    expect(await say('/rollback', 'papi --env liverb', 'U_ALICE', 'C_RB5')).toMatch(/needs approval here/);
    const card = await h.waitForMessage('C_RB5', /Roll back papi in liverb to/);
    expect(messageText(card)).toContain('0 of 2 approvals');
    await h.user.blockAction({ actionId: 'release_approve', channel: 'C_RB5', messageTs: card.ts, user: 'U_BOB' });
    await h.emulator.waitFor(() => /1 of 2 approvals/.test(messageText(h.emulator.findMessage('C_RB5', card.ts)!)));
  });

  it('an applied release card offers Roll back to what ran before, which asks for approval again', async () => {
    const [, , third] = h.sourceMain;
    expect(await say('/release', `papi ${third} --env live`, 'U_ALICE', 'C_RB4')).toMatch(/Queued release/);
    const card = await h.waitForMessage('C_RB4', /Release papi to live/);
    await h.user.blockAction({ actionId: 'release_approve', channel: 'C_RB4', messageTs: card.ts, user: 'U_BOB' });
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(h.emulator.findMessage('C_RB4', card.ts)!)));
    const applied = h.emulator.findMessage('C_RB4', card.ts)!;
    const [button] = rollbackButtons(applied);
    expect(JSON.parse(button!.value)).toEqual({ env: 'live', service: 'papi', to: tagOf(42) });
    await h.user.blockAction({ actionId: 'rollback_to', value: button!.value, channel: 'C_RB4', messageTs: card.ts, user: 'U_CAROL' });
    const rollbackCard = await h.waitForMessage('C_RB4', /Roll back papi in live to/);
    expect(messageText(rollbackCard)).toContain(`To: ${tagOf(42)}`);
    expect(messageText(rollbackCard)).toContain('Requested by <@U_CAROL>');
  });
});
