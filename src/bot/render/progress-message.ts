import type { ProgressSnapshot, StepState } from '../../core/progress.js';
import { context, divider, header, section, type Block, type SlackMessage } from './block-kit.js';

export const STATUS_EMOJI: Record<StepState['status'], string> = {
  pending: '⚪',
  running: '⏳',
  done: '✅',
  failed: '❌',
  skipped: '⏭️',
};

export interface Outcome {
  ok: boolean;
  /** mrkdwn: the result summary or the error sentence. */
  text: string;
  /** Still going: a transient failure that will be retried. */
  retrying?: boolean;
}

function stepLine(step: StepState): string {
  const ms = step.startedAt !== undefined && step.finishedAt !== undefined ? ` _(${step.finishedAt - step.startedAt} ms)_` : '';
  return `${STATUS_EMOJI[step.status]} *${step.label}*${step.detail ? ` — ${step.detail}` : ''}${ms}`;
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
  const blocks = [
    header(`${icon} ${snapshot.title}`),
    section(snapshot.steps.map(stepLine).join('\n')),
    context(`Requested by <@${requester}> · ${state}`),
  ];
  if (outcome) blocks.push(divider, section(outcome.text));
  if (outcome) blocks.push(...rows.slice(0, MAX_RESULT_ROWS).map(rowBlock));
  if (buttons.length) blocks.push(actions(buttons));
  const fallback = outcome ? `${snapshot.title}: ${outcome.text.split('\n')[0]}` : `${snapshot.title}: ${state}`;
  return { text: fallback, blocks };
}
