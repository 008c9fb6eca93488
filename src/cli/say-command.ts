import { blocksToText } from '../console/blocks-to-text.js';
import type { SayResult } from '../console/send-as-user.js';
import type { RecordedMessage } from '../slack-emulator/types.js';
import { isSettled } from './local-command.js';

interface MessagesResponse {
  messages: RecordedMessage[];
}

/**
 * `rollbot say "<text>"`: talks to a running local mode like a Slack user, prints the immediate
 * reply, then waits for the bot's messages to settle and prints them.
 */
export async function say(text: string, options: { port: number; channel: string; user: string; timeoutMs?: number }): Promise<void> {
  const base = `http://127.0.0.1:${options.port}`;
  let before: RecordedMessage[];
  try {
    before = ((await (await fetch(`${base}/console/messages?channel=${options.channel}`)).json()) as MessagesResponse).messages;
  } catch {
    throw new Error(`Nothing answers on ${base}. Start local mode first with \`npm start\` (or set PORT to the port it uses).`);
  }
  const response = await fetch(`${base}/console/say`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, channel: options.channel, user: options.user }),
  });
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
    const { messages } = (await (await fetch(`${base}/console/messages?channel=${result.channel}`)).json()) as MessagesResponse;
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
