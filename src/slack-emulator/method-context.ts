import type { Directory } from './directory.js';
import type { RecordStore } from './record-store.js';
import type { SlackTsClock } from './slack-ts.js';
import type { TriggerRegistry } from './trigger-ids.js';
import type { ApiArgs, ApiResult } from './types.js';

/** Who the bot is in the emulated workspace (what auth.test answers). */
export interface BotIdentity {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  botName: string;
  appId: string;
}

/** What a Web API method handler may read and change. */
export interface MethodContext {
  store: RecordStore;
  directory: Directory;
  triggers: TriggerRegistry;
  clock: SlackTsClock;
  identity: BotIdentity;
  nextViewId: () => string;
  nowMs: () => number;
}

export type MethodHandler = (args: ApiArgs, ctx: MethodContext) => ApiResult;

/** A string argument, or undefined when absent, empty or not a string. */
export function stringArg(args: ApiArgs, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * An array argument (blocks, attachments). 'invalid' means present but not an
 * array, which Slack rejects (e.g. invalid_blocks) rather than ignoring.
 */
export function arrayArg(args: ApiArgs, key: string): unknown[] | undefined | 'invalid' {
  const value = args[key];
  if (value === undefined || value === null || value === '') return undefined;
  return Array.isArray(value) ? value : 'invalid';
}

export function boolArg(args: ApiArgs, key: string): boolean {
  const value = args[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function fail(error: string): ApiResult {
  return { ok: false, error };
}
