import { createHmac } from 'node:crypto';

/** Headers Slack attaches to every request it sends to an app. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/**
 * Signs a request body the way Slack does (signature version v0), so the real
 * Bolt receiver verifies it exactly as it would verify production traffic.
 * The signature covers the raw body bytes, which is why callers must sign the
 * exact string they send, never a re-serialised copy.
 */
export function signSlackRequest(
  rawBody: string,
  signingSecret: string,
  timestampSec: number,
): SlackSignatureHeaders {
  const hash = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSec}:${rawBody}`)
    .digest('hex');
  return {
    'x-slack-signature': `v0=${hash}`,
    'x-slack-request-timestamp': String(timestampSec),
  };
}
