/**
 * The few Block Kit shapes rollbot sends, typed loosely on purpose: the Web API takes JSON and
 * Slack's own types are a union too wide to be useful here. Limits from Slack: 50 blocks a message,
 * 3,000 characters a section text.
 */
export type Block = Record<string, unknown> & { type: string };

export interface SlackMessage {
  /** Fallback text for notifications and screen readers. */
  text: string;
  blocks: Block[];
}

export const MAX_SECTION_TEXT = 3000;
export const MAX_BLOCKS = 50;

export function truncate(text: string, max = MAX_SECTION_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 20)}\n… (truncated)`;
}

export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn) } };
}

export function context(...mrkdwn: string[]): Block {
  return { type: 'context', elements: mrkdwn.map((text) => ({ type: 'mrkdwn', text: truncate(text) })) };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, 150), emoji: true } };
}

export const divider: Block = { type: 'divider' };

export function plainMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}
