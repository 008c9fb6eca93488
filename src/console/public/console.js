// @ts-check
/**
 * The browser side of the rollbot console: a Slack-like channel view over the emulated Slack.
 * No framework: the server streams what changed (server-sent events) and this file re-renders the
 * current channel, reusing the DOM of messages that did not change.
 */
import { escapeHtml, messageToHtml, nameFromId, viewToHtml } from './block-kit-html.js';

/**
 * @typedef {{ id: string; kind: 'message' | 'ephemeral'; channel: string; ts: string; threadTs?: string; user: string;
 *   fromBot: boolean; visibleTo?: string; text?: string; blocks?: unknown[]; attachments?: unknown[]; via: string;
 *   command?: string; edits: number; seq: number; at: number }} Item
 * @typedef {{ id: string; user?: string; view: Record<string, any>; at: number }} View
 * @typedef {{ id: string; name: string; env?: string; topic?: string }} Channel
 * @typedef {{ id: string; name: string; realName?: string }} User
 * @typedef {{ workspace: string; bot: { id: string; name: string }; users: User[]; channels: Channel[]; names: Record<string, string> }} Config
 */

const $ = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

const state = {
  /** @type {Config} */ config: /** @type {any} */ (undefined),
  user: '',
  channel: '',
  /** @type {Map<string, Item>} */ items: new Map(),
  /** @type {Map<string, View>} */ views: new Map(),
  /** @type {Record<string, number>} */ unread: {},
  /** @type {EventSource | undefined} */ source: undefined,
  /** @type {string[]} */ sent: [],
};

/** The HTML each message group / the modal was last rendered from, to skip unchanged ones. */
/** @type {WeakMap<HTMLElement, string>} */
const rendered = new WeakMap();

const AVATAR_COLORS = ['#e8912d', '#2bac76', '#1264a3', '#cd2553', '#7c3085', '#0b8574', '#de4e2b'];

function avatarColor(/** @type {string} */ id) {
  if (id === state.config.bot.id) return '#4a154b';
  let hash = 0;
  for (const c of id) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return AVATAR_COLORS[hash % AVATAR_COLORS.length];
}

function userName(/** @type {string} */ id) {
  return state.config.names[id] ?? nameFromId(id);
}

function dmChannel(/** @type {string} */ user = state.user) {
  return `D_${user}`;
}

function channelLabel(/** @type {string} */ id) {
  if (id.startsWith('D')) return 'rollbot';
  const channel = state.config.channels.find((c) => c.id === id);
  return `#${channel?.name ?? nameFromId(id)}`;
}

const renderOptions = {
  userName: (/** @type {string} */ id) => userName(id),
  channelName: (/** @type {string} */ id) => state.config.channels.find((c) => c.id === id)?.name,
  get currentUser() {
    return state.user;
  },
};

function toast(/** @type {string} */ text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => (el.hidden = true), 5000));
}

async function post(/** @type {string} */ path, /** @type {unknown} */ body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}

// ---- sidebar ----

function avatarHtml(/** @type {string} */ id) {
  return `<span class="avatar" style="background:${avatarColor(id)}">${escapeHtml(userName(id).charAt(0).toUpperCase())}</span>`;
}

function renderSidebar() {
  $('#workspace-name').textContent = state.config.workspace;
  $('#user-switcher').innerHTML = state.config.users
    .map(
      (u) =>
        `<button type="button" class="user-chip" data-user-id="${escapeHtml(u.id)}" data-user-name="${escapeHtml(u.name)}" aria-pressed="${u.id === state.user}" title="${escapeHtml(u.realName ?? u.name)} (${escapeHtml(u.id)})">${avatarHtml(u.id)}${escapeHtml(u.name)}</button>`,
    )
    .join('');
  const channelButton = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ icon, /** @type {string | undefined} */ env) => {
    const unread = state.unread[id] ?? 0;
    return `<li><button type="button" data-channel="${escapeHtml(id)}" data-channel-name="${escapeHtml(label)}" aria-current="${id === state.channel}" class="${unread ? 'unread' : ''}">`
      + `<span class="hash">${icon}</span><span>${escapeHtml(label)}</span>${env ? `<span class="env-tag" title="bound to ${escapeHtml(env)}">${escapeHtml(env)}</span>` : ''}`
      + `<span class="badge">${unread || ''}</span></button></li>`;
  };
  $('#channel-list').innerHTML = state.config.channels.map((c) => channelButton(c.id, c.name, '#', c.env)).join('');
  $('#dm-list').innerHTML = channelButton(dmChannel(), 'rollbot', '●', undefined);
  const channel = state.config.channels.find((c) => c.id === state.channel);
  $('#channel-title').textContent = channelLabel(state.channel);
  $('#channel-topic').textContent = state.channel.startsWith('D')
    ? `Your direct messages with rollbot, as ${userName(state.user)}`
    : [channel?.topic, channel?.env ? `bound to ${channel.env}` : ''].filter(Boolean).join(' · ');
  /** @type {HTMLTextAreaElement} */ ($('#composer-input')).placeholder = `Message ${channelLabel(state.channel)} as ${userName(state.user)}`;
}

// ---- messages ----

function timeOf(/** @type {number} */ at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function itemHtml(/** @type {Item} */ item) {
  const ephemeral = item.kind === 'ephemeral';
  const name = userName(item.user);
  const meta = `<div class="msg-meta"><span class="msg-author">${escapeHtml(name)}</span>${item.fromBot ? '<span class="app-badge">APP</span>' : ''}`
    + `<time datetime="${new Date(item.at).toISOString()}">${escapeHtml(timeOf(item.at))}</time>${item.edits && !item.fromBot ? '<span class="msg-edited">(edited)</span>' : ''}</div>`;
  const note = ephemeral
    ? `<div class="ephemeral-note"><span>👁 Only visible to you</span>·<button type="button" class="link-button" data-dismiss="${escapeHtml(item.id)}">Dismiss</button></div>`
    : '';
  const command = ephemeral && item.command ? `<div class="msg-command">You used <code class="bk-code">${escapeHtml(item.command)}</code></div>` : '';
  return `<div class="msg${ephemeral ? ' msg-ephemeral' : ''}${item.fromBot ? ' msg-bot' : ''}" data-item-id="${escapeHtml(item.id)}" data-ts="${escapeHtml(item.ts)}" data-channel="${escapeHtml(item.channel)}">`
    + avatarHtml(item.user)
    + `<div class="msg-content">${note}${meta}${command}<div class="msg-body">${messageToHtml(item, renderOptions)}</div></div></div>`;
}

function isNearBottom(/** @type {HTMLElement} */ el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 120;
}

function renderMessages(scrollToEnd = false) {
  const container = $('#messages');
  const stick = scrollToEnd || isNearBottom(container);
  const inChannel = [...state.items.values()].filter((i) => i.channel === state.channel).sort((a, b) => a.seq - b.seq);
  const byTs = new Map(inChannel.map((i) => [i.ts, i]));
  /** @type {Map<string, Item[]>} */
  const replies = new Map();
  /** @type {Item[]} */
  const roots = [];
  for (const item of inChannel) {
    const parent = item.threadTs !== undefined && item.threadTs !== item.ts ? byTs.get(item.threadTs) : undefined;
    if (parent) replies.set(parent.ts, [...(replies.get(parent.ts) ?? []), item]);
    else roots.push(item);
  }
  const channel = state.config.channels.find((c) => c.id === state.channel);
  const intro = state.channel.startsWith('D')
    ? `<div class="channel-intro"><strong>rollbot</strong>This is your direct message history with rollbot. Ask it anything: <code class="bk-code">what namespace is papi in?</code></div>`
    : `<div class="channel-intro"><strong>#${escapeHtml(channel?.name ?? state.channel)}</strong>This is the very beginning of the channel${channel?.env ? `, bound to <code class="bk-code">${escapeHtml(channel.env)}</code>` : ''}.</div>`;
  const desired = [
    { key: 'intro', html: intro },
    ...roots.map((root) => {
      const thread = replies.get(root.ts) ?? [];
      const threadHtml = thread.length
        ? `<div class="thread"><div class="thread-label">${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}</div>${thread.map(itemHtml).join('')}</div>`
        : '';
      return { key: root.id, html: itemHtml(root) + threadHtml };
    }),
  ];
  // Keyed reconciliation: unchanged groups keep their DOM (and a button being clicked stays put).
  /** @type {Map<string, HTMLElement>} */
  const existing = new Map();
  for (const el of /** @type {HTMLElement[]} */ ([...container.children])) existing.set(el.dataset.key ?? '', el);
  /** @type {ChildNode | null} */
  let previous = null;
  for (const { key, html } of desired) {
    let el = existing.get(key);
    existing.delete(key);
    if (!el) {
      el = document.createElement('div');
      el.className = 'msg-group';
      el.dataset.key = key;
    }
    if (rendered.get(el) !== html) {
      el.innerHTML = html;
      rendered.set(el, html);
    }
    /** @type {ChildNode | null} */
    const expected = previous ? previous.nextSibling : container.firstChild;
    if (el !== expected) container.insertBefore(el, expected);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
  if (stick) container.scrollTop = container.scrollHeight;
}

// ---- modals ----

function topView() {
  return [...state.views.values()].sort((a, b) => a.at - b.at).at(-1);
}

function renderModal() {
  const root = $('#modal-root');
  const view = topView();
  if (!view) {
    root.innerHTML = '';
    rendered.delete(root);
    return;
  }
  const html = viewToHtml(view.view, { ...renderOptions, viewId: view.id });
  // Unchanged: keep the form as it is, with whatever was typed into it.
  if (rendered.get(root) === html) return;
  rendered.set(root, html);
  root.innerHTML = `<div class="modal-overlay">${html}</div>`;
  /** @type {HTMLElement | null} */ (root.querySelector('input, textarea, select'))?.focus();
}

function collectViewValues(/** @type {HTMLElement} */ form) {
  /** @type {Record<string, Record<string, unknown>>} */
  const values = {};
  let missing = false;
  form.querySelectorAll('.bk-input').forEach((block, i) => {
    const el = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (block.querySelector('[data-kind]'));
    if (!el) return;
    const blockId = /** @type {HTMLElement} */ (block).dataset.blockId ?? `block_${i}`;
    const actionId = el.dataset.actionId ?? `action_${i}`;
    const error = /** @type {HTMLElement} */ (block.querySelector('.bk-error'));
    const optional = Boolean(block.querySelector('.bk-optional'));
    error.hidden = true;
    if (!optional && !el.value.trim()) {
      error.textContent = 'Please complete this required field.';
      error.hidden = false;
      missing = true;
    }
    if (el.dataset.kind === 'static_select') {
      const select = /** @type {HTMLSelectElement} */ (el);
      const option = select.selectedOptions[0];
      values[blockId] = {
        [actionId]: {
          type: 'static_select',
          selected_option: select.value ? { text: { type: 'plain_text', text: option?.textContent ?? '' }, value: select.value } : null,
        },
      };
    } else {
      values[blockId] = { [actionId]: el.value };
    }
  });
  return { values, missing };
}

async function submitView(/** @type {HTMLFormElement} */ form) {
  const viewId = form.dataset.viewId ?? '';
  const { values, missing } = collectViewValues(form);
  if (missing) return;
  const errorsBox = /** @type {HTMLElement} */ (form.querySelector('.bk-modal-errors'));
  errorsBox.hidden = true;
  try {
    const answer = await post('/console/view-submission', { viewId, user: state.user, values });
    if (answer.status !== 200) {
      errorsBox.textContent = `The app answered HTTP ${answer.status}.`;
      errorsBox.hidden = false;
    } else if (answer.responseAction === 'errors' && answer.errors) {
      for (const [blockId, message] of Object.entries(answer.errors)) {
        const block = form.querySelector(`.bk-input[data-block-id="${CSS.escape(blockId)}"] .bk-error`);
        if (block instanceof HTMLElement) {
          block.textContent = String(message);
          block.hidden = false;
        }
      }
    }
  } catch (error) {
    errorsBox.textContent = `Could not submit: ${error instanceof Error ? error.message : String(error)}`;
    errorsBox.hidden = false;
  }
}

/** Slack's confirmation dialog for buttons with `confirm`. */
function confirmDialog(/** @type {string} */ text) {
  return new Promise((resolve) => {
    const overlay = document.createElement('div');
    overlay.className = 'modal-overlay';
    overlay.innerHTML = `<form class="bk-modal"><header class="bk-modal-title">Are you sure?</header><div class="bk-modal-body">${escapeHtml(text)}</div>`
      + `<footer class="bk-modal-footer"><button type="button" class="bk-button" data-answer="no">Cancel</button><button type="submit" class="bk-button bk-button-primary" data-answer="yes">Confirm</button></footer></form>`;
    overlay.addEventListener('click', (event) => {
      const answer = /** @type {HTMLElement} */ (event.target).closest('[data-answer]');
      if (!(answer instanceof HTMLElement)) return;
      event.preventDefault();
      overlay.remove();
      resolve(answer.dataset.answer === 'yes');
    });
    document.body.append(overlay);
  });
}

// ---- live updates ----

/** @param {Item} item */
function noteUnread(item) {
  if (item.channel === state.channel || state.items.has(item.id)) return;
  state.unread[item.channel] = (state.unread[item.channel] ?? 0) + 1;
}

function connect() {
  state.source?.close();
  document.body.dataset.ready = 'false';
  const user = state.user;
  const source = new EventSource(`/console/events?user=${encodeURIComponent(user)}`);
  state.source = source;
  const connection = $('#connection');
  source.onopen = () => {
    connection.textContent = `live as ${userName(user)}`;
    connection.className = 'connection live';
  };
  source.onerror = () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'connection down';
  };
  const on = (/** @type {string} */ type, /** @type {(data: any) => void} */ handler) =>
    source.addEventListener(type, (event) => {
      if (state.source !== source) return;
      handler(JSON.parse(/** @type {MessageEvent} */ (event).data));
    });
  on('snapshot', (data) => {
    state.items = new Map(data.items.map((/** @type {Item} */ i) => [i.id, i]));
    state.views = new Map(data.views.map((/** @type {View} */ v) => [v.id, v]));
    renderSidebar();
    renderMessages(true);
    renderModal();
    document.body.dataset.user = user;
    document.body.dataset.ready = 'true';
  });
  on('upsert', (data) => {
    noteUnread(data.item);
    state.items.set(data.item.id, data.item);
    if (data.item.channel === state.channel) renderMessages();
    else renderSidebar();
  });
  on('remove', (data) => {
    const item = state.items.get(data.id);
    state.items.delete(data.id);
    if (item?.channel === state.channel) renderMessages();
  });
  on('view', (data) => {
    state.views.set(data.view.id, data.view);
    renderModal();
  });
  on('view_closed', (data) => {
    state.views.delete(data.id);
    renderModal();
  });
}

// ---- actions ----

function selectChannel(/** @type {string} */ channel) {
  state.channel = channel;
  delete state.unread[channel];
  sessionStorage.setItem('rollbot.channel', channel.startsWith('D') ? 'dm' : channel);
  renderSidebar();
  renderMessages(true);
  /** @type {HTMLElement} */ ($('#composer-input')).focus();
}

function switchUser(/** @type {string} */ user) {
  if (user === state.user) return;
  state.user = user;
  sessionStorage.setItem('rollbot.user', user);
  if (state.channel.startsWith('D')) state.channel = dmChannel(user);
  state.unread = {};
  renderSidebar();
  connect();
}

async function send(/** @type {string} */ text) {
  state.sent.push(text);
  try {
    await post('/console/say', { text, user: state.user, channel: state.channel });
  } catch (error) {
    toast(`Could not send: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function clickButton(/** @type {HTMLButtonElement} */ button) {
  const messageEl = /** @type {HTMLElement | null} */ (button.closest('.msg'));
  if (!messageEl || button.getAttribute('aria-busy') === 'true') return;
  const { confirm, url, actionId, value, blockId } = button.dataset;
  if (confirm && !(await confirmDialog(confirm))) return;
  if (url) window.open(url, '_blank', 'noopener');
  button.setAttribute('aria-busy', 'true');
  try {
    await post('/console/action', {
      actionId,
      value,
      blockId,
      channel: messageEl.dataset.channel,
      messageTs: messageEl.dataset.ts,
      user: state.user,
    });
  } catch (error) {
    toast(`Click failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    button.removeAttribute('aria-busy');
  }
}

async function init() {
  state.config = await (await fetch('/console/config')).json();
  const savedUser = sessionStorage.getItem('rollbot.user');
  state.user = state.config.users.some((u) => u.id === savedUser) ? /** @type {string} */ (savedUser) : state.config.users[0]?.id ?? 'U_ALICE';
  const savedChannel = sessionStorage.getItem('rollbot.channel');
  state.channel = savedChannel === 'dm' ? dmChannel() : state.config.channels.find((c) => c.id === savedChannel)?.id ?? state.config.channels[0]?.id ?? 'C_DEPLOY';

  $('#user-switcher').addEventListener('click', (event) => {
    const chip = /** @type {HTMLElement} */ (event.target).closest('[data-user-id]');
    if (chip instanceof HTMLElement && chip.dataset.userId) switchUser(chip.dataset.userId);
  });
  for (const list of ['#channel-list', '#dm-list']) {
    $(list).addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('[data-channel]');
      if (button instanceof HTMLElement && button.dataset.channel) selectChannel(button.dataset.channel);
    });
  }
  $('#messages').addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const button = target.closest('button.bk-button');
    if (button instanceof HTMLButtonElement) return void clickButton(button);
    const dismiss = target.closest('[data-dismiss]');
    if (dismiss instanceof HTMLElement) void post('/console/dismiss', { id: dismiss.dataset.dismiss, user: state.user }).catch(() => undefined);
  });
  // A select menu in a message acts when an option is chosen, as in Slack.
  $('#messages').addEventListener('change', (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.value || select.closest('form')) return;
    const messageEl = /** @type {HTMLElement | null} */ (select.closest('.msg'));
    if (!messageEl) return;
    const { actionId, blockId } = select.dataset;
    void post('/console/action', { actionId, value: select.value, blockId, channel: messageEl.dataset.channel, messageTs: messageEl.dataset.ts, user: state.user }).catch(
      (error) => toast(`Choice failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
  const input = /** @type {HTMLTextAreaElement} */ ($('#composer-input'));
  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    input.style.height = '';
    void send(text);
  };
  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'ArrowUp' && !input.value && state.sent.length) {
      event.preventDefault();
      input.value = state.sent.at(-1) ?? '';
    }
  });
  input.addEventListener('input', () => {
    input.style.height = '';
    input.style.height = `${Math.min(200, input.scrollHeight)}px`;
  });
  $('#modal-root').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = /** @type {HTMLElement} */ (event.target).closest('form.bk-modal');
    if (form instanceof HTMLFormElement) void submitView(form);
  });
  $('#modal-root').addEventListener('input', (event) => {
    const error = /** @type {HTMLElement} */ (event.target).closest('.bk-input')?.querySelector('.bk-error');
    if (error instanceof HTMLElement) error.hidden = true;
  });
  $('#modal-root').addEventListener('click', (event) => {
    const close = /** @type {HTMLElement} */ (event.target).closest('[data-modal="close"]');
    const form = close?.closest('form.bk-modal');
    if (form instanceof HTMLFormElement) void post('/console/view-close', { viewId: form.dataset.viewId, user: state.user }).catch(() => undefined);
  });
  renderSidebar();
  connect();
}

void init();
