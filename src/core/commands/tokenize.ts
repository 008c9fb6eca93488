/**
 * Splits command text into words the way a shell user expects (quotes group words) without ever
 * running a shell. Slack's smart quotes count as quotes; a leading `<@U…>` mention is dropped.
 */
export function tokenize(text: string): string[] {
  const normalized = text
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+/, '');
  const tokens: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inToken = false;
  for (const ch of normalized) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}
