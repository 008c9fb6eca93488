/** Renders Block Kit as terminal text: what a person would read, without Slack's styling. */
export function blocksToText(message: { text?: string; blocks?: unknown[] }): string {
  if (!Array.isArray(message.blocks) || message.blocks.length === 0) return message.text ?? '';
  const lines: string[] = [];
  for (const raw of message.blocks) {
    const block = raw as { type?: string; text?: { text?: string }; elements?: Array<{ text?: string | { text?: string } }>; fields?: Array<{ text?: string }> };
    switch (block.type) {
      case 'header':
        lines.push(`== ${block.text?.text ?? ''} ==`);
        break;
      case 'section':
        if (block.text?.text) lines.push(block.text.text);
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
  return lines.join('\n');
}
