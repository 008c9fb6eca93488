import type { WebClient } from '@slack/web-api';
import type { ProgressSnapshot } from '../core/progress.js';
import type { JobContext, JobReporter, JobReporterFactory } from '../jobs/job-reporter.js';
import { MAX_MESSAGE_TEXT, truncate, type SlackMessage } from './render/block-kit.js';
import { progressMessage } from './render/progress-message.js';
import { CallBudget, ChannelPostPacer } from './slack-rate-limit.js';
import { ThrottledMessage, type MessageTransport } from './throttled-message.js';

function transportFor(client: WebClient, channel: string, threadTs: string | undefined, posts: ChannelPostPacer): MessageTransport {
  return {
    async post(message: SlackMessage) {
      await posts.take(channel);
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
  /** chat.update is Tier 3 for the whole app: every job's message draws on one budget. */
  private readonly updateBudget: CallBudget;
  /** chat.postMessage is about one a second per channel: the job messages and replies of one channel share it. */
  private readonly posts: ChannelPostPacer;

  constructor(
    private readonly client: WebClient,
    private readonly options: {
      minUpdateIntervalMs?: number;
      onError?: (error: unknown) => void;
      /** chat.update calls a minute for all messages together; default 45 (Tier 3 is ~50). */
      updatesPerMinute?: number;
      /** Pace posts into one channel (default true); off only where nothing enforces Slack's limits. */
      pacePosts?: boolean;
    } = {},
  ) {
    this.updateBudget = new CallBudget(options.updatesPerMinute ?? 45);
    this.posts = options.pacePosts === false ? new ChannelPostPacer(Number.MAX_SAFE_INTEGER) : new ChannelPostPacer();
  }

  forJob(job: JobContext): JobReporter {
    const { origin } = job.data;
    const message = new ThrottledMessage(
      transportFor(this.client, origin.channel, origin.threadTs, this.posts),
      origin.messageTs,
      this.options.minUpdateIntervalMs ?? 1000,
      (ts) => job.rememberMessage(ts),
      this.options.onError,
      Date.now,
      { updateBudget: this.updateBudget },
    );
    let latest: ProgressSnapshot = { title: job.id, steps: [] };
    const client = this.client;
    const posts = this.posts;
    return {
      async reply(text) {
        if (!message.postedTs) message.set(progressMessage(latest, origin.user));
        await message.flush();
        const threadTs = origin.threadTs ?? message.postedTs;
        await posts.take(origin.channel);
        // A text-only reply: under the 4,000 characters chat.postMessage advises, cut at a line end.
        await client.chat.postMessage({ channel: origin.channel, thread_ts: threadTs, text: truncate(text, MAX_MESSAGE_TEXT - 100) });
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
        message.set(progressMessage(latest, origin.user, { ok: true, text: summary }, options?.buttons, options?.rows));
        await message.flush();
      },
      async fail(text, options) {
        message.set(progressMessage(latest, origin.user, { ok: false, text, retrying: options?.willRetry }, options?.buttons));
        await message.flush();
      },
    };
  }
}
