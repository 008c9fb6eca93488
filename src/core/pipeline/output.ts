/** Helpers for command output: bounded storage, the lines worth quoting, the seed's JSON line. */

export const DEFAULT_OUTPUT_LIMIT = 20_000;

/**
 * Keeps the head (what ran) and the tail (why it failed) of long output, with a marker saying how
 * much was dropped, so a phase's output fits a Slack thread reply and a state file.
 */
export function truncateOutput(text: string, limit = DEFAULT_OUTPUT_LIMIT): string {
  if (text.length <= limit) return text;
  const head = Math.floor(limit * 0.2);
  const tail = limit - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n… ${omitted} characters omitted …\n${text.slice(text.length - tail)}`;
}

/** The last few non-empty lines, joined, at most `max` characters: the part of stderr that explains. */
export function lastLines(text: string, count = 3, max = 300): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' | ');
  return lines.length > max ? `…${lines.slice(lines.length - max + 1)}` : lines;
}

export type JsonLine = { ok: true; value: unknown } | { ok: false; line: string };

/** Parses the last non-empty stdout line as JSON (seed 004's PIN_UPDATE contract). */
export function parseLastJsonLine(stdout: string): JsonLine {
  const line = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  if (line === undefined) return { ok: false, line: '' };
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch {
    return { ok: false, line };
  }
}
