import type { ApprovalState } from './approval-store.js';

/**
 * Shows a release request to people: the Slack side renders the card with Approve / Reject buttons
 * and re-renders it on every vote, rejection, expiry and apply.
 */
export interface ApprovalPublisher {
  publish(state: ApprovalState): Promise<{ channel: string; ts: string }>;
  refresh(state: ApprovalState): Promise<void>;
}
