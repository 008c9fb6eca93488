import { chatMethods } from './chat-methods.js';
import { conversationMethods } from './conversation-methods.js';
import { directoryMethods } from './directory-methods.js';
import type { MethodHandler } from './method-context.js';
import { viewMethods } from './view-methods.js';

/**
 * Every Web API method the emulator implements. Anything else answers
 * unknown_method (and is recorded), so a bot calling an unimplemented method
 * fails loudly in tests instead of silently "working".
 */
export const webApiMethods: Readonly<Record<string, MethodHandler>> = {
  ...directoryMethods,
  ...chatMethods,
  ...conversationMethods,
  ...viewMethods,
};
