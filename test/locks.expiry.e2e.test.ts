import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({ extraConfig: { locks: { defaultDuration: '8h' } } });
});
afterAll(async () => {
  await h?.stop();
});

const say = async (command: string, text: string, user: string, channel = 'C_LEXP') => {
  const ack = await h.user.slashCommand({ command, text, user, channel });
  return messageText((ack.json ?? {}) as { text?: string; blocks?: unknown[] });
};

describe('locks that expire by themselves', () => {
  it('/lock <env> <duration> <reason> ends on time with a message in the channel, and the environment is open again', async () => {
    expect(await say('/lock', 'rdebug 2s db migration', 'U_ALICE', 'C_LEXP1')).toContain(
      '🔒 <@U_ALICE> locked `rdebug` for 2s: db migration. Rollouts, releases and rollbacks by others are refused until',
    );
    const refused = await say('/rollout', 'papi 42 --env rdebug', 'U_BOB');
    expect(refused).toMatch(/`rdebug` is locked by <@U_ALICE> since .* UTC \(db migration\)\. Ask them to `\/unlock rdebug`, or wait \(it ends by itself at .* UTC\)\./);
    expect(await say('/lock', 'rdebug mine now', 'U_BOB')).toContain('`rdebug` is locked by <@U_ALICE>');
    expect(await say('/locks', '', 'U_BOB')).toMatch(/`rdebug` by <@U_ALICE> since .* UTC, until .* UTC: db migration/);

    const ended = await h.waitForMessage('C_LEXP1', /Lock on rdebug expired/, 15_000);
    expect(messageText(ended)).toContain('🔓 The lock <@U_ALICE> took on `rdebug` (db migration) ended after 2s. Rollouts, releases and rollbacks are open to everyone again.');
    expect(await say('/locks', '', 'U_BOB')).toContain('No environment is locked.');
    expect(await say('/rollout', 'papi 42 --env rdebug', 'U_BOB')).toMatch(/Queued rollout/);
    expect(await say('/audit', '', 'U_BOB')).toMatch(/\*lock\.expired\* by rollbot · \(rdebug\) — held by U_ALICE[\s\S]*\*lock\* by <@U_ALICE> · \(rdebug\) — for 2s: db migration/);
  });

  it('the expiry is a delayed job in Redis: it fires even when no worker ran at the deadline', async () => {
    await h.worker!.stop();
    expect(await say('/lock', 'rdebug 1s', 'U_CAROL', 'C_LEXP2')).toContain('locked `rdebug` for 1s');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.botMessages('C_LEXP2')).toHaveLength(0);
    await h.startWorker();
    const ended = await h.waitForMessage('C_LEXP2', /Lock on rdebug expired/, 15_000);
    expect(messageText(ended)).toContain('The lock <@U_CAROL> took on `rdebug` ended after 1s.');
  });

  it('a lock without a duration takes the configured default, and counts as free once its time has passed', async () => {
    expect(await say('/lock', 'rdebug deploy train', 'U_ALICE')).toContain('locked `rdebug` for 8h: deploy train');
    expect(await say('/rollout', 'papi 43 --env rdebug', 'U_BOB')).toContain('is locked by <@U_ALICE>');
    h.clockOffsetMs = 9 * 3600_000;
    try {
      expect(await say('/locks', '', 'U_BOB')).toContain('No environment is locked.');
      expect(await say('/lock', 'rdebug my turn', 'U_BOB')).toContain('🔒 <@U_BOB> locked `rdebug` for 8h: my turn.');
    } finally {
      h.clockOffsetMs = 0;
    }
  });

  it('an expiry does not remove a newer lock taken after the first ended', async () => {
    // U_BOB's lock (taken above) is the one in Redis now; U_ALICE's 8h expiry job must leave it alone.
    expect(await say('/unlock', 'rdebug', 'U_BOB')).toContain('🔓 <@U_BOB> unlocked `rdebug`');
    // DAVE locks for 1s and unlocks at once; ERIN locks for an hour before DAVE's expiry fires.
    expect(await say('/lock', 'rdebug 1s short', 'U_DAVE', 'C_LEXP3')).toContain('for 1s');
    expect(await say('/unlock', 'rdebug', 'U_DAVE')).toContain('unlocked');
    expect(await say('/lock', 'rdebug 1h long', 'U_ERIN', 'C_LEXP4')).toContain('for 1h');
    const expiry = (await h.bot.enqueuer.queue('lock').getJobs(['delayed', 'waiting', 'active', 'completed'])).find((j) => j.data.holder === 'U_DAVE');
    expect(expiry).toBeDefined();
    for (let i = 0; i < 150 && (await expiry!.getState()) !== 'completed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await expiry!.getState()).toBe('completed');
    expect(expiry!.id && (await h.bot.enqueuer.queue('lock').getJob(expiry!.id))?.returnvalue).toEqual({ expired: false });
    expect(await say('/locks', '', 'U_BOB')).toContain('`rdebug` by <@U_ERIN>');
    expect(h.botMessages('C_LEXP3')).toHaveLength(0);
    expect(h.botMessages('C_LEXP4')).toHaveLength(0);
  });
});
