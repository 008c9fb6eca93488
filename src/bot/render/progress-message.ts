import type { ProgressSnapshot, StepState } from '../../core/progress.js';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.js';
import { context, divider, header, MAX_MESSAGE_TEXT, section, truncate, type Block, type SlackMessage } from './block-kit.js';

export const STATUS_EMOJI: Record<StepState['status'], string> = {
  pending: '⚪',
  running: '⏳',
  done: '✅',
  failed: '❌',
  skipped: '⏭️',
};

export interface Outcome {
  ok: boolean;
  /** mrkdwn, data already escaped: the result summary or the error sentence. */
  text: string;
  /** Still going: a transient failure that will be retried. */
  retrying?: boolean;
}

/** Labels and details are plain text from the engine (paths, tags, commit subjects): escaped. */
function stepLine(step: StepState): string {
  const ms = step.startedAt !== undefined && step.finishedAt !== undefined ? ` _(${step.finishedAt - step.startedAt} ms)_` : '';
  return `${STATUS_EMOJI[step.status]} *${escapeMrkdwn(step.label)}*${step.detail ? ` — ${escapeMrkdwn(step.detail)}` : ''}${ms}`;
}

export interface ButtonSpec {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
}

export function actions(buttons: ButtonSpec[], blockId?: string): Block {
  return {
    type: 'actions',
    ...(blockId ? { block_id: blockId } : {}),
    elements: buttons.map((b) => ({
      type: 'button',
      action_id: b.actionId,
      text: { type: 'plain_text', text: b.text, emoji: true },
      value: b.value,
      ...(b.style ? { style: b.style } : {}),
    })),
  };
}

/** A result row: a section whose button (if any) sits beside its text. */
function rowBlock(row: { text: string; button?: ButtonSpec }): Block {
  const block = section(row.text);
  if (!row.button) return block;
  const b = row.button;
  return {
    ...block,
    accessory: { type: 'button', action_id: b.actionId, text: { type: 'plain_text', text: b.text, emoji: true }, value: b.value, ...(b.style ? { style: b.style } : {}) },
  };
}

/** Blocks left for result rows after the job's own (Slack allows 50 a message). */
export const MAX_RESULT_ROWS = 42;

/** One message per job: the title, a line per step, and the outcome once there is one. */
export function progressMessage(
  snapshot: ProgressSnapshot,
  requester: string,
  outcome?: Outcome,
  buttons: ButtonSpec[] = [],
  rows: Array<{ text: string; button?: ButtonSpec }> = [],
): SlackMessage {
  const state = !outcome ? 'running' : outcome.retrying ? 'will retry' : outcome.ok ? 'done' : 'failed';
  const icon = !outcome ? '⏳' : outcome.retrying ? '🔁' : outcome.ok ? '✅' : '❌';
  const blocks = [header(`${icon} ${snapshot.title}`)];
  // Slack refuses an empty section text ("must be more than 0 characters"): no steps, no section.
  if (snapshot.steps.length) blocks.push(section(snapshot.steps.map(stepLine).join('\n')));
  blocks.push(context(`Requested by ${mention(requester)} · ${state}`));
  if (outcome?.text.trim()) blocks.push(divider, section(outcome.text));
  if (outcome) blocks.push(...rows.slice(0, MAX_RESULT_ROWS).map(rowBlock));
  if (buttons.length) blocks.push(actions(buttons));
  const title = escapeMrkdwn(snapshot.title);
  const fallback = outcome ? `${title}: ${outcome.text.split('\n')[0]}` : `${title}: ${state}`;
  return { text: truncate(fallback, MAX_MESSAGE_TEXT), blocks };
}
