import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

/** A job that fails on every attempt ends with the sentence that says what to fix, never an internal error. */
let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({ environments: ({ root }) => ({ broken: { fluxGitRepo: `${root}/no-such-flux.git` } }) });
});
afterAll(async () => {
  await h?.stop();
});

describe('a rollout whose Flux repo cannot be fetched', () => {
  it('is retried with backoff, then tells the person what to check', async () => {
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env broken --sha 1234567', channel: 'C_BROKEN', user: 'U_ALICE' });
    const queue = h.bot.enqueuer.queue('rollout');
    const deadline = Date.now() + 30_000;
    while (((await queue.getJobCounts('failed')).failed ?? 0) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const [job] = await queue.getFailed();
    expect(job?.attemptsMade).toBe(3); // every attempt was used
    const final = await h.waitForMessage('C_BROKEN', /Check fluxGitRepo, the branch and the credentials, then try again\./);
    await new Promise((r) => setTimeout(r, 300)); // the last update lands within the reporter's interval
    const text = messageText(h.botMessages('C_BROKEN')[0]!);
    expect(text).toContain("Could not fetch branch 'main' of the Flux repo for 'broken'");
    expect(text).not.toMatch(/Something went wrong|will retry/i);
    expect(final.updates).toBeGreaterThan(0);
    expect(h.botMessages('C_BROKEN')).toHaveLength(1);
  }, 40_000);
});
