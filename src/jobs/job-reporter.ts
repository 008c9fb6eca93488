import type { Reporter } from '../core/progress.js';
import type { RollbotJobData } from './job-data.js';

/** A button offered with a job's result (e.g. "Save catalog"); its value comes back on click. */
export interface ResultButton {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** One line of a result table (e.g. a `/history` row), optionally with a button of its own. */
export interface ResultRow {
  text: string;
  button?: ResultButton;
}

/**
 * How a job shows itself to people: progress while it runs, then one final outcome. Summaries,
 * failures and replies are mrkdwn: data in them is escaped by whoever builds them
 * (escapeMrkdwn / codeBlock, src/core/mrkdwn.ts); progress snapshots are plain text, escaped by the renderer.
 */
export interface JobReporter extends Reporter {
  succeed(summary: string, options?: { buttons?: ResultButton[]; rows?: ResultRow[] }): Promise<void>;
  fail(message: string, options?: { willRetry?: boolean; buttons?: ResultButton[] }): Promise<void>;
  /** A reply in the thread of the job's message: long output never goes into the message itself. */
  reply(text: string): Promise<void>;
  /** Posts the message if needed and returns its ts, so a follow-up job can keep updating it. */
  messageTs?(): Promise<string | undefined>;
}

export interface JobContext {
  id: string;
  data: RollbotJobData;
  /** Remember the progress message so a retried or recovered job updates it in place. */
  rememberMessage(ts: string): Promise<void>;
}

/** Made by the Slack side (src/bot) or a test; the jobs room only knows this interface. */
export interface JobReporterFactory {
  forJob(job: JobContext): JobReporter;
}
