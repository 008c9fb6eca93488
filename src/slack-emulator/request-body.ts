import type { IncomingMessage } from 'node:http';
import type { ApiArgs } from './types.js';

/**
 * Form fields Slack documents as "JSON-encoded string". The WebClient sends
 * every non-scalar argument that way; decoding only these (rather than anything
 * that looks like JSON) keeps a message whose text happens to be "[1]" a string.
 */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'user_auth_blocks',
  'unfurls',
  'options',
]);

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Slack answers invalid_blocks etc. for garbage; keep the string so handlers can.
    return value;
  }
}

export class BodyParseError extends Error {}

/**
 * Decodes a Web API request: form-urlencoded (the WebClient default) or JSON,
 * plus query-string arguments, which Slack also accepts.
 */
export function parseApiArgs(raw: string, contentType: string | undefined, query: URLSearchParams): ApiArgs {
  const args: ApiArgs = {};
  for (const [key, value] of query) args[key] = decodeField(key, value);
  if (raw.length === 0) return args;
  if ((contentType ?? '').toLowerCase().startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BodyParseError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BodyParseError('json_not_object');
    }
    return { ...args, ...(parsed as ApiArgs) };
  }
  for (const [key, value] of new URLSearchParams(raw)) args[key] = decodeField(key, value);
  return args;
}
