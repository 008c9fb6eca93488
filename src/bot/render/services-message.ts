import type { CatalogData, CatalogEntry } from '../../core/catalog/catalog-file.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { context, header, section, MAX_BLOCKS, MAX_SECTION_TEXT, type Block, type SlackMessage, truncate } from './block-kit.js';
import { actions } from './progress-message.js';

/**
 * Prev and Next sit in one actions block, and Slack refuses a block whose elements share an action_id
 * (https://api.slack.com/reference/block-kit/block-elements#button: "action_id ... should be unique
 * among all other action_ids in the containing block"), so each has its own.
 */
export const SERVICES_PREV_ACTION = 'services_page_prev';
export const SERVICES_NEXT_ACTION = 'services_page_next';
/** The single id older messages carry; still answered. */
export const SERVICES_PAGE_ACTION = 'services_page';
export const SERVICES_PAGE_ACTIONS = [SERVICES_PREV_ACTION, SERVICES_NEXT_ACTION, SERVICES_PAGE_ACTION] as const;
export const SERVICES_PAGE_SIZE = 60;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Monospace rows (escaped) packed into sections that each stay under Slack's 3,000 characters. */
function tableSections(rows: string[], maxSections: number): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) blocks.push(section('```\n' + current.join('\n') + '\n```'));
    current = [];
  };
  for (const [i, raw] of rows.entries()) {
    const row = escapeMrkdwn(raw.length > MAX_SECTION_TEXT - 100 ? `${raw.slice(0, MAX_SECTION_TEXT - 101)}…` : raw);
    if ([...current, row].join('\n').length + 8 > MAX_SECTION_TEXT) {
      if (blocks.length === maxSections - 1) {
        current.push(`… and ${rows.length - i} more`);
        break;
      }
      flush();
    }
    current.push(row);
  }
  flush();
  return blocks;
}

/** `/services`: name, namespace and flux path, a page at a time (Block Kit: 50 blocks a message). */
export function servicesTable(env: string, catalog: CatalogData, page: number): SlackMessage {
  const names = Object.keys(catalog.services).sort();
  const pages = Math.max(1, Math.ceil(names.length / SERVICES_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const slice = names.slice((current - 1) * SERVICES_PAGE_SIZE, current * SERVICES_PAGE_SIZE);
  const nameWidth = Math.min(30, Math.max(7, ...slice.map((n) => n.length)));
  const nsWidth = Math.min(24, Math.max(9, ...slice.map((n) => catalog.services[n]!.namespace.length)));
  const rows = [
    `${pad('SERVICE', nameWidth)}  ${pad('NAMESPACE', nsWidth)}  FLUX PATH`,
    ...slice.map((n) => `${pad(n, nameWidth)}  ${pad(catalog.services[n]!.namespace, nsWidth)}  ${catalog.services[n]!.fluxPath}`),
  ];
  // Header, context and actions around the table; the rest of Slack's 50 blocks may hold rows.
  const blocks: Block[] = [header(`Services in ${env} (${names.length})`), ...tableSections(rows, MAX_BLOCKS - 3)];
  blocks.push(context(`Page ${current} of ${pages} · \`/services &lt;name&gt;\` for details`));
  const buttons = [
    ...(current > 1 ? [{ actionId: SERVICES_PREV_ACTION, text: '← Previous', value: JSON.stringify({ env, page: current - 1 }) }] : []),
    ...(current < pages ? [{ actionId: SERVICES_NEXT_ACTION, text: 'Next →', value: JSON.stringify({ env, page: current + 1 }) }] : []),
  ];
  if (buttons.length) blocks.push(actions(buttons));
  return { text: `Services in ${escapeMrkdwn(env)}: ${names.length} (page ${current} of ${pages})`, blocks };
}

/** `/services <name>`: every field of one entry. */
export function serviceDetail(env: string, name: string, entry: CatalogEntry): SlackMessage {
  const fields = [
    ['Namespace', entry.namespace],
    ['Flux path', entry.fluxPath],
    ['HelmRelease', entry.helmRelease ?? '—'],
    ['Kustomization', entry.kustomization ?? '—'],
    ...(entry.image ? [['Image set in', `${entry.image.file}\` \`${entry.image.path}`], ['Tag (at last regenerate)', entry.image.tag ?? 'empty']] : []),
    // https://api.slack.com/reference/block-kit/blocks#section: each field at most 2,000 characters.
  ].map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n\`${escapeMrkdwn(String(v).slice(0, 1900))}\`` }));
  return {
    text: escapeMrkdwn(`${name} runs in namespace ${entry.namespace} (${entry.fluxPath})`),
    blocks: [
      header(`${name} in ${env}`),
      ...(entry.description ? [section(escapeMrkdwn(entry.description))] : []),
      { type: 'section', fields },
      ...(entry.kustomization ? [context(`Force a sync: \`flux reconcile kustomization ${escapeMrkdwn(entry.kustomization)} --with-source\``)] : []),
    ],
  };
}
