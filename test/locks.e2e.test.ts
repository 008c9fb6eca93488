import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const say = async (command: string, text: string, user: string, channel = 'C_LOCK') => {
  const ack = await h.user.slashCommand({ command, text, user, channel });
  return messageText((ack.json ?? {}) as { text?: string; blocks?: unknown[] });
};

describe('deploy locks', () => {
  it('a locked environment refuses rollouts from anyone but the holder, naming who, since when and why', async () => {
    expect(await say('/lock', 'rdebug db migration until 14:00', 'U_ALICE')).toContain('🔒 <@U_ALICE> locked `rdebug`: db migration until 14:00.');
    const refused = await say('/rollout', 'papi 42 --env rdebug', 'U_BOB');
    expect(refused).toMatch(/`rdebug` is locked by <@U_ALICE> since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(db migration until 14:00\)\. Ask them to `\/unlock rdebug`, or wait\./);
    expect(await h.queuedJobCount()).toBe(0);

    expect(await say('/rollout', 'papi 42 --env rdebug', 'U_ALICE')).toMatch(/Queued rollout/);
    await h.waitForMessage('C_LOCK', /Updated papi to/);

    expect(await say('/locks', '', 'U_BOB')).toMatch(/`rdebug` by <@U_ALICE> since .* UTC: db migration until 14:00/);
    expect(await say('/lock', 'rdebug me too', 'U_BOB')).toContain('`rdebug` is locked by <@U_ALICE>');
    expect(await say('/unlock', 'rdebug', 'U_BOB')).toContain('locked by <@U_ALICE>, not you');
    expect(await say('/unlock', 'rdebug --force', 'U_BOB')).toMatch(/🔓 <@U_BOB> unlocked `rdebug` \(held by <@U_ALICE> since/);
    expect(await say('/locks', '', 'U_BOB')).toBe('No environment is locked.\nNo environment is locked.');
  });

  it('the audit log shows locks and unlocks, newest first', async () => {
    const text = await say('/audit', '', 'U_CAROL');
    expect(text.indexOf('*unlock* by <@U_BOB>')).toBeLessThan(text.indexOf('*lock* by <@U_ALICE>'));
    expect(text).toContain('forced; held by U_ALICE');
  });

  it('unknown environments and missing names are clear', async () => {
    expect(await say('/lock', 'nowhere', 'U_ALICE')).toContain("Unknown environment 'nowhere'. Known environments: rdebug, prod.");
    expect(await say('/unlock', '', 'U_ALICE')).toContain('Which environment?');
  });
});
