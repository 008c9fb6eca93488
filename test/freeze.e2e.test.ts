import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({
    environments: {
      // Frozen every day, all day: a configured window that never lets go.
      frozen: { freeze: { windows: [{ cron: '0 0 * * *', durationHours: 24, reason: 'change freeze' }], breakGlass: ['U_OPS', 'S_ONCALL'] } },
      relonly: { allowRollout: false, release: { registry: { url: 'http://127.0.0.1:9' }, approval: { required: 1 } } },
      frozenrel: { release: { registry: { url: 'http://127.0.0.1:9' } }, freeze: { ranges: [{ from: '2020-01-01T00:00Z', until: '2099-01-01T00:00Z', reason: 'audit' }] } },
    },
  });
  h.emulator.setUsergroup('S_ONCALL', ['U_PAGER']);
});
afterAll(async () => {
  await h?.stop();
});

const say = async (command: string, text: string, user: string, channel = 'C_FRZ') => {
  const ack = await h.user.slashCommand({ command, text, user, channel });
  return { text: messageText((ack.json ?? {}) as { text?: string; blocks?: unknown[] }), visibility: (ack.json as { response_type?: string } | undefined)?.response_type };
};

describe('freezes: configured windows, /freeze and /unfreeze, break-glass --force', () => {
  it('a configured window refuses a rollout naming it, why and until when; --force needs break-glass', async () => {
    const refused = await say('/rollout', 'papi 42 --sha abcdef1 --env frozen', 'U_ALICE');
    expect(refused.text).toMatch(
      /`frozen` is frozen by the config's freeze window "0 0 \* \* \*" \(UTC, 24 h\) until \d{4}-\d\d-\d\d 00:00 UTC \(change freeze\), so the rollout of papi was refused\. Try again after the freeze; in an emergency someone in its break-glass list \(<@U_OPS>, <!subteam\^S_ONCALL>\) can add `--force`\./,
    );
    expect((await say('/rollout', 'papi 42 --sha abcdef1 --env frozen --force', 'U_ALICE')).text).toContain('only <@U_OPS>, <!subteam^S_ONCALL> may use `--force` through it');
    expect(await h.queuedJobCount()).toBe(0);
    expect((await say('/rollback', 'papi --env frozen', 'U_ALICE')).text).toContain('so the rollback of papi was refused');
    expect((await say('/unfreeze', 'frozen', 'U_OPS')).text).toContain('comes from the config and cannot be lifted from Slack');
    expect((await say('/release', 'papi abcdef1 --env frozenrel', 'U_ALICE')).text).toMatch(
      /`frozenrel` is frozen by the config's freeze range 2020-01-01T00:00Z – 2099-01-01T00:00Z until 2099-01-01 00:00 UTC \(audit\), so the release of papi was refused\./,
    );
    expect(await h.queuedJobCount('release')).toBe(0);
  });

  it('--force by a member of a break-glass user group goes through, is announced in the channel and audited', async () => {
    const forced = await say('/rollout', 'papi 42 --sha abcdef1 --env frozen --force', 'U_PAGER', 'C_FRZ2');
    expect(forced.visibility).toBe('in_channel');
    expect(forced.text).toMatch(/🚨 <@U_PAGER> used `--force`: the rollout of papi #42 in `frozen` goes through the freeze by the config's freeze window .*\. Queued rollout of papi #42 to `frozen`/);
    await h.waitForMessage('C_FRZ2', /Updated papi to ps-42-abcdef1/);
    const audit = (await say('/audit', '', 'U_ALICE')).text;
    expect(audit).toMatch(/\*freeze\.forced\* by <@U_PAGER> · papi \(frozen\) — rollout of papi #42 through the freeze by the config's freeze window/);
  });

  it('/freeze refuses rollouts and rollbacks naming who froze it, why and until when; only they or break-glass unfreeze', async () => {
    const frozen = await say('/freeze', 'rdebug 2h release week', 'U_ALICE');
    expect(frozen.visibility).toBe('in_channel');
    expect(frozen.text).toMatch(/🧊 <@U_ALICE> froze `rdebug` for 2h \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\): release week\./);
    expect((await say('/rollout', 'papi 42 --env rdebug', 'U_BOB')).text).toMatch(/`rdebug` is frozen by <@U_ALICE> until .* UTC \(release week\), so the rollout of papi was refused\. Try again after the freeze\. Nobody can force it/);
    expect((await say('/rollback', 'papi --env rdebug', 'U_BOB')).text).toContain('so the rollback of papi was refused');
    const list = (await say('/freezes', '', 'U_BOB')).text;
    expect(list).toMatch(/`rdebug` 🧊 frozen by <@U_ALICE> until/);
    expect(list).toMatch(/`frozen` 🧊 frozen by the config's freeze window/);
    expect((await say('/unfreeze', 'rdebug', 'U_BOB')).text).toContain('`rdebug` was frozen by <@U_ALICE>; only they or someone in its break-glass list can unfreeze it.');
    expect((await say('/unfreeze', 'rdebug', 'U_ALICE')).text).toContain('☀️ <@U_ALICE> unfroze `rdebug`.');
    expect((await say('/rollout', 'papi 42 --env rdebug', 'U_BOB')).text).toMatch(/Queued rollout/);
    const audit = (await say('/audit', '--limit 50', 'U_ALICE')).text;
    expect(audit).toMatch(/\*unfreeze\* by <@U_ALICE> · \(rdebug\)[\s\S]*\*freeze\* by <@U_ALICE> · \(rdebug\) — 2h: release week/);
  });

  it('a /freeze ends by itself when its time is up (the bot clock moved forward)', async () => {
    await say('/freeze', 'rdebug 1h', 'U_ALICE');
    expect((await say('/rollout', 'papi 43 --env rdebug', 'U_BOB')).text).toContain('is frozen by <@U_ALICE>');
    h.clockOffsetMs += 2 * 3600_000;
    try {
      expect((await say('/rollout', 'papi 43 --env rdebug', 'U_BOB', 'C_FRZ3')).text).toMatch(/Queued rollout/);
      expect((await say('/freezes', '', 'U_BOB')).text).not.toContain('`rdebug`');
    } finally {
      h.clockOffsetMs = 0;
    }
    await h.waitForMessage('C_FRZ3', /Updated papi to ps-43-/);
  });

  it('a freeze that starts while a rollback card waits stops its apply, and the card says why', async () => {
    expect((await say('/rollback', 'papi --env relonly', 'U_ALICE', 'C_FRZ4')).text).toMatch(/needs approval here/);
    const card = await h.waitForMessage('C_FRZ4', /Roll back papi in relonly to/);
    expect((await say('/freeze', 'relonly 1h incident', 'U_CAROL')).text).toContain('froze `relonly`');
    const commits = await h.flux.commitCount();
    await h.user.blockAction({ actionId: 'release_approve', channel: 'C_FRZ4', messageTs: card.ts, user: 'U_ALICE' });
    const answer = await h.emulator.waitFor(() => h.emulator.responses('C_FRZ4').map((r) => messageText(r)).find((t) => t.includes('four eyes')));
    expect(answer).toContain('You requested this rollback, so someone else must approve it (four eyes).');
    await h.user.blockAction({ actionId: 'release_approve', channel: 'C_FRZ4', messageTs: card.ts, user: 'U_BOB' });
    await h.emulator.waitFor(() => /Apply failed/.test(messageText(h.emulator.findMessage('C_FRZ4', card.ts)!)));
    expect(messageText(h.emulator.findMessage('C_FRZ4', card.ts)!)).toContain('❌ *Apply failed*: `relonly` is frozen by <@U_CAROL> until');
    expect(await h.flux.commitCount()).toBe(commits);
  });

  it('bad /freeze input is clear', async () => {
    expect((await say('/freeze', 'rdebug', 'U_ALICE')).text).toContain('For how long?');
    expect((await say('/freeze', 'rdebug soon', 'U_ALICE')).text).toContain("'soon' is not a duration like `2h` or `3d`.");
    expect((await say('/freeze', 'nowhere 2h', 'U_ALICE')).text).toContain("Unknown environment 'nowhere'.");
  });
});
