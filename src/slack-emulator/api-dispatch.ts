import type { IncomingHttpHeaders } from 'node:http';
import type { FaultInjector } from './fault-injection.js';
import type { MethodContext } from './method-context.js';
import type { RateCounter } from './rate-counter.js';
import type { RateLimiter } from './rate-limiter.js';
import { BodyParseError, parseApiArgs } from './request-body.js';
import type { ApiArgs, ApiResult, RecordedCall } from './types.js';
import { webApiMethods } from './web-api-methods.js';

export interface ApiDispatchDeps {
  ctx: MethodContext;
  faults: FaultInjector;
  rates: RateCounter;
  /** Absent: no limits enforced (Slack's are the default; see SlackWebApiEmulatorOptions.rateLimits). */
  limiter: RateLimiter | undefined;
  expectedToken: string;
}

/** One Web API answer plus the call record describing it. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  result: ApiResult;
  call: RecordedCall;
  /** The answer came from failNext(): the test asked for it, so it is not a refusal. */
  injected: boolean;
}

function bearerToken(headers: IncomingHttpHeaders, args: ApiArgs): string | undefined {
  const header = headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  // Older clients still send the token as a form field, which Slack accepts.
  return typeof args.token === 'string' ? args.token : undefined;
}

/**
 * Runs one Web API call the way Slack orders its checks: decode, unknown
 * method, authentication, then the method. Errors are HTTP 200 with
 * {ok:false} like Slack, except injected rate limits (429). The token is
 * dropped from the recorded arguments so dumps never leak it.
 */
export function dispatchApiCall(
  method: string,
  headers: IncomingHttpHeaders,
  raw: string,
  query: URLSearchParams,
  deps: ApiDispatchDeps,
): ApiAnswer {
  const at = deps.ctx.nowMs();
  const answer = (
    args: ApiArgs,
    result: ApiResult,
    status = 200,
    extraHeaders: Record<string, string> = {},
    injected = false,
  ): ApiAnswer => ({
    status,
    headers: extraHeaders,
    result,
    call: {
      method,
      args,
      at,
      ok: result.ok,
      error: result.error,
      ...(Array.isArray(result.errors) ? { problems: result.errors as string[] } : {}),
      ...(extraHeaders['retry-after'] ? { retryAfterSec: Number(extraHeaders['retry-after']) } : {}),
    },
    injected,
  });

  let args: ApiArgs;
  try {
    args = parseApiArgs(raw, headers['content-type'], query);
  } catch (error) {
    return answer({}, { ok: false, error: error instanceof BodyParseError ? error.message : 'invalid_form_data' });
  }
  const token = bearerToken(headers, args);
  const { token: _dropped, ...recorded } = args;
  // Attempts count toward Slack's rate limits whether or not they succeed.
  if (typeof recorded.channel === 'string') deps.rates.record(method, recorded.channel, at);

  const handler = webApiMethods[method];
  if (!handler) return answer(recorded, { ok: false, error: 'unknown_method' });
  if (!token) return answer(recorded, { ok: false, error: 'not_authed' });
  if (token !== deps.expectedToken) return answer(recorded, { ok: false, error: 'invalid_auth' });
  const fault = deps.faults.take(method);
  if (fault) return answer(recorded, fault.body, fault.status, fault.headers, true);
  const rate = deps.limiter?.attempt(method, typeof recorded.channel === 'string' ? recorded.channel : undefined);
  if (rate && !rate.allowed) {
    // https://api.slack.com/docs/rate-limits: HTTP 429, {"ok":false,"error":"ratelimited"}, Retry-After in seconds.
    return answer(recorded, { ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(rate.retryAfterSec) });
  }
  try {
    return answer(recorded, handler(recorded, deps.ctx));
  } catch (error) {
    // An emulator bug, not a Slack behaviour: make it visible in the recorded calls.
    const detail = error instanceof Error ? error.message : String(error);
    return answer(recorded, { ok: false, error: `emulator_error: ${detail}` });
  }
}
