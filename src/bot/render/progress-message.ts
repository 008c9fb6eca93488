import type { ProgressSnapshot, StepState } from '../../core/progress.js';
import { context, divider, header, section, type SlackMessage } from './block-kit.js';

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

/** One message per job: the title, a line per step, and the outcome once there is one. */
export function progressMessage(snapshot: ProgressSnapshot, requester: string, outcome?: Outcome): SlackMessage {
  const state = !outcome ? 'running' : outcome.retrying ? 'will retry' : outcome.ok ? 'done' : 'failed';
  const icon = !outcome ? '⏳' : outcome.retrying ? '🔁' : outcome.ok ? '✅' : '❌';
  const blocks = [
    header(`${icon} ${snapshot.title}`),
    section(snapshot.steps.map(stepLine).join('\n')),
    context(`Requested by <@${requester}> · ${state}`),
  ];
  if (outcome) blocks.push(divider, section(outcome.text));
  const fallback = outcome ? `${snapshot.title}: ${outcome.text.split('\n')[0]}` : `${snapshot.title}: ${state}`;
  return { text: fallback, blocks };
}
