/**
 * Slack's mrkdwn text rules, as pure string functions (no Slack SDK here). Every mrkdwn string built
 * from data goes through escapeMrkdwn: Slack reads `<…>` as a link, mention or command and `&` as the
 * start of an entity, so a `<name>` in a usage line or phase output would vanish or turn into a
 * broken link. https://api.slack.com/reference/surfaces/formatting#escaping: "replace & with &amp;,
 * < with &lt; and > with &gt;" (and only those three).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A user mention; anything that is not a user id is shown as escaped text. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9_]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A channel link (https://api.slack.com/reference/surfaces/formatting#linking-channels). */
export function channelLink(channelId: string): string {
  return /^[CGD][A-Z0-9_]+$/.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** Text that is already mrkdwn (data escaped, references deliberate), as opposed to a plain sentence. */
export interface MrkdwnCarrier {
  readonly mrkdwn: string;
}

function hasMrkdwn(value: unknown): value is MrkdwnCarrier {
  return typeof value === 'object' && value !== null && typeof (value as { mrkdwn?: unknown }).mrkdwn === 'string';
}

/**
 * An error's sentence as mrkdwn: errors carry plain sentences (backticks allowed), escaped here; an
 * error that names people (a lock holder) carries its own `mrkdwn` with the mention in it.
 */
export function errorMrkdwn(error: unknown, plain: string): string {
  return hasMrkdwn(error) ? error.mrkdwn : escapeMrkdwn(plain);
}

export interface ClipOptions {
  /** Keep the first lines (lists) or the last (command output, where the error usually is). */
  keep?: 'head' | 'tail';
  /** What the lines are, for "… and 12 more lines". */
  unit?: string;
}

/**
 * As many whole lines as fit in maxChars (joined with newlines), with "… and N more <unit>" in place
 * of the rest. Cuts only at line ends, so an escaped entity (`&amp;`) is never split.
 */
export function clipLines(lines: string[], maxChars: number, options: ClipOptions = {}): string[] {
  const total = lines.reduce((n, l) => n + l.length + 1, 0) - 1;
  if (total <= maxChars) return lines;
  const tail = options.keep === 'tail';
  const noteFor = (more: number) => `… and ${more} more ${options.unit ?? 'lines'}${tail ? ' (earlier output not shown)' : ''}`;
  const ordered = tail ? [...lines].reverse() : lines;
  const kept: string[] = [];
  let used = 0;
  for (const line of ordered) {
    const cost = line.length + (kept.length ? 1 : 0);
    if (used + cost + 1 + noteFor(lines.length - kept.length - 1).length > maxChars) break;
    kept.push(line);
    used += cost;
  }
  if (kept.length === 0 && ordered[0] !== undefined) {
    // One line longer than the room: keep its start (or end), without a broken entity at the cut.
    const room = Math.max(0, maxChars - noteFor(lines.length - 1).length - 2);
    const first = ordered[0];
    const cut = tail ? first.slice(-room).replace(/^[^;\s]*;/, '') : first.slice(0, room).replace(/&[a-z]*$/, '');
    kept.push(tail ? `…${cut}` : `${cut}…`);
    // A single line cut short: its "…" says so.
    if (lines.length === 1) return kept;
  }
  const note = noteFor(lines.length - kept.length);
  return tail ? [note, ...kept.reverse()] : [...kept, note];
}

/**
 * A code block of data (command or phase output): escaped, a ``` inside cannot end it early, and
 * clipped to maxChars including the fences.
 */
export function codeBlock(text: string, maxChars: number, options: ClipOptions = {}): string {
  const safe = escapeMrkdwn(text.replace(/\r\n/g, '\n').replace(/\n+$/, '')).replace(/```/g, '`\u200b``');
  const fences = '```\n\n```'.length;
  return '```\n' + clipLines(safe.split('\n'), maxChars - fences, options).join('\n') + '\n```';
}

/**
 * mrkdwn cut to maxChars at a line end, "… and N more lines" noted, and a code block left open by the
 * cut closed again, so the rest of the message still renders.
 */
export function fitMrkdwn(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const closing = '\n```';
  const all = text.split('\n');
  const lines = clipLines(all, maxChars - closing.length);
  const noted = all.length > 1;
  const body = noted ? lines.slice(0, -1) : lines;
  const openFence = body.filter((l) => l.startsWith('```') || l.endsWith('```')).length % 2 === 1;
  return [...body, ...(openFence ? ['```'] : []), ...(noted ? [lines.at(-1)!] : [])].join('\n');
}
