import type { WebClient } from '@slack/web-api';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import type { Notifier, RedeployNotification } from '../core/pipeline/index.js';
import { MAX_MESSAGE_TEXT, truncate } from './render/block-kit.js';

/** Seed 004's NOTIFY: the completion message to a channel, and optionally a webhook (JSON POST). */
export class SlackRedeployNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string | undefined,
    private readonly webhookUrl: string | undefined,
  ) {}

  async notify(notification: RedeployNotification): Promise<void> {
    const phases = Object.entries(notification.phases)
      .map(([name, status]) => `${status === 'completed' ? '✅' : status === 'failed' ? '❌' : status.startsWith('skipped') ? '⏭️' : '⚪'} ${escapeMrkdwn(name)}: ${status}`)
      .join('\n');
    const text = `*[redeploy] ${escapeMrkdwn(notification.runId)} complete*\n${escapeMrkdwn(notification.text)}\n${phases}`;
    if (this.channel) await this.client.chat.postMessage({ channel: this.channel, text: truncate(text, MAX_MESSAGE_TEXT), unfurl_links: false });
    if (this.webhookUrl) {
      const response = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, run_id: notification.runId, pins: notification.pins, phases: notification.phases }),
      });
      if (!response.ok) throw new Error(`The redeploy webhook answered HTTP ${response.status}; check redeploy.webhookUrl.`);
    }
  }
}
