/**
 * Whether an event was written by an app rather than a person. Another app's bot user posts with
 * `bot_id`/`bot_profile` and usually no subtype; classic integrations use `subtype: bot_message`.
 * Bolt's ignoreSelf drops only rollbot's own messages, so without this two bots could answer each
 * other for ever.
 */
export function writtenByAnApp(event: object): boolean {
  const e = event as { bot_id?: unknown; bot_profile?: unknown; subtype?: unknown };
  return Boolean(e.bot_id) || Boolean(e.bot_profile) || e.subtype === 'bot_message';
}
