import type { WebClient } from '@slack/web-api';
import type { ProgressSnapshot } from '../core/progress.js';
import type { JobContext, JobReporter, JobReporterFactory } from '../jobs/job-reporter.js';
import { truncate, type SlackMessage } from './render/block-kit.js';
import { progressMessage } from './render/progress-message.js';
import { ThrottledMessage, type MessageTransport } from './throttled-message.js';

function transportFor(client: WebClient, channel: string, threadTs?: string): MessageTransport {
  return {
    async post(message: SlackMessage) {
      const result = await client.chat.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks });
      return result.ts!;
    },
    async update(ts: string, message: SlackMessage) {
      await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    },
  };
}

/** Renders a job's progress as one Slack message in its channel (or thread), updated in place. */
export class SlackJobReporting implements JobReporterFactory {
  constructor(
    private readonly client: WebClient,
    private readonly options: { minUpdateIntervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  forJob(job: JobContext): JobReporter {
    const { origin } = job.data;
    const message = new ThrottledMessage(
      transportFor(this.client, origin.channel, origin.threadTs),
      origin.messageTs,
      this.options.minUpdateIntervalMs ?? 1000,
      (ts) => job.rememberMessage(ts),
      this.options.onError,
    );
    let latest: ProgressSnapshot = { title: job.id, steps: [] };
    const client = this.client;
    return {
      async reply(text) {
        if (!message.postedTs) message.set(progressMessage(latest, origin.user));
        await message.flush();
        const threadTs = origin.threadTs ?? message.postedTs;
        await client.chat.postMessage({ channel: origin.channel, thread_ts: threadTs, text: truncate(text, 3900) });
      },
      async messageTs() {
        if (!message.postedTs) message.set(progressMessage(latest, origin.user));
        await message.flush();
        return message.postedTs;
      },
      progress(snapshot) {
        latest = snapshot;
        message.set(progressMessage(snapshot, origin.user));
      },
      async succeed(summary, options) {
        message.set(progressMessage(latest, origin.user, { ok: true, text: summary }, options?.buttons));
        await message.flush();
      },
      async fail(text, options) {
        message.set(progressMessage(latest, origin.user, { ok: false, text, retrying: options?.willRetry }, options?.buttons));
        await message.flush();
      },
    };
  }
}
