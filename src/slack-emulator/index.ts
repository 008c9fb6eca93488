/**
 * Slack, emulated at its HTTP boundary: a Web API + response_url server the
 * real Bolt app talks to, and a user client that sends the signed requests
 * Slack would send. See test/slack-emulator.test.ts for usage.
 */
export { signSlackRequest, type SlackSignatureHeaders } from './request-signing.js';
export {
  DEFAULT_IDENTITY,
  SlackWebApiEmulator,
  takeUntakenRefusals,
  type Refusal,
  type SlackWebApiEmulatorOptions,
} from './web-api-server.js';
export { SLACK_RATE_LIMITS, type RateLimitRule, type RateLimitTable } from './rate-limiter.js';
export { validateBlocks, validateModal } from './block-validation.js';
export { messageContentRefusal } from './message-validation.js';
export {
  SlackUserClient,
  type BlockActionOptions,
  type DeliveryOptions,
  type DeliveryResult,
  type MessageOptions,
  type SentRequest,
  type SlackUserClientOptions,
  type SlashCommandOptions,
  type ViewSubmissionOptions,
} from './slack-user-client.js';
export type { BotIdentity } from './method-context.js';
export type { CallRate } from './rate-counter.js';
export type { InjectedFault } from './fault-injection.js';
export type * from './types.js';
export { SocketModeEmulator, type EnvelopeAck } from './socket-mode-server.js';
