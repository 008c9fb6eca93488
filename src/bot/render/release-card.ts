import { releaseSummaryText } from '../../core/release/release-summary.js';
import type { ApprovalState } from '../../jobs/release/approval-store.js';
import { RELEASE_APPROVE_ACTION, RELEASE_REJECT_ACTION } from '../../jobs/release/release-actions.js';
import { context, header, section, type Block, type SlackMessage } from './block-kit.js';
import { actions } from './progress-message.js';

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

const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function statusLine(state: ApprovalState): string | null {
  const r = state.result;
  switch (state.status) {
    case 'pending':
      return null;
    case 'approved':
      return '✅ *Approved* — applying…';
    case 'applied':
      if (r?.pullRequest) return `🚀 *Applied*: pull request <${r.pullRequest.url}|#${r.pullRequest.number}> opened${r.ticket ? ` · ticket <${r.ticket.url}|${r.ticket.key}>` : ''}`;
      return `🚀 *Applied*: ${r?.unchanged ? 'the Flux repo already had this tag' : `commit \`${r?.commit?.slice(0, 7)}\` pushed to \`${r?.branch}\``}${r?.ticket ? ` · ticket <${r.ticket.url}|${r.ticket.key}>` : ''}${r?.live ? `\n${r.live.text}` : ''}`;
    case 'rejected':
      return `🚫 *Rejected* by <@${state.rejectedBy}>${state.statusAt ? ` ${slackDate(state.statusAt)}` : ''}: ${escapeMrkdwn(state.reason ?? '')}`;
    case 'expired':
      return `⌛ *Expired* ${slackDate(state.request.deadline)}: it can no longer be approved. Run \`/release\` again.`;
    case 'failed':
      return `❌ *Apply failed*: ${escapeMrkdwn(state.error ?? 'unknown error')}`;
  }
}

/** The release card: seed 001's summary, the votes so far, and Approve / Reject while pending. */
export function releaseCard(state: ApprovalState): SlackMessage {
  const { request } = state;
  const { plan } = request;
  const votes = state.votes.map((v) => `✅ <@${v.user}> approved ${slackDate(v.at)}`);
  const blocks: Block[] = [
    header(`${ICON[state.status]} Release ${plan.service} to ${plan.env}`),
    section('```\n' + releaseSummaryText(plan) + '\n```'),
    context(
      `Requested by <@${request.requester}> · ${state.votes.length} of ${request.required} approval${request.required === 1 ? '' : 's'} · ${
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
  return { text: `Release ${plan.service} ${plan.toTag} to ${plan.env}: ${state.status}`, blocks };
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
