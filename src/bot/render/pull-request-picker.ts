import type { PullRequestInfo } from '../../core/pulls/ports.js';
import { context, section, truncate, type Block, type SlackMessage } from './block-kit.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';

export const ROLLOUT_PICK_ACTION = 'rollout_pick_pr';

/** Buttons up to this many PRs; a select menu past it (Slack: 100 options at most). */
export const MAX_PR_BUTTONS = 5;
const MAX_OPTIONS = 100;

/** What a click carries back; short keys because a select option's value holds 150 characters. */
export interface PickValue {
  e: string;
  s: string;
  p: number;
  /** The requester: only they may pick. */
  u: string;
  d?: 1;
}

export function pickValue(env: string, service: string, pr: number, requester: string, dryRun: boolean): string {
  const value: PickValue = { e: env, s: service, p: pr, u: requester, ...(dryRun ? { d: 1 as const } : {}) };
  return JSON.stringify(value);
}

function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}


/** "#42 Faster config — `feature-42` · by bob · updated 3 h ago · 📝 draft" */
export function pullLine(pull: PullRequestInfo, now: number): string {
  const parts = [`*#${pull.number}* ${escapeMrkdwn(pull.title)} — \`${pull.headRef}\``, `by ${pull.author}`, `updated ${ago(pull.updatedAt, now)}`];
  if (pull.fork && pull.headRepo) parts.push(`from fork ${pull.headRepo}`);
  if (pull.draft) parts.push('📝 draft');
  return parts.join(' · ');
}

export interface PickerOptions {
  env: string;
  service: string;
  requester: string;
  dryRun: boolean;
  now: number;
}

/** The PRs with a button each, or past five a list and one select menu. */
export function pickerBlocks(pulls: PullRequestInfo[], options: PickerOptions): Block[] {
  const value = (pull: PullRequestInfo) => pickValue(options.env, options.service, pull.number, options.requester, options.dryRun);
  if (pulls.length <= MAX_PR_BUTTONS) {
    return pulls.map((pull) => ({
      ...section(pullLine(pull, options.now)),
      block_id: `pick-${pull.number}`,
      accessory: { type: 'button', action_id: ROLLOUT_PICK_ACTION, text: { type: 'plain_text', text: `Roll out #${pull.number}` }, value: value(pull) },
    }));
  }
  const shown = pulls.slice(0, MAX_OPTIONS);
  const list = truncate(shown.map((p) => `• ${pullLine(p, options.now)}`).join('\n'));
  const blocks: Block[] = [
    section(list),
    {
      ...section(`Pick one of these ${shown.length} PRs:`),
      block_id: 'pick-select',
      accessory: {
        type: 'static_select',
        action_id: ROLLOUT_PICK_ACTION,
        placeholder: { type: 'plain_text', text: 'Choose a pull request' },
        options: shown.map((pull) => ({
          text: { type: 'plain_text', text: truncate(`#${pull.number} ${pull.title}${pull.draft ? ' (draft)' : ''}`, 75) },
          value: value(pull),
        })),
      },
    },
  ];
  if (pulls.length > shown.length) blocks.push(context(`${pulls.length - shown.length} older PRs are not shown; name one with \`/rollout ${options.service} <pr>\`.`));
  return blocks;
}

/** Several PRs fit: nothing changes until the requester picks one. */
export function severalPullsMessage(pulls: PullRequestInfo[], whose: string, options: PickerOptions): SlackMessage {
  const intro = `${whose} ${pulls.length} open PRs of ${options.service}, so nothing was rolled out yet. Pick the one to roll out to \`${options.env}\`:`;
  return { text: intro, blocks: [section(intro), ...pickerBlocks(pulls, options)] };
}

/** No PR fits: seed 000's sentence, and the others' open PRs to pick from instead. */
export function noPullMessage(sentence: string, others: PullRequestInfo[], options: PickerOptions): SlackMessage {
  const text = `❌ ${sentence}`;
  if (!others.length) return { text, blocks: [section(text)] };
  return { text, blocks: [section(text), section(`Open PRs by others you can roll out to \`${options.env}\` instead:`), ...pickerBlocks(others, options)] };
}
