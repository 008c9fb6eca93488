import { randomBytes } from 'node:crypto';
import { arrayArg, boolArg, stringArg, type MethodContext } from './method-context.js';
import { messageContentRefusal } from './message-validation.js';
import type { ApiArgs, RecordedCall, RecordedResponse } from './types.js';

/** What a response_url is bound to: the interaction that minted it. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** Set when the interaction came from a message (a button); replace/delete_original act on it. */
  messageTs: string | undefined;
}

/**
 * response_urls minted for simulated interactions. A caller-chosen key maps to
 * the same URL every time, so a retried slash command can carry a byte-identical
 * body (Slack retries resend the same response_url).
 */
export class ResponseUrlRegistry {
  private readonly targets = new Map<string, ResponseTarget>();

  mint(target: ResponseTarget, key?: string): string {
    const id = key !== undefined ? `k-${encodeURIComponent(key)}` : randomBytes(12).toString('hex');
    if (!this.targets.has(id)) this.targets.set(id, target);
    return id;
  }

  get(id: string): ResponseTarget | undefined {
    return this.targets.get(id);
  }

  clear(): void {
    this.targets.clear();
  }
}

export interface ResponsePostResult {
  status: number;
  /** Slack answers response_url posts with a short plain-text body ("ok" or an error code). */
  text: string;
  response?: RecordedResponse;
  /** Slack's detail sentences for a refused body (invalid_blocks). */
  problems?: string[];
}

/**
 * Applies a post to a response_url the way Slack does: delete_original removes
 * the source message, replace_original edits it, in_channel posts a visible
 * message, and anything else is an ephemeral only the user sees (recorded in
 * responses() only).
 */
export function applyResponsePost(
  id: string,
  target: ResponseTarget,
  body: ApiArgs,
  ctx: MethodContext,
): ResponsePostResult {
  const blocks = arrayArg(body, 'blocks');
  if (blocks === 'invalid') return { status: 400, text: 'invalid_blocks' };
  const text = typeof body.text === 'string' ? body.text : undefined;
  const deleteOriginal = boolArg(body, 'delete_original');
  if (!deleteOriginal && !text && !blocks?.length) return { status: 400, text: 'no_text' };
  // The same content rules as chat.postMessage; a hook answers 400 with the error code.
  const refused = messageContentRefusal(text, blocks);
  if (refused) return { status: 400, text: refused.error ?? 'invalid_blocks', problems: refused.errors as string[] | undefined };
  const response: RecordedResponse = {
    id,
    channel: target.channel,
    user: target.user,
    messageTs: target.messageTs,
    text,
    blocks,
    response_type: body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
    replace_original: boolArg(body, 'replace_original'),
    delete_original: deleteOriginal,
    thread_ts: stringArg(body, 'thread_ts'),
    at: ctx.nowMs(),
  };
  const original = target.messageTs ? ctx.store.liveMessage(target.channel, target.messageTs) : undefined;
  if (!original && target.messageTs && (response.delete_original || response.replace_original)) {
    ctx.store.changeEphemeral(target.channel, target.user, target.messageTs, response.delete_original ? 'delete' : { text, blocks });
  } else if (response.delete_original && original) {
    ctx.store.deleteMessage(original);
  } else if (response.replace_original && original) {
    ctx.store.updateMessage(original, { text, blocks });
  } else if (response.response_type === 'in_channel' && !response.replace_original) {
    ctx.store.addMessage({
      ts: ctx.clock.next(),
      channel: target.channel,
      user: ctx.identity.botUserId,
      text,
      blocks,
      thread_ts: response.thread_ts,
      source: 'response_url',
    });
  }
  ctx.store.addResponse(response);
  return { status: 200, text: 'ok', response };
}

/**
 * Handles a raw POST to /response/<id>: unknown ids get 404 (as Slack answers
 * for a dead hook), non-JSON bodies 400; the call is recorded either way.
 */
export function handleResponsePost(
  id: string,
  raw: string,
  registry: ResponseUrlRegistry,
  ctx: MethodContext,
): ResponsePostResult & { call: RecordedCall } {
  const at = ctx.nowMs();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  const body: ApiArgs = isObject ? (parsed as ApiArgs) : {};
  const target = registry.get(id);
  const result: ResponsePostResult = !target
    ? { status: 404, text: 'no_service' }
    : !isObject
      ? { status: 400, text: 'invalid_payload' }
      : applyResponsePost(id, target, body, ctx);
  const ok = result.status === 200;
  const call: RecordedCall = {
    method: 'response_url',
    args: { id, ...body },
    at,
    ok,
    error: ok ? undefined : result.text,
    ...(result.problems ? { problems: result.problems } : {}),
  };
  return { ...result, call };
}
