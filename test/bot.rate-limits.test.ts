/**
 * Slack's 429s, waited out: the emulator answers chat.update past its allowance with HTTP 429 and
 * Retry-After, and a job's progress message still ends on its last state. The allowance is scaled
 * down (3 a second instead of Tier 3's 50 a minute) so the waits take seconds, not a minute; the
 * answer and the client's handling of it are Slack's.
 */
import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plainMessage } from '../src/bot/render/block-kit.js';
import { SlackJobReporting } from '../src/bot/slack-job-reporter.js';
import { CallBudget, rateLimitDelayMs } from '../src/bot/slack-rate-limit.js';
import { ThrottledMessage } from '../src/bot/throttled-message.js';
import type { ProgressSnapshot } from '../src/core/progress.js';
import type { JobContext } from '../src/jobs/job-reporter.js';
import { SLACK_RATE_LIMITS, SlackWebApiEmulator } from '../src/slack-emulator/index.js';
import { messageText } from './support/bot-harness.js';

const { WebClient } = webApi;

const SCALED = { ...SLACK_RATE_LIMITS, 'chat.update': { limit: 3, windowMs: 1000, scope: 'workspace' as const } };

function job(channel: string): JobContext {
  return { id: 'job-1', data: { kind: 'flux', origin: { channel, user: 'U_ALICE' } } as never, rememberMessage: async () => undefined };
}

function snapshot(done: number): ProgressSnapshot {
  return { title: 'Redeploy r1', steps: Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, label: `Phase ${i}`, status: i < done ? 'done' : 'pending' })) };
}

describe('rate-limited progress updates', () => {
  const emulator = new SlackWebApiEmulator({ token: 'xoxb-rl' });
  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.setRateLimits(SCALED);
  });

  async function runJob(client: InstanceType<typeof WebClient>, channel: string, errors: unknown[]): Promise<void> {
    // No pacing of our own, so Slack's limit is what stops the updates.
    const reporting = new SlackJobReporting(client, { minUpdateIntervalMs: 20, updatesPerMinute: 100_000, pacePosts: false, onError: (e) => errors.push(e) });
    const reporter = reporting.forJob(job(channel));
    for (let done = 0; done <= 12; done += 1) {
      reporter.progress(snapshot(done));
      await new Promise((r) => setTimeout(r, 30));
    }
    await reporter.succeed('All 12 phases completed.');
  }

  it('with the WebClient as Bolt configures it (Retry-After honoured, then retried), the last state lands', async () => {
    const client = new WebClient('xoxb-rl', { slackApiUrl: emulator.apiUrl, logLevel: LogLevel.ERROR });
    const errors: unknown[] = [];
    await runJob(client, 'C_RL1', errors);

    const refusals = emulator.takeRefusals();
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((r) => r.method === 'chat.update' && r.error === 'ratelimited')).toBe(true);
    expect(emulator.calls.filter((c) => c.error === 'ratelimited').every((c) => c.retryAfterSec === 1)).toBe(true);
    const [message] = emulator.messages('C_RL1');
    expect(messageText(message!)).toContain('All 12 phases completed.');
    expect(messageText(message!)).toContain('✅ *Phase 11*');
    expect(errors).toEqual([]);
  }, 30_000);

  it('with rejectRateLimitedCalls (the 429 comes back at once), the message sends its newest state after Retry-After', async () => {
    const client = new WebClient('xoxb-rl', { slackApiUrl: emulator.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const errors: unknown[] = [];
    const started = Date.now();
    await runJob(client, 'C_RL2', errors);

    expect(emulator.takeRefusals().length).toBeGreaterThan(0);
    const [message] = emulator.messages('C_RL2');
    expect(messageText(message!)).toContain('All 12 phases completed.');
    expect(errors).toEqual([]);
    // It waited (Retry-After: 1) rather than dropping the update or hammering Slack.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  }, 30_000);

  it('a shared edit budget keeps several messages under the limit, so Slack never answers 429', async () => {
    const client = new WebClient('xoxb-rl', { slackApiUrl: emulator.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    // Below the limit, like the default 45 a minute under Tier 3's 50: clocks and transit differ a little
    // (on a loaded machine a request spent early in one window can arrive late, so the margin is wide).
    emulator.setRateLimits({ ...SCALED, 'chat.update': { limit: 4, windowMs: 1000, scope: 'workspace' } });
    const budget = new CallBudget(2, 1000);
    const messages = ['C_B1', 'C_B2'].map(
      (channel) =>
        new ThrottledMessage(
          {
            post: async (m) => (await client.chat.postMessage({ channel, text: m.text, blocks: m.blocks as never })).ts!,
            update: async (ts, m) => void (await client.chat.update({ channel, ts, text: m.text, blocks: m.blocks as never })),
          },
          undefined,
          10,
          () => undefined,
          (e) => {
            throw e;
          },
          Date.now,
          { updateBudget: budget },
        ),
    );
    for (let i = 1; i <= 8; i += 1) {
      for (const m of messages) m.set(plainMessage(`state ${i}`));
      await new Promise((r) => setTimeout(r, 40));
    }
    await Promise.all(messages.map((m) => m.flush()));
    expect(emulator.takeRefusals()).toEqual([]);
    expect(emulator.messages('C_B1')[0]?.text).toBe('state 8');
    expect(emulator.messages('C_B2')[0]?.text).toBe('state 8');
  }, 30_000);

  it('thread replies in a burst are paced to about one post a second in the channel, so none is refused', async () => {
    const client = new WebClient('xoxb-rl', { slackApiUrl: emulator.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const reporter = new SlackJobReporting(client, { minUpdateIntervalMs: 20 }).forJob(job('C_POSTS'));
    reporter.progress(snapshot(0));
    for (let phase = 0; phase < 6; phase += 1) await reporter.reply(`*Phase ${phase}* output:\n\`\`\`\nok\n\`\`\``);
    await reporter.succeed('done');
    expect(emulator.takeRefusals()).toEqual([]);
    expect(emulator.messages('C_POSTS')).toHaveLength(7);
  }, 30_000);

  it('reads both forms of a rate-limit failure the WebClient produces', () => {
    expect(rateLimitDelayMs({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 })).toBe(30_000);
    expect(rateLimitDelayMs(new Error('A rate limit was exceeded (url: chat.update, retry-after: 7)'))).toBe(7000);
    expect(rateLimitDelayMs(new Error('An API error occurred: invalid_blocks'))).toBeUndefined();
  });
});
