import type { WebClient } from '@slack/web-api';
import type { Notifier, RedeployNotification } from '../core/pipeline/index.js';

/** Seed 004's NOTIFY: the completion message to a channel, and optionally a webhook (JSON POST). */
export class SlackRedeployNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string | undefined,
    private readonly webhookUrl: string | undefined,
  ) {}

  async notify(notification: RedeployNotification): Promise<void> {
    const phases = Object.entries(notification.phases)
      .map(([name, status]) => `${status === 'completed' ? '✅' : status === 'failed' ? '❌' : status.startsWith('skipped') ? '⏭️' : '⚪'} ${name}: ${status}`)
      .join('\n');
    const text = `*[redeploy] ${notification.runId} complete*\n${notification.text}\n${phases}`;
    if (this.channel) await this.client.chat.postMessage({ channel: this.channel, text, unfurl_links: false });
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
