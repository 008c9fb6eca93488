import type { PhaseStatus } from './state.js';

/** The completion notification a notify phase produced (already redacted). */
export interface RedeployNotification {
  runId: string;
  text: string;
  pins: Record<string, string>;
  phases: Record<string, PhaseStatus>;
}

/**
 * Posts notifications; the jobs room adapts it to Slack. Without one, a notify phase still
 * completes and its text is only returned in the result (the seed's stdout-only tiers).
 */
export interface Notifier {
  notify(notification: RedeployNotification): Promise<void>;
}
