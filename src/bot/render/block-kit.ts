import { escapeMrkdwn, fitMrkdwn } from '../../core/mrkdwn.js';

/**
 * The few Block Kit shapes rollbot sends, typed loosely on purpose: the Web API takes JSON and
 * Slack's own types are a union too wide to be useful here. Text passed to section() and context()
 * is mrkdwn: data in it must already be escaped (escapeMrkdwn, src/core/mrkdwn.ts).
 */
export type Block = Record<string, unknown> & { type: string };

export interface SlackMessage {
  /** Fallback text for notifications and screen readers (mrkdwn; every message has one). */
  text: string;
  blocks: Block[];
}

/** https://api.slack.com/reference/block-kit/blocks#section: text at most 3,000 characters. */
export const MAX_SECTION_TEXT = 3000;
/** https://api.slack.com/reference/block-kit/blocks: at most 50 blocks in a message. */
export const MAX_BLOCKS = 50;
/** https://api.slack.com/reference/block-kit/blocks#header: plain_text, at most 150 characters. */
export const MAX_HEADER_TEXT = 150;
/**
 * https://api.slack.com/methods/chat.postMessage: "limit the number of characters in the text field to
 * 4,000" (Slack truncates past 40,000). Fallbacks and text-only replies stay under the first.
 */
export const MAX_MESSAGE_TEXT = 4000;

/** mrkdwn cut to fit (at a line end, "… and N more lines", code blocks closed). */
export function truncate(text: string, max = MAX_SECTION_TEXT): string {
  return fitMrkdwn(text, max);
}

export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn) } };
}

export function context(...mrkdwn: string[]): Block {
  return { type: 'context', elements: mrkdwn.map((text) => ({ type: 'mrkdwn', text: truncate(text) })) };
}

/** plain_text: Slack shows it as is, so it is not escaped. */
export function header(text: string): Block {
  const plain = text.length <= MAX_HEADER_TEXT ? text : `${text.slice(0, MAX_HEADER_TEXT - 1)}…`;
  return { type: 'header', text: { type: 'plain_text', text: plain, emoji: true } };
}

export const divider: Block = { type: 'divider' };

/** A message of one section; `mrkdwn` is already escaped where it holds data. */
export function plainMessage(mrkdwn: string): SlackMessage {
  return { text: truncate(mrkdwn, MAX_MESSAGE_TEXT), blocks: [section(mrkdwn)] };
}

/** A plain sentence (an error, an answer built from data) as a message: escaped here. */
export function sentenceMessage(sentence: string): SlackMessage {
  return plainMessage(escapeMrkdwn(sentence));
}
