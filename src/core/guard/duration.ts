import { InvalidInput } from '../errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;

/** Does this word look like a duration (`2h`, `90m`, `1h30m`, `3d`)? */
export function isDuration(word: string): boolean {
  return DURATION.test(word.toLowerCase());
}

/** `2h` → 7,200,000 ms. `what` names the flag or argument in the error sentence. */
export function parseDuration(raw: string, what = 'duration'): number {
  const text = raw.trim().toLowerCase();
  if (!DURATION.test(text)) {
    throw new InvalidInput(`'${raw}' is not a ${what}. Use a number and a unit, like \`30m\`, \`2h\`, \`1h30m\` or \`3d\`.`);
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (ms <= 0) throw new InvalidInput(`A ${what} must be longer than zero, like \`2h\`.`);
  return ms;
}

/** 7,200,000 → `2h`; 5,400,000 → `1h 30m`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ') || '0s';
}

/** `2026-12-04 17:00 UTC`, the way refusals name a moment (Slack users read it the same everywhere). */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
