import { blocksToText } from '../console/blocks-to-text.js';
import type { SayResult } from '../console/send-as-user.js';
import type { RecordedMessage } from '../slack-emulator/types.js';
import { InvalidInput, LocalModeNotRunning } from '../core/errors.js';
import { isSettled } from './local-command.js';

interface MessagesResponse {
  messages: RecordedMessage[];
}

/** A connection refused (or local mode stopping meanwhile) is "not running", not an internal error. */
async function reach<T>(base: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch {
    throw new LocalModeNotRunning(base);
  }
}

async function messagesIn(base: string, channel: string): Promise<RecordedMessage[]> {
  return reach(base, async () => ((await (await fetch(`${base}/console/messages?channel=${encodeURIComponent(channel)}`)).json()) as MessagesResponse).messages);
}

/**
 * `rollbot say "<text>"`: talks to a running local mode like a Slack user, prints the immediate
 * reply, then waits for the bot's messages to settle and prints them.
 */
export async function say(text: string, options: { port: number; channel: string; user: string; timeoutMs?: number }): Promise<void> {
  const base = `http://127.0.0.1:${options.port}`;
  const before = await messagesIn(base, options.channel);
  const response = await reach(base, () =>
    fetch(`${base}/console/say`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, channel: options.channel, user: options.user }),
    }),
  );
  if (!response.ok) {
    const error = ((await response.json().catch(() => ({}))) as { error?: string }).error;
    throw new InvalidInput(`Local mode did not take that (${error ?? `HTTP ${response.status}`}). Check the text and the --channel and --user options.`);
  }
  const result = (await response.json()) as SayResult;
  const ack = result.ack as { text?: string; blocks?: unknown[] } | undefined;
  if (ack) process.stdout.write(blocksToText(ack) + '\n');
  const known = new Set(before.map((m) => m.ts));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const expectMore = /Queued/.test(ack?.text ?? '') || result.kind !== 'slash';
  // Wait until the bot's new messages have settled and nothing changed for a moment.
  let lastSeen = '';
  let stableSince = Date.now();
  for (;;) {
    const messages = await messagesIn(base, result.channel);
    const fresh = messages.filter((m) => !known.has(m.ts) && m.source !== 'user');
    const seen = JSON.stringify(fresh.map((m) => [m.ts, m.updates]));
    if (seen !== lastSeen) {
      lastSeen = seen;
      stableSince = Date.now();
    }
    const settled = fresh.every(isSettled) && Date.now() - stableSince > 700;
    if (settled && (fresh.length > 0 || !expectMore)) {
      for (const m of fresh) process.stdout.write('\n' + blocksToText(m) + '\n');
      return;
    }
    if (Date.now() > deadline) {
      process.stdout.write(`Still running after ${Math.round(timeoutMs / 1000)} s; see the console for the rest.\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
