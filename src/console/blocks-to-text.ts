/** Renders Block Kit as terminal text: what a person would read, without Slack's styling. */
export function blocksToText(message: { text?: string; blocks?: unknown[] }): string {
  if (!Array.isArray(message.blocks) || message.blocks.length === 0) return readable(message.text ?? '');
  const lines: string[] = [];
  for (const raw of message.blocks) {
    const block = raw as {
      type?: string;
      text?: { text?: string };
      elements?: Array<{ text?: string | { text?: string } }>;
      fields?: Array<{ text?: string }>;
      accessory?: { type?: string; text?: { text?: string } };
    };
    switch (block.type) {
      case 'header':
        lines.push(`== ${block.text?.text ?? ''} ==`);
        break;
      case 'section':
        if (block.text?.text) lines.push(block.text.text + (block.accessory?.type === 'button' ? `  [${block.accessory.text?.text ?? ''}]` : ''));
        for (const field of block.fields ?? []) lines.push(field.text ?? '');
        break;
      case 'context':
        lines.push((block.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join(' '));
        break;
      case 'divider':
        lines.push('---');
        break;
      case 'actions':
        lines.push((block.elements ?? []).map((e) => `[${typeof e.text === 'object' ? e.text?.text : e.text}]`).join(' '));
        break;
      default:
        break;
    }
  }
  return readable(lines.join('\n'));
}

/**
 * Slack's markup a terminal cannot show: dates become their fallback, mentions their id, and the
 * escaped `&amp;` `&lt;` `&gt;` their characters again (last, so `&lt;x&gt;` never reads as markup).
 */
function readable(text: string): string {
  return text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9_]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<#([A-Z0-9_]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&(amp|lt|gt);/g, (_m, entity: string) => (entity === 'amp' ? '&' : entity === 'lt' ? '<' : '>'));
}
