import { codeBlock, escapeMrkdwn, mention } from '../../core/mrkdwn.js';
import type { ReleasePlan } from '../../core/release/release-plan.js';
import { releaseSummaryText } from '../../core/release/release-summary.js';
import type { ApprovalState } from '../../jobs/release/approval-store.js';
import { RELEASE_APPROVE_ACTION, RELEASE_REJECT_ACTION } from '../../jobs/release/release-actions.js';
import { context, header, MAX_SECTION_TEXT, section, type Block, type SlackMessage } from './block-kit.js';
import { actions } from './progress-message.js';
import { ROLLBACK_ACTION, rollbackButtonValue } from '../../jobs/guard-actions.js';

const ICON: Record<ApprovalState['status'], string> = {
  pending: '📦',
  approved: '⏳',
  applied: '🚀',
  rejected: '🚫',
  expired: '⌛',
  failed: '❌',
};

/** Slack's date formatting: each reader sees their own time zone; the fallback is UTC. */
function slackDate(ms: number): string {
  const iso = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso}>`;
}

/** Room for the summary's code block in one section, with its fences. */
const SUMMARY_ROOM = MAX_SECTION_TEXT - 10;

/**
 * Seed 001's summary in a code block that fits one section (3,000 characters,
 * https://api.slack.com/reference/block-kit/blocks#section): when the commits do not fit, the list is
 * shortened and the summary says "and N more", so From/To/Image/Digest always show.
 */
export function summaryBlock(plan: ReleasePlan): string {
  const render = (kept: number, keptRemoved: number) =>
    codeBlock(
      releaseSummaryText({
        ...plan,
        commits: plan.commits.slice(0, kept),
        moreCount: plan.moreCount + plan.commits.length - kept,
        removedCommits: plan.removedCommits.slice(0, keptRemoved),
        removedMoreCount: plan.removedMoreCount + plan.removedCommits.length - keptRemoved,
      }),
      Number.MAX_SAFE_INTEGER,
    );
  const full = render(plan.commits.length, plan.removedCommits.length);
  if (full.length <= SUMMARY_ROOM) return full;
  // The largest number of commit lines that fits (binary search: 500 commits take 9 renders).
  let removed = Math.min(plan.removedCommits.length, 20);
  let low = 0;
  let high = plan.commits.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (render(mid, removed).length <= SUMMARY_ROOM) low = mid;
    else high = mid - 1;
  }
  while (removed > 0 && render(low, removed).length > SUMMARY_ROOM) removed -= 1;
  const fitted = render(low, removed);
  return fitted.length <= SUMMARY_ROOM ? fitted : codeBlock(releaseSummaryText(plan), SUMMARY_ROOM);
}

/** <url|label>: both escaped (https://api.slack.com/reference/surfaces/formatting#linking-urls); a `|` would end the URL. */
const link = (url: string, label: string) => `<${escapeMrkdwn(url.replace(/\|/g, '%7C'))}|${escapeMrkdwn(label)}>`;

function statusLine(state: ApprovalState): string | null {
  const r = state.result;
  switch (state.status) {
    case 'pending':
      return null;
    case 'approved':
      return '✅ *Approved* — applying…';
    case 'applied':
      if (r?.pullRequest) return `🚀 *Applied*: pull request ${link(r.pullRequest.url, `#${r.pullRequest.number}`)} opened${r.ticket ? ` · ticket ${link(r.ticket.url, r.ticket.key)}` : ''}`;
      return `🚀 *Applied*: ${r?.unchanged ? 'the Flux repo already had this tag' : `commit \`${escapeMrkdwn(r?.commit?.slice(0, 7) ?? '')}\` pushed to \`${escapeMrkdwn(r?.branch ?? '')}\``}${r?.ticket ? ` · ticket ${link(r.ticket.url, r.ticket.key)}` : ''}${r?.live ? `\n${r.live.text}` : ''}`;
    case 'rejected':
      return `🚫 *Rejected* by ${mention(state.rejectedBy ?? '')}${state.statusAt ? ` ${slackDate(state.statusAt)}` : ''}: ${escapeMrkdwn(state.reason ?? '')}`;
    case 'expired':
      return `⌛ *Expired* ${slackDate(state.request.deadline)}: it can no longer be approved. Run \`/${state.request.kind === 'rollback' ? 'rollback' : 'release'}\` again.`;
    case 'failed':
      // rollbot's own sentences name people (a lock holder, who froze it): keep those mentions working.
      return `❌ *Apply failed*: ${escapeMrkdwn(state.error ?? 'unknown error').replace(/&lt;@([UW][A-Z0-9_]+)&gt;/g, '<@$1>')}`;
  }
}

/** The release card: seed 001's summary, the votes so far, and Approve / Reject while pending. */
export function releaseCard(state: ApprovalState): SlackMessage {
  const { request } = state;
  const { plan } = request;
  const votes = state.votes.map((v) => `✅ ${mention(v.user)} approved ${slackDate(v.at)}`);
  const isRollback = request.kind === 'rollback';
  const title = isRollback ? `Roll back ${plan.service} in ${plan.env} to ${plan.toTag}` : `Release ${plan.service} to ${plan.env}`;
  const blocks: Block[] = [
    header(`${ICON[state.status]} ${title}`),
    section(request.summary ? codeBlock(request.summary, MAX_SECTION_TEXT) : summaryBlock(plan)),
    context(
      `Requested by ${mention(request.requester)} · ${state.votes.length} of ${request.required} approval${request.required === 1 ? '' : 's'} · ${
        state.status === 'pending' ? `expires ${slackDate(request.deadline)}` : state.status
      }`,
    ),
  ];
  if (votes.length) blocks.push(section(votes.join('\n')));
  const status = statusLine(state);
  if (status) blocks.push(section(status));
  if (state.status === 'pending') {
    const value = JSON.stringify({ id: request.id });
    blocks.push(
      actions(
        [
          { actionId: RELEASE_APPROVE_ACTION, text: 'Approve', value, style: 'primary' },
          { actionId: RELEASE_REJECT_ACTION, text: 'Reject', value, style: 'danger' },
        ],
        `release-${request.id}`,
      ),
    );
  }
  // Once applied, one click undoes it: back to what ran before (through approval again here).
  if (state.status === 'applied' && plan.fromTag && !state.result?.unchanged) {
    blocks.push(
      actions(
        [{ actionId: ROLLBACK_ACTION, text: `Roll back to ${plan.fromTag}`.slice(0, 75), value: rollbackButtonValue(plan.env, plan.service, plan.fromTag), style: 'danger' }],
        `rollback-${request.id}`,
      ),
    );
  }
  return { text: escapeMrkdwn(`${isRollback ? `Roll back ${plan.service} in ${plan.env} to ${plan.toTag}` : `Release ${plan.service} ${plan.toTag} to ${plan.env}`}: ${state.status}`), blocks };
}

/** The modal that asks why, before a rejection is recorded. */
export function rejectModal(approvalId: string, callbackId: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify({ id: approvalId }),
    title: { type: 'plain_text', text: 'Reject release' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'Why?' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, min_length: 3, max_length: 500 },
      },
    ],
  };
}
