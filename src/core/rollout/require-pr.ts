import { InvalidInput } from '../errors.js';
import { validatePrNumber } from '../validate.js';

/**
 * A rollout's PR number, or the sentence asking for it. Its own module so the bot can check it at
 * ack time without loading the rollout engine and, through it, the git layer.
 */
export function requirePr(raw: string | undefined, service: string): number {
  if (raw === undefined) {
    throw new InvalidInput(`Which pull request? Use \`/rollout ${service} <pr-number>\`; the tag is ps-<pr>-<sha7>.`);
  }
  return validatePrNumber(raw);
}
