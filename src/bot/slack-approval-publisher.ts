import type { WebClient } from '@slack/web-api';
import type { ApprovalPublisher } from '../jobs/release/approval-publisher.js';
import type { ApprovalState } from '../jobs/release/approval-store.js';
import { releaseCard } from './render/release-card.js';

/** Posts the release card and re-renders it in place as its state changes. */
export class SlackApprovalPublisher implements ApprovalPublisher {
  constructor(private readonly client: WebClient) {}

  async publish(state: ApprovalState): Promise<{ channel: string; ts: string }> {
    const { text, blocks } = releaseCard(state);
    const result = await this.client.chat.postMessage({ channel: state.request.channel, text, blocks });
    return { channel: result.channel ?? state.request.channel, ts: result.ts! };
  }

  async refresh(state: ApprovalState): Promise<void> {
    if (!state.request.messageTs) return;
    const { text, blocks } = releaseCard(state);
    await this.client.chat.update({ channel: state.request.channel, ts: state.request.messageTs, text, blocks });
  }
}
