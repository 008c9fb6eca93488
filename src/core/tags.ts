import { validateImageTag, validatePrNumber, validateSha } from './validate.js';

/** Seed 000: exactly `ps-<pr>-<first 7 chars of sha>`. Never 8, never the full SHA. */
export function rolloutTag(pr: number, sha: string): string {
  const prNumber = validatePrNumber(pr);
  const sha7 = validateSha(sha).slice(0, 7);
  return validateImageTag(`ps-${prNumber}-${sha7}`);
}
