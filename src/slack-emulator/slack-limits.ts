/**
 * Slack's documented limits, in one place, each with the page it comes from. The emulator refuses
 * what real Slack refuses, so a bot that passes the tests passes Slack.
 */

/** https://api.slack.com/reference/block-kit/blocks ("Maximum of 50 blocks" in a message, 100 in a modal or Home tab). */
export const MAX_BLOCKS_MESSAGE = 50;
export const MAX_BLOCKS_MODAL = 100;

/** https://api.slack.com/reference/block-kit/blocks#section: text "Maximum length ... is 3000 characters". */
export const MAX_SECTION_TEXT = 3000;
/** Same page: fields "Maximum number of items is 10. Maximum length for the text in each item is 2000 characters." */
export const MAX_SECTION_FIELDS = 10;
export const MAX_SECTION_FIELD_TEXT = 2000;

/** https://api.slack.com/reference/block-kit/blocks#header: "text ... plain_text. Maximum length ... is 150 characters." */
export const MAX_HEADER_TEXT = 150;

/** https://api.slack.com/reference/block-kit/blocks#context: "Maximum number of items is 10." */
export const MAX_CONTEXT_ELEMENTS = 10;

/** https://api.slack.com/reference/block-kit/blocks#actions: "There is a maximum of 25 elements in each action block." */
export const MAX_ACTIONS_ELEMENTS = 25;

/**
 * https://api.slack.com/reference/block-kit/blocks (block_id, every block type): "Maximum length for this field is
 * 255 characters. block_id should be unique for each message and each iteration of a message."
 * https://api.slack.com/reference/block-kit/block-elements (action_id): "Should be unique among all other action_ids
 * in the containing block. Maximum length is 255 characters."
 */
export const MAX_ID_LENGTH = 255;

/** https://api.slack.com/reference/block-kit/block-elements#button: text "Maximum length ... 75 characters", value 2000, url 3000. */
export const MAX_BUTTON_TEXT = 75;
export const MAX_BUTTON_VALUE = 2000;
export const MAX_BUTTON_URL = 3000;

/** https://api.slack.com/reference/block-kit/block-elements#static_select: options "Maximum number of options is 100". */
export const MAX_SELECT_OPTIONS = 100;
/** https://api.slack.com/reference/block-kit/block-elements#overflow: 2 to 5 options. */
export const MAX_OVERFLOW_OPTIONS = 5;
/** https://api.slack.com/reference/block-kit/composition-objects#option: text 75, value 150. */
export const MAX_OPTION_TEXT = 75;
export const MAX_OPTION_VALUE = 150;
/** https://api.slack.com/reference/block-kit/block-elements: placeholder "Maximum length ... 150 characters". */
export const MAX_PLACEHOLDER_TEXT = 150;

/** https://api.slack.com/reference/block-kit/composition-objects#text: "minimum of 1 and maximum of 3000 characters". */
export const MAX_TEXT_OBJECT = 3000;

/** https://api.slack.com/reference/block-kit/blocks#input: label "Maximum length ... 2000 characters". */
export const MAX_INPUT_LABEL = 2000;
/** https://api.slack.com/reference/block-kit/blocks#image: alt_text 2000, image_url 3000. */
export const MAX_ALT_TEXT = 2000;

/** https://api.slack.com/reference/surfaces/views: title, submit and close "Maximum length ... 24 characters". */
export const MAX_VIEW_TITLE = 24;
/** Same page: private_metadata "Maximum length ... 3000 characters"; callback_id 255. */
export const MAX_PRIVATE_METADATA = 3000;

/**
 * https://api.slack.com/methods/chat.postMessage ("Truncating content"): messages over 40,000 characters are
 * refused with `msg_too_long` ("Message text is too long").
 */
export const MAX_MESSAGE_TEXT = 40_000;
