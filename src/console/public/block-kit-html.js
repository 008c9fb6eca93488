// @ts-check
/**
 * Block Kit and Slack mrkdwn rendered as HTML strings, the way a person sees them in Slack.
 *
 * Shared by the browser console (served to the page as-is, so: plain ESM, no imports, no DOM) and
 * node (unit tests, server-side rendering). Types are in block-kit-html.d.ts beside this file.
 *
 * Safety: every piece of text that reaches the output is HTML-escaped; the only markup is what this
 * module writes itself. Links are emitted only for http(s) and mailto URLs, so a `javascript:` URL
 * in a message stays text.
 */

/** @type {Record<string, string>} */
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * @param {unknown} text
 * @returns {string}
 */
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Slack escapes `&`, `<` and `>` in message text as entities; these are the characters a person sees.
 * @param {string} text
 */
export function decodeSlackEntities(text) {
  return text.replace(/&(amp|lt|gt);/g, (_, entity) => (entity === 'amp' ? '&' : entity === 'lt' ? '<' : '>'));
}

/**
 * "U_ALICE" -> "alice", "C_DEPLOY" -> "deploy" (the emulator's convention for unnamed ids).
 * @param {string} id
 */
export function nameFromId(id) {
  const withoutPrefix = /^[A-Z]_/.test(id) ? id.slice(2) : id;
  return withoutPrefix.toLowerCase().replace(/_/g, '-');
}

/** A few shortcodes Slack apps commonly send; unknown ones stay as typed. */
/** @type {Record<string, string>} */
const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rocket: '🚀',
  lock: '🔒',
  unlock: '🔓',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  repeat: '🔁',
  eyes: '👀',
  tada: '🎉',
  no_entry: '⛔',
  information_source: 'ℹ️',
  point_right: '👉',
  floppy_disk: '💾',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  wave: '👋',
  mag: '🔍',
  gear: '⚙️',
  package: '📦',
  memo: '📝',
  black_square_for_stop: '⏹️',
  large_green_circle: '🟢',
  red_circle: '🔴',
  white_circle: '⚪',
};

/** @param {string} html escaped text */
function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

/** @param {string} url */
function isSafeUrl(url) {
  return /^(https?:\/\/|mailto:)/i.test(url);
}

/**
 * @param {string} url
 * @param {string} label
 */
function linkHtml(url, label) {
  return `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/**
 * The inside of a `<…>` control sequence: a user, a channel, a broadcast, a date or a link.
 * Anything else is not a control sequence and is shown as typed.
 * @param {string} inner
 * @param {import('./block-kit-html.js').RenderOptions} options
 * @returns {string | undefined}
 */
function controlSequenceHtml(inner, options) {
  const user = /^@([UW][A-Z0-9_]+)(?:\|([^|]*))?$/.exec(inner);
  if (user) {
    const id = /** @type {string} */ (user[1]);
    const name = user[2] || options.userName?.(id) || nameFromId(id);
    const self = options.currentUser === id ? ' bk-mention-self' : '';
    return `<span class="bk-mention${self}" data-user-id="${escapeHtml(id)}">@${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  const channel = /^#([CGD][A-Z0-9_]+)(?:\|([^|]*))?$/.exec(inner);
  if (channel) {
    const id = /** @type {string} */ (channel[1]);
    const name = channel[2] || options.channelName?.(id) || nameFromId(id);
    return `<span class="bk-mention bk-channel">#${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  const special = /^!(here|channel|everyone)(?:\|[^|]*)?$/.exec(inner);
  if (special) return `<span class="bk-mention bk-broadcast">@${special[1]}</span>`;
  const subteam = /^!subteam\^([A-Z0-9_]+)(?:\|([^|]*))?$/.exec(inner);
  if (subteam) return `<span class="bk-mention bk-usergroup">${escapeHtml(decodeSlackEntities(subteam[2] || `@${subteam[1]}`))}</span>`;
  const date = /^!date\^[^|]*\|(.*)$/.exec(inner);
  if (date) return escapeHtml(decodeSlackEntities(date[1] ?? ''));
  const link = /^((?:https?:\/\/|mailto:)[^|\s]+)(?:\|(.*))?$/i.exec(inner);
  if (link) {
    const url = decodeSlackEntities(/** @type {string} */ (link[1]));
    return linkHtml(url, decodeSlackEntities(link[2] || url));
  }
  return undefined;
}

const HOLD_OPEN = '\u0001';
const HOLD_CLOSE = '\u0002';

/**
 * Styles inside one line run: *bold*, _italic_, ~strike~. Slack only styles a run that starts after
 * a non-word character and ends before one, so snake_case and 2*3*4 stay as they are.
 * @param {string} html escaped text with placeholders
 */
function applyStyles(html) {
  const style = (/** @type {string} */ s, /** @type {string} */ mark, /** @type {string} */ tag) => {
    const m = mark === '*' ? '\\*' : mark;
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}${m}])${m}(?=[^\\s${m}])([^${m}\\n]*?[^\\s${m}])${m}(?![\\p{L}\\p{N}${m}])`, 'gu');
    return s.replace(pattern, (_, before, inner) => `${before}<${tag}>${inner}</${tag}>`);
  };
  return style(style(style(html, '*', 'b'), '_', 'i'), '~', 's');
}

/**
 * mrkdwn outside code blocks: inline code, control sequences, bare links, styles, quotes, newlines.
 * @param {string} text
 * @param {import('./block-kit-html.js').RenderOptions} options
 */
function inlineMrkdwnToHtml(text, options) {
  /** @type {string[]} */
  const held = [];
  const hold = (/** @type {string} */ html) => `${HOLD_OPEN}${held.push(html) - 1}${HOLD_CLOSE}`;
  let s = text.replace(/[\u0001\u0002]/g, '');
  s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code class="bk-code">${escapeHtml(decodeSlackEntities(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (whole, inner) => {
    const html = controlSequenceHtml(inner, options);
    return html === undefined ? whole : hold(html);
  });
  s = s.replace(/\bhttps?:\/\/[^\s<>\u0001\u0002]*[^\s<>.,;:!?)\]'"\u0001\u0002]/g, (url) => hold(linkHtml(decodeSlackEntities(url), decodeSlackEntities(url))));
  let html = escapeHtml(decodeSlackEntities(s));
  html = applyStyles(html);
  html = emojify(html);
  // Block quotes: consecutive lines starting with "> ".
  const lines = html.split('\n');
  /** @type {string[]} */
  const out = [];
  /** @type {string[]} */
  let quote = [];
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote class="bk-quote">${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  lines.forEach((line, i) => {
    const quoted = /^&gt; ?(.*)$/.exec(line);
    if (quoted) {
      quote.push(quoted[1] ?? '');
      return;
    }
    flushQuote();
    out.push(line + (i < lines.length - 1 ? '<br>' : ''));
  });
  flushQuote();
  html = out.join('');
  return html.replace(/\u0001(\d+)\u0002/g, (_, i) => held[Number(i)] ?? '');
}

/**
 * Slack mrkdwn as HTML.
 * @param {string | undefined | null} text
 * @param {import('./block-kit-html.js').RenderOptions} [options]
 */
export function mrkdwnToHtml(text, options = {}) {
  const source = String(text ?? '');
  /** @type {string[]} */
  const parts = [];
  let last = 0;
  for (const match of source.matchAll(/```([\s\S]*?)```/g)) {
    const index = match.index ?? 0;
    parts.push(inlineMrkdwnToHtml(source.slice(last, index).replace(/\n$/, ''), options));
    const code = (match[1] ?? '').replace(/^\n/, '').replace(/\n$/, '');
    parts.push(`<pre class="bk-pre">${escapeHtml(decodeSlackEntities(code))}</pre>`);
    last = index + match[0].length;
    if (source[last] === '\n') last += 1;
  }
  parts.push(inlineMrkdwnToHtml(source.slice(last), options));
  return parts.join('');
}

/**
 * plain_text: escaped, newlines kept, :emoji: when the object allows it (Slack's default).
 * @param {string | undefined | null} text
 * @param {boolean} [emoji]
 */
export function plainTextToHtml(text, emoji = true) {
  const html = escapeHtml(text ?? '').replace(/\n/g, '<br>');
  return emoji ? emojify(html) : html;
}

/**
 * A text object ({ type: 'mrkdwn' | 'plain_text', text }) as HTML.
 * @param {unknown} obj
 * @param {import('./block-kit-html.js').RenderOptions} [options]
 */
export function textObjectToHtml(obj, options = {}) {
  if (typeof obj === 'string') return mrkdwnToHtml(obj, options);
  if (!obj || typeof obj !== 'object') return '';
  const t = /** @type {{ type?: unknown; text?: unknown; emoji?: unknown }} */ (obj);
  const text = typeof t.text === 'string' ? t.text : '';
  return t.type === 'mrkdwn' ? mrkdwnToHtml(text, options) : plainTextToHtml(text, t.emoji !== false);
}

/** @param {unknown} obj */
function plainOf(obj) {
  if (typeof obj === 'string') return obj;
  if (obj && typeof obj === 'object' && typeof (/** @type {{ text?: unknown }} */ (obj).text) === 'string') {
    return /** @type {{ text: string }} */ (obj).text;
  }
  return '';
}

/**
 * @param {Record<string, unknown>} attrs
 */
function dataAttrs(attrs) {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
}

/**
 * An interactive element (in an actions block, a section accessory or an input block).
 * @param {Record<string, any>} el
 * @param {string | undefined} blockId
 * @param {import('./block-kit-html.js').RenderOptions} options
 */
function elementToHtml(el, blockId, options) {
  const ids = { 'action-id': el.action_id, 'block-id': blockId };
  switch (el.type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` bk-button-${el.style}` : '';
      const url = typeof el.url === 'string' && isSafeUrl(el.url) ? el.url : undefined;
      const confirm = el.confirm ? plainOf(el.confirm.text) || plainOf(el.confirm.title) : undefined;
      return `<button type="button" class="bk-button${style}"${dataAttrs({ ...ids, value: el.value, url, confirm })}>${textObjectToHtml(el.text, options)}</button>`;
    }
    case 'plain_text_input': {
      const common = `class="bk-text-input"${dataAttrs({ ...ids, kind: 'plain_text_input' })} name="${escapeHtml(`${blockId ?? ''}.${el.action_id ?? ''}`)}" placeholder="${escapeHtml(plainOf(el.placeholder))}"`;
      const initial = typeof el.initial_value === 'string' ? el.initial_value : '';
      const limits = `${typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : ''}`;
      return el.multiline
        ? `<textarea ${common}${limits} rows="4">${escapeHtml(initial)}</textarea>`
        : `<input type="text" ${common}${limits} value="${escapeHtml(initial)}">`;
    }
    case 'static_select': {
      /** @type {Array<Record<string, any>>} */
      const opts = Array.isArray(el.options) ? el.options : (el.option_groups ?? []).flatMap((/** @type {any} */ g) => g.options ?? []);
      const initial = el.initial_option?.value;
      const placeholder = `<option value="">${escapeHtml(plainOf(el.placeholder) || 'Select…')}</option>`;
      const options_ = opts
        .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${escapeHtml(plainOf(o.text))}</option>`)
        .join('');
      return `<select class="bk-select"${dataAttrs({ ...ids, kind: 'static_select' })}>${placeholder}${options_}</select>`;
    }
    case 'image':
      return typeof el.image_url === 'string' && isSafeUrl(el.image_url)
        ? `<img class="bk-accessory-image" src="${escapeHtml(el.image_url)}" alt="${escapeHtml(el.alt_text)}">`
        : '';
    default:
      return `<span class="bk-unsupported">[${escapeHtml(el.type ?? 'element')}]</span>`;
  }
}

/**
 * rich_text (what Slack clients send for typed messages), reduced to what is readable.
 * @param {any[]} elements
 * @param {import('./block-kit-html.js').RenderOptions} options
 * @returns {string}
 */
function richTextToHtml(elements, options) {
  return (elements ?? [])
    .map((/** @type {any} */ el) => {
      switch (el?.type) {
        case 'rich_text_section':
          return `<div>${richTextToHtml(el.elements, options)}</div>`;
        case 'rich_text_preformatted':
          return `<pre class="bk-pre">${richTextToHtml(el.elements, options)}</pre>`;
        case 'rich_text_quote':
          return `<blockquote class="bk-quote">${richTextToHtml(el.elements, options)}</blockquote>`;
        case 'rich_text_list':
          return `<ul>${(el.elements ?? []).map((/** @type {any} */ item) => `<li>${richTextToHtml(item.elements, options)}</li>`).join('')}</ul>`;
        case 'text': {
          let html = plainTextToHtml(el.text, false);
          if (el.style?.code) html = `<code class="bk-code">${html}</code>`;
          if (el.style?.bold) html = `<b>${html}</b>`;
          if (el.style?.italic) html = `<i>${html}</i>`;
          if (el.style?.strike) html = `<s>${html}</s>`;
          return html;
        }
        case 'link':
          return typeof el.url === 'string' && isSafeUrl(el.url) ? linkHtml(el.url, el.text || el.url) : escapeHtml(el.text ?? el.url);
        case 'user':
          return controlSequenceHtml(`@${el.user_id}`, options) ?? '';
        case 'channel':
          return controlSequenceHtml(`#${el.channel_id}`, options) ?? '';
        case 'emoji':
          return el.unicode ? escapeHtml(String.fromCodePoint(...String(el.unicode).split('-').map((h) => parseInt(h, 16)))) : emojify(`:${escapeHtml(el.name)}:`);
        default:
          return '';
      }
    })
    .join('');
}

/**
 * One block as HTML.
 * @param {unknown} raw
 * @param {import('./block-kit-html.js').RenderOptions} [options]
 */
export function blockToHtml(raw, options = {}) {
  if (!raw || typeof raw !== 'object') return '';
  const block = /** @type {Record<string, any>} */ (raw);
  const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
  const idAttr = dataAttrs({ 'block-id': blockId });
  switch (block.type) {
    case 'header':
      return `<div class="bk-block bk-header"${idAttr}>${plainTextToHtml(plainOf(block.text), block.text?.emoji !== false)}</div>`;
    case 'section': {
      const text = block.text ? `<div class="bk-section-text">${textObjectToHtml(block.text, options)}</div>` : '';
      const fields = Array.isArray(block.fields) && block.fields.length
        ? `<div class="bk-fields">${block.fields.map((/** @type {unknown} */ f) => `<div class="bk-field">${textObjectToHtml(f, options)}</div>`).join('')}</div>`
        : '';
      const accessory = block.accessory ? `<div class="bk-accessory">${elementToHtml(block.accessory, blockId, options)}</div>` : '';
      return `<div class="bk-block bk-section"${idAttr}><div class="bk-section-body">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const elements = (Array.isArray(block.elements) ? block.elements : [])
        .map((/** @type {any} */ el) =>
          el?.type === 'image'
            ? typeof el.image_url === 'string' && isSafeUrl(el.image_url)
              ? `<img class="bk-context-image" src="${escapeHtml(el.image_url)}" alt="${escapeHtml(el.alt_text)}">`
              : ''
            : `<span class="bk-context-text">${textObjectToHtml(el, options)}</span>`,
        )
        .join('');
      return `<div class="bk-block bk-context"${idAttr}>${elements}</div>`;
    }
    case 'divider':
      return `<hr class="bk-block bk-divider">`;
    case 'actions': {
      const elements = (Array.isArray(block.elements) ? block.elements : []).map((/** @type {any} */ el) => elementToHtml(el, blockId, options)).join('');
      return `<div class="bk-block bk-actions"${idAttr}>${elements}</div>`;
    }
    case 'image': {
      if (typeof block.image_url !== 'string' || !isSafeUrl(block.image_url)) return '';
      const title = block.title ? `<div class="bk-image-title">${plainTextToHtml(plainOf(block.title))}</div>` : '';
      return `<figure class="bk-block bk-image"${idAttr}>${title}<img src="${escapeHtml(block.image_url)}" alt="${escapeHtml(block.alt_text)}"></figure>`;
    }
    case 'input': {
      const optional = block.optional ? ' <span class="bk-optional">(optional)</span>' : '';
      const hint = block.hint ? `<div class="bk-hint">${plainTextToHtml(plainOf(block.hint))}</div>` : '';
      return `<div class="bk-block bk-input"${idAttr}><label class="bk-label">${plainTextToHtml(plainOf(block.label))}${optional}</label>${
        block.element ? elementToHtml(block.element, blockId, options) : ''
      }${hint}<div class="bk-error" hidden></div></div>`;
    }
    case 'rich_text':
      return `<div class="bk-block bk-rich-text"${idAttr}>${richTextToHtml(block.elements, options)}</div>`;
    default:
      return `<div class="bk-block bk-unsupported">[${escapeHtml(block.type ?? 'unknown')} block]</div>`;
  }
}

/**
 * @param {unknown[] | undefined | null} blocks
 * @param {import('./block-kit-html.js').RenderOptions} [options]
 */
export function blocksToHtml(blocks, options = {}) {
  return (Array.isArray(blocks) ? blocks : []).map((b) => blockToHtml(b, options)).join('');
}

/**
 * Legacy attachments: a coloured bar with text, fields and blocks.
 * @param {unknown[] | undefined | null} attachments
 * @param {import('./block-kit-html.js').RenderOptions} options
 */
function attachmentsToHtml(attachments, options) {
  return (Array.isArray(attachments) ? attachments : [])
    .map((raw) => {
      const a = /** @type {Record<string, any>} */ (raw ?? {});
      const color = typeof a.color === 'string' && /^#?[0-9a-f]{3,8}$/i.test(a.color) ? (a.color.startsWith('#') ? a.color : `#${a.color}`) : '#dddddd';
      const title = a.title ? `<div class="bk-attachment-title">${escapeHtml(a.title)}</div>` : '';
      const text = a.text ? `<div>${mrkdwnToHtml(a.text, options)}</div>` : '';
      const fields = Array.isArray(a.fields)
        ? a.fields.map((/** @type {any} */ f) => `<div class="bk-field"><b>${escapeHtml(f.title)}</b><br>${mrkdwnToHtml(f.value, options)}</div>`).join('')
        : '';
      return `<div class="bk-attachment" style="border-left-color:${color}">${title}${text}${fields}${blocksToHtml(a.blocks, options)}</div>`;
    })
    .join('');
}

/**
 * A message as Slack shows it: its blocks, or its text when it has none, then any attachments.
 * @param {{ text?: string | null; blocks?: unknown[] | null; attachments?: unknown[] | null }} message
 * @param {import('./block-kit-html.js').RenderOptions} [options]
 */
export function messageToHtml(message, options = {}) {
  const body = Array.isArray(message.blocks) && message.blocks.length > 0
    ? blocksToHtml(message.blocks, options)
    : `<div class="bk-block bk-text">${mrkdwnToHtml(message.text ?? '', options)}</div>`;
  return body + attachmentsToHtml(message.attachments, options);
}

/**
 * A modal (views.open / views.push) as a form: title, blocks, Cancel and Submit.
 * @param {Record<string, any>} view
 * @param {import('./block-kit-html.js').RenderOptions & { viewId?: string }} [options]
 */
export function viewToHtml(view, options = {}) {
  const hasInputs = (Array.isArray(view.blocks) ? view.blocks : []).some((/** @type {any} */ b) => b?.type === 'input');
  const submit = view.submit || hasInputs ? `<button type="submit" class="bk-button bk-button-primary" data-modal="submit">${escapeHtml(plainOf(view.submit) || 'Submit')}</button>` : '';
  const close = `<button type="button" class="bk-button" data-modal="close">${escapeHtml(plainOf(view.close) || (submit ? 'Cancel' : 'Close'))}</button>`;
  return `<form class="bk-modal"${dataAttrs({ 'view-id': options.viewId, 'callback-id': view.callback_id })}>`
    + `<header class="bk-modal-title">${plainTextToHtml(plainOf(view.title) || 'Modal')}</header>`
    + `<div class="bk-modal-body">${blocksToHtml(view.blocks, options)}</div>`
    + `<div class="bk-modal-errors" hidden></div>`
    + `<footer class="bk-modal-footer">${close}${submit}</footer>`
    + `</form>`;
}
