import * as L from './slack-limits.js';

/** Where the blocks are shown: a message (50 blocks) or a modal (100). */
export type BlockSurface = 'message' | 'modal';

/**
 * Block Kit checks the way Slack answers them: every problem is one sentence ending in
 * `[json-pointer:/blocks/3/text/text]` (the shape of Slack's `errors` and `response_metadata.messages`,
 * e.g. "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"). Limits and their
 * sources are in slack-limits.ts. Only the shapes that matter to a bot are checked in depth; an
 * unknown block or element type is refused, as Slack does.
 */

/** https://api.slack.com/reference/block-kit/blocks: the block types Slack knows. */
const BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'video', 'table']);

/** https://api.slack.com/reference/block-kit/block-elements: interactive element types. */
const ELEMENT_TYPES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'image',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'url_text_input',
  'workflow_button',
]);

const SELECTS_WITH_OPTIONS = new Set(['static_select', 'multi_static_select']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(reason: string, pointer: string): void {
    this.list.push(`${reason} [json-pointer:${pointer}]`);
  }
  tooLong(value: string, max: number, pointer: string): void {
    if (value.length > max) this.add(`must be less than ${max + 1} characters`, pointer);
  }
  tooMany(items: unknown[], max: number, pointer: string): void {
    if (items.length > max) this.add(`no more than ${max} items allowed`, pointer);
  }
}

/** A composition text object: {type: plain_text|mrkdwn, text}. */
function checkText(p: Problems, value: unknown, at: string, max: number, options: { plainOnly?: boolean } = {}): void {
  if (!isObject(value)) {
    p.add('must provide an object', at);
    return;
  }
  const allowed = options.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    p.add(options.plainOnly ? 'must be a plain_text text object' : 'must be a valid enum value', `${at}/type`);
  }
  if (typeof value.text !== 'string') {
    p.add('must provide a string', `${at}/text`);
    return;
  }
  if (value.text.length === 0) p.add('must be more than 0 characters', `${at}/text`);
  p.tooLong(value.text, max, `${at}/text`);
}

function checkId(p: Problems, value: unknown, at: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') p.add('must provide a string', at);
  else p.tooLong(value, L.MAX_ID_LENGTH, at);
}

function checkOptions(p: Problems, options: unknown, at: string, max: number): void {
  if (!Array.isArray(options)) {
    p.add('must provide an array', at);
    return;
  }
  p.tooMany(options, max, at);
  options.forEach((option, i) => {
    if (!isObject(option)) return p.add('must provide an object', `${at}/${i}`);
    checkText(p, option.text, `${at}/${i}/text`, L.MAX_OPTION_TEXT);
    if (typeof option.value === 'string') p.tooLong(option.value, L.MAX_OPTION_VALUE, `${at}/${i}/value`);
  });
}

/** One interactive element (in actions, a section accessory, an input). */
function checkElement(p: Problems, element: unknown, at: string, allowed: Set<string> = ELEMENT_TYPES): void {
  if (!isObject(element)) return p.add('must provide an object', at);
  if (typeof element.type !== 'string' || !allowed.has(element.type)) {
    p.add('failed to match all allowed schemas', at);
    p.add(`unsupported type: ${String(element.type)}`, `${at}/type`);
    return;
  }
  checkId(p, element.action_id, `${at}/action_id`);
  if (isObject(element.placeholder)) checkText(p, element.placeholder, `${at}/placeholder`, L.MAX_PLACEHOLDER_TEXT, { plainOnly: true });
  switch (element.type) {
    case 'button':
      checkText(p, element.text, `${at}/text`, L.MAX_BUTTON_TEXT, { plainOnly: true });
      if (element.value !== undefined) {
        if (typeof element.value !== 'string') p.add('must provide a string', `${at}/value`);
        else p.tooLong(element.value, L.MAX_BUTTON_VALUE, `${at}/value`);
      }
      if (typeof element.url === 'string') p.tooLong(element.url, L.MAX_BUTTON_URL, `${at}/url`);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') p.add('must be a valid enum value', `${at}/style`);
      break;
    case 'overflow':
      checkOptions(p, element.options, `${at}/options`, L.MAX_OVERFLOW_OPTIONS);
      break;
    case 'image':
      if (typeof element.alt_text !== 'string') p.add('must provide a string', `${at}/alt_text`);
      break;
    default:
      if (SELECTS_WITH_OPTIONS.has(element.type)) {
        if (element.option_groups !== undefined) {
          if (Array.isArray(element.option_groups)) p.tooMany(element.option_groups, L.MAX_SELECT_OPTIONS, `${at}/option_groups`);
        } else checkOptions(p, element.options, `${at}/options`, L.MAX_SELECT_OPTIONS);
      }
  }
}

/** Elements of a block that carry action_ids: they must be unique within it. */
function checkUniqueActionIds(p: Problems, elements: unknown[], at: string): void {
  const seen = new Set<string>();
  elements.forEach((element, i) => {
    const id = isObject(element) ? element.action_id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id)) p.add(`duplicate action_id '${id}': action_ids must be unique within a block`, `${at}/${i}/action_id`);
    seen.add(id);
  });
}

const CONTEXT_ELEMENTS = new Set(['image', 'plain_text', 'mrkdwn']);

function checkBlock(p: Problems, block: unknown, at: string): void {
  if (!isObject(block)) return p.add('must provide an object', at);
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
    p.add('failed to match all allowed schemas', at);
    p.add(`unsupported type: ${String(block.type)}`, `${at}/type`);
    return;
  }
  checkId(p, block.block_id, `${at}/block_id`);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) p.add('must provide text or fields', at);
      if (block.text !== undefined) checkText(p, block.text, `${at}/text`, L.MAX_SECTION_TEXT);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) p.add('must provide an array', `${at}/fields`);
        else {
          p.tooMany(block.fields, L.MAX_SECTION_FIELDS, `${at}/fields`);
          block.fields.forEach((field, i) => checkText(p, field, `${at}/fields/${i}`, L.MAX_SECTION_FIELD_TEXT));
        }
      }
      if (block.accessory !== undefined) checkElement(p, block.accessory, `${at}/accessory`);
      break;
    }
    case 'header':
      checkText(p, block.text, `${at}/text`, L.MAX_HEADER_TEXT, { plainOnly: true });
      break;
    case 'context': {
      if (!Array.isArray(block.elements) || block.elements.length === 0) return p.add('must provide a non-empty array', `${at}/elements`);
      p.tooMany(block.elements, L.MAX_CONTEXT_ELEMENTS, `${at}/elements`);
      block.elements.forEach((element, i) => {
        const where = `${at}/elements/${i}`;
        if (!isObject(element) || typeof element.type !== 'string' || !CONTEXT_ELEMENTS.has(element.type)) {
          p.add('failed to match all allowed schemas', where);
          return;
        }
        if (element.type === 'image') checkElement(p, element, where, CONTEXT_ELEMENTS);
        else checkText(p, element, where, L.MAX_TEXT_OBJECT);
      });
      break;
    }
    case 'actions': {
      if (!Array.isArray(block.elements) || block.elements.length === 0) return p.add('must provide a non-empty array', `${at}/elements`);
      p.tooMany(block.elements, L.MAX_ACTIONS_ELEMENTS, `${at}/elements`);
      block.elements.forEach((element, i) => checkElement(p, element, `${at}/elements/${i}`));
      checkUniqueActionIds(p, block.elements, `${at}/elements`);
      break;
    }
    case 'input':
      checkText(p, block.label, `${at}/label`, L.MAX_INPUT_LABEL, { plainOnly: true });
      checkElement(p, block.element, `${at}/element`);
      break;
    case 'image':
      if (typeof block.alt_text !== 'string') p.add('must provide a string', `${at}/alt_text`);
      else p.tooLong(block.alt_text, L.MAX_ALT_TEXT, `${at}/alt_text`);
      break;
    default:
      break;
  }
}

/** Everything wrong with a blocks array, as Slack words it; empty when Slack would accept it. */
export function validateBlocks(blocks: unknown[], surface: BlockSurface, base = '/blocks'): string[] {
  const p = new Problems();
  p.tooMany(blocks, surface === 'modal' ? L.MAX_BLOCKS_MODAL : L.MAX_BLOCKS_MESSAGE, base);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    checkBlock(p, block, `${base}/${i}`);
    const id = isObject(block) ? block.block_id : undefined;
    if (typeof id === 'string') {
      if (blockIds.has(id)) p.add(`duplicate block_id '${id}': block_ids must be unique in a message or view`, `${base}/${i}/block_id`);
      blockIds.add(id);
    }
  });
  return p.list;
}

/** A modal definition for views.open / push / update (https://api.slack.com/reference/surfaces/views). */
export function validateModal(view: Record<string, unknown>): string[] {
  const p = new Problems();
  if (view.type !== 'modal') p.add('must be a valid enum value', '/view/type');
  checkText(p, view.title, '/view/title', L.MAX_VIEW_TITLE, { plainOnly: true });
  if (view.submit !== undefined) checkText(p, view.submit, '/view/submit', L.MAX_VIEW_TITLE, { plainOnly: true });
  if (view.close !== undefined) checkText(p, view.close, '/view/close', L.MAX_VIEW_TITLE, { plainOnly: true });
  checkId(p, view.callback_id, '/view/callback_id');
  if (typeof view.private_metadata === 'string') p.tooLong(view.private_metadata, L.MAX_PRIVATE_METADATA, '/view/private_metadata');
  if (!Array.isArray(view.blocks)) p.add('must provide an array', '/view/blocks');
  else p.list.push(...validateBlocks(view.blocks, 'modal', '/view/blocks'));
  return p.list;
}
