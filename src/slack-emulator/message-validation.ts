import { validateBlocks, validateModal, type BlockSurface } from './block-validation.js';
import { MAX_MESSAGE_TEXT } from './slack-limits.js';
import type { ApiResult } from './types.js';

/**
 * Slack's error answer carrying its detail sentences: `errors` (as chat.* methods send them) and
 * `response_metadata.messages` prefixed "[ERROR]" (what @slack/web-api logs and what people search for).
 */
export function refusal(error: string, problems: string[]): ApiResult {
  return { ok: false, error, errors: problems, response_metadata: { messages: problems.map((m) => `[ERROR] ${m}`) } };
}

/**
 * A required argument that is absent: Slack answers `invalid_arguments` with
 * "[ERROR] must provide a string [json-pointer:/channel]" (https://api.slack.com/methods/chat.postMessage, Errors).
 */
export function missingArgument(...names: string[]): ApiResult {
  return refusal('invalid_arguments', names.map((name) => `must provide a string [json-pointer:/${name}]`));
}

/** Why Slack would refuse a message's text and blocks, or undefined when it would take them. */
export function messageContentRefusal(text: string | undefined, blocks: unknown[] | undefined, surface: BlockSurface = 'message'): ApiResult | undefined {
  // https://api.slack.com/methods/chat.postMessage: `msg_too_long` past 40,000 characters of text.
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) return { ok: false, error: 'msg_too_long' };
  if (blocks) {
    const problems = validateBlocks(blocks, surface);
    if (problems.length) return refusal('invalid_blocks', problems);
  }
  return undefined;
}

/** views.open/push/update refuse a bad view with `invalid_arguments` (not invalid_blocks), as Slack does. */
export function viewRefusal(view: Record<string, unknown>): ApiResult | undefined {
  const problems = validateModal(view);
  return problems.length ? refusal('invalid_arguments', ['failed to match all allowed schemas [json-pointer:/view]', ...problems]) : undefined;
}
