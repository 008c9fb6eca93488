/** An interactive element found in a message's blocks. */
export interface FoundElement {
  blockId: string | undefined;
  element: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Finds the element with this action_id in Block Kit blocks (actions blocks'
 * elements and section accessories), so a simulated click can carry the same
 * block_id, value and type a real click on that rendering would.
 */
export function findActionElement(blocks: unknown, actionId: string): FoundElement | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (isRecord(element) && element.action_id === actionId) return { blockId, element };
    }
  }
  return undefined;
}
