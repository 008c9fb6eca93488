import { createHash, randomBytes } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import type { Clock } from '../progress.js';

const RUN_ID = /^redeploy-[0-9]{8}-[0-9a-f]{6}$/;

/**
 * `redeploy-<YYYYMMDD>-<6 hex>` (seed 004). The hex is sha256 of the timestamp plus randomness:
 * the timestamp alone would give two runs started in the same millisecond the same id.
 */
export function newRunId(clock: Clock = Date.now, random: () => string = () => randomBytes(16).toString('hex')): string {
  const now = new Date(clock());
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const hash = createHash('sha256').update(`${now.toISOString()}:${random()}`).digest('hex').slice(0, 6);
  return `redeploy-${day}-${hash}`;
}

/** Run ids name state files and lock keys, so anything else is refused before it reaches a path. */
export function validateRunId(raw: string): string {
  const id = raw.trim();
  if (!RUN_ID.test(id)) {
    throw new InvalidInput(`'${raw}' is not a redeploy run id. Run ids look like redeploy-20260301-abc123; find yours with \`/redeploy list\`.`);
  }
  return id;
}

export function isRunId(raw: string): boolean {
  return RUN_ID.test(raw);
}
