import * as coreErrors from '../../core/errors.js';
import * as pullErrors from '../../core/pulls/errors.js';
import * as releaseErrors from '../../core/release/errors.js';
import { RollbotError } from '../../core/errors.js';
import type { ProgressSnapshot } from '../../core/progress.js';
import type { RolloutRequest, RolloutResult } from '../../core/rollout/rollout-engine.js';

/**
 * What goes through Redis when a worker hands a waiting rollout to the repository's lease holder:
 * plain JSON only. The request keeps the fields that are data (a `subject` function cannot travel,
 * so such a request is never handed off); errors travel as their class name and own fields, so the
 * owner's job maps them to the same user message (and the same retry decision) as a local failure.
 */
export interface HandoffEntry {
  /** One handoff of one request (a retried job hands off anew, so a stale result never matches). */
  id: string;
  /** The worker that waits for the outcome (a RepoBatcher instance). */
  owner: string;
  env: string;
  request: PlainRolloutRequest;
}

export type PlainRolloutRequest = Omit<RolloutRequest, 'subject' | 'dryRun' | 'branch'> & { subject?: string; requestId: string };

export interface SerializedError {
  name: string;
  message: string;
  rollbot: boolean;
  /** The error's own enumerable fields (code, userMessage, transient, candidates…), JSON-safe ones only. */
  fields: Record<string, unknown>;
  stack?: string;
}

/** A progress snapshot numbered by the holder: on a cluster, pub/sub messages may arrive out of order. */
export interface NumberedSnapshot {
  n: number;
  s: ProgressSnapshot;
}

export type HandoffOutcome = (
  | { ok: true; result: RolloutResult }
  | { ok: false; error: SerializedError }
  /** The holder has no environment of that name on this repository: the owner applies it itself. */
  | { declined: string }
) & {
  /** The last snapshot before the outcome, in case its message came late or not at all. */
  last?: NumberedSnapshot;
};

const PLAIN_FIELDS = ['service', 'pr', 'sha', 'pullRequest', 'tag', 'requestedBy', 'requestId', 'title', 'site', 'subject'] as const;

/** The request as data, or undefined when it cannot be handed off (no request id, a subject function, not batched). */
export function plainRequest(request: RolloutRequest): PlainRolloutRequest | undefined {
  if (!request.requestId || typeof request.subject === 'function' || request.dryRun || request.branch) return undefined;
  const plain: Record<string, unknown> = {};
  for (const field of PLAIN_FIELDS) if (request[field] !== undefined) plain[field] = request[field];
  return plain as PlainRolloutRequest;
}

/** Every error class a rollout can fail with, by name (class names are unique in src/core). */
const ERROR_CLASSES = new Map<string, Function>();
for (const module of [coreErrors, pullErrors, releaseErrors]) {
  for (const value of Object.values(module)) {
    if (typeof value === 'function' && value.prototype instanceof Error) ERROR_CLASSES.set(value.name, value);
  }
}

/** A user error of a class the owner does not know: still a RollbotError, with the holder's message. */
class HandedOffError extends RollbotError {
  readonly code: string = 'handed_off';
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), rollbot: false, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause' || typeof value === 'function') continue;
    try {
      JSON.stringify(value);
      fields[key] = value;
    } catch {
      // circular or otherwise not data: left behind
    }
  }
  return { name: error.name, message: error.message, rollbot: error instanceof RollbotError, fields, stack: error.stack };
}

/** The error again, of its own class when it is one of rollbot's (instanceof works, fields kept). */
export function deserializeError(serialized: SerializedError): Error {
  const known = ERROR_CLASSES.get(serialized.name);
  const prototype = known ? (known.prototype as Error) : serialized.rollbot ? HandedOffError.prototype : Error.prototype;
  const error = Object.create(prototype) as Error;
  Object.defineProperty(error, 'message', { value: serialized.message, writable: true, configurable: true });
  Object.assign(error, serialized.fields);
  if (serialized.rollbot && !('userMessage' in error)) Object.assign(error, { userMessage: serialized.message });
  if (!known) error.name = serialized.name;
  Object.defineProperty(error, 'stack', { value: serialized.stack ?? `${serialized.name}: ${serialized.message}`, writable: true, configurable: true });
  return error;
}
