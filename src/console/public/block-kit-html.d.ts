/** Types of block-kit-html.js (plain ESM so the browser can load it unbundled). */

export interface RenderOptions {
  /** Display name for a user id in `<@U…>`; default derived from the id (U_ALICE -> alice). */
  userName?: (id: string) => string | undefined;
  /** Display name for a channel id in `<#C…>`. */
  channelName?: (id: string) => string | undefined;
  /** Mentions of this user are highlighted. */
  currentUser?: string;
}

export interface MessageLike {
  text?: string | null;
  blocks?: unknown[] | null;
  attachments?: unknown[] | null;
}

export function escapeHtml(text: unknown): string;
export function decodeSlackEntities(text: string): string;
export function nameFromId(id: string): string;
export function mrkdwnToHtml(text: string | undefined | null, options?: RenderOptions): string;
export function plainTextToHtml(text: string | undefined | null, emoji?: boolean): string;
export function textObjectToHtml(obj: unknown, options?: RenderOptions): string;
export function blockToHtml(block: unknown, options?: RenderOptions): string;
export function blocksToHtml(blocks: unknown[] | undefined | null, options?: RenderOptions): string;
export function messageToHtml(message: MessageLike, options?: RenderOptions): string;
export function viewToHtml(view: Record<string, unknown>, options?: RenderOptions & { viewId?: string }): string;
