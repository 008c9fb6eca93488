import { z } from 'zod';

/** A user (U…, W… on Enterprise Grid) or a user group (S…), as in `release.approval.approvers`. */
export const SLACK_PRINCIPAL = z.string().regex(/^[UWS][A-Z0-9_]{2,}$/, 'must be a Slack user ID (U…/W…) or user-group ID (S…)');
export const SLACK_CHANNEL = z.string().regex(/^[CGD][A-Z0-9_]{2,}$/, 'must be a Slack channel ID like C0123ABCD');

/** The per-environment keys; absent or empty lists mean "anyone" / "any channel", as before they existed. */
export const accessRulesShape = {
  /** Who may change the environment directly: /rollout, /redeploy, /flux reconcile|suspend|resume, saving the catalog. */
  rolloutBy: z.array(SLACK_PRINCIPAL).default([]),
  /** Who may ask for a release (/release, Retry check). Approvals keep their own `release.approval.approvers`. */
  releaseBy: z.array(SLACK_PRINCIPAL).default([]),
  /** The channels the environment may be used from (commands, mentions, DMs and buttons). */
  channels: z.array(SLACK_CHANNEL).default([]),
};

export interface AccessRules {
  rolloutBy: string[];
  releaseBy: string[];
  channels: string[];
}

export const isUserGroup = (principal: string): boolean => principal.startsWith('S');

/** How Slack shows a principal: `<@U…>` for a person, `<!subteam^S…>` for a user group. */
export function mentionOf(principal: string): string {
  return isUserGroup(principal) ? `<!subteam^${principal}>` : `<@${principal}>`;
}

/** "a", "a or b", "a, b or c". */
export function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
