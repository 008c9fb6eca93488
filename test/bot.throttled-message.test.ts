import { describe, expect, it } from 'vitest';
import { ThrottledMessage, type MessageTransport } from '../src/bot/throttled-message.js';
import { plainMessage, type SlackMessage } from '../src/bot/render/block-kit.js';

function recordingTransport() {
  const sent: Array<{ op: 'post' | 'update'; text: string; at: number }> = [];
  const transport: MessageTransport = {
    async post(message: SlackMessage) {
      sent.push({ op: 'post', text: message.text, at: Date.now() });
      return '1.0001';
    },
    async update(_ts: string, message: SlackMessage) {
      sent.push({ op: 'update', text: message.text, at: Date.now() });
    },
  };
  return { sent, transport };
}

describe('a progress message updated in place', () => {
  it('posts once, then sends at most one update per interval, and the last state wins', async () => {
    const { sent, transport } = recordingTransport();
    const posted: string[] = [];
    const message = new ThrottledMessage(transport, undefined, 200, (ts) => void posted.push(ts));
    const started = Date.now();
    for (let i = 1; i <= 50; i++) {
      message.set(plainMessage(`state ${i}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    await message.flush();
    expect(sent[0]!.op).toBe('post');
    expect(sent.slice(1).every((s) => s.op === 'update')).toBe(true);
    expect(sent.at(-1)!.text).toBe('state 50');
    // Fifty changes, but at most one call per 200 ms of elapsed time (plus the post and the final flush).
    expect(sent.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 200) + 2);
    expect(sent.length).toBeLessThan(50);
    expect(posted).toEqual(['1.0001']);
  });

  it('a recovered job updates the message it posted before instead of posting another', async () => {
    const { sent, transport } = recordingTransport();
    const message = new ThrottledMessage(transport, '1.0001', 100, () => undefined);
    message.set(plainMessage('resumed'));
    await message.flush();
    expect(sent).toEqual([expect.objectContaining({ op: 'update', text: 'resumed' })]);
  });

  it('a failing Slack call is reported, not thrown into the job', async () => {
    const errors: unknown[] = [];
    const transport: MessageTransport = {
      post: async () => {
        throw new Error('ratelimited');
      },
      update: async () => undefined,
    };
    const message = new ThrottledMessage(transport, undefined, 10, () => undefined, (e) => errors.push(e));
    message.set(plainMessage('x'));
    await message.flush();
    expect(String(errors[0])).toContain('ratelimited');
  });
});
