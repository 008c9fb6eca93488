import type { CatalogData, CatalogEntry } from '../../core/catalog/catalog-file.js';
import { context, header, section, truncate, MAX_SECTION_TEXT, type Block, type SlackMessage } from './block-kit.js';
import { actions } from './progress-message.js';

export const SERVICES_PAGE_ACTION = 'services_page';
export const SERVICES_PAGE_SIZE = 60;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Monospace rows packed into sections that each stay under Slack's 3,000 characters. */
function tableSections(rows: string[]): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) blocks.push(section('```\n' + current.join('\n') + '\n```'));
    current = [];
  };
  for (const row of rows) {
    if ([...current, row].join('\n').length + 8 > MAX_SECTION_TEXT) flush();
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
  const blocks: Block[] = [header(`Services in ${env} (${names.length})`), ...tableSections(rows)];
  blocks.push(context(`Page ${current} of ${pages} · \`/services <name>\` for details`));
  const buttons = [
    ...(current > 1 ? [{ actionId: SERVICES_PAGE_ACTION, text: '← Previous', value: JSON.stringify({ env, page: current - 1 }) }] : []),
    ...(current < pages ? [{ actionId: SERVICES_PAGE_ACTION, text: 'Next →', value: JSON.stringify({ env, page: current + 1 }) }] : []),
  ];
  if (buttons.length) blocks.push(actions(buttons));
  return { text: `Services in ${env}: ${names.length} (page ${current} of ${pages})`, blocks };
}

/** `/services <name>`: every field of one entry. */
export function serviceDetail(env: string, name: string, entry: CatalogEntry): SlackMessage {
  const fields = [
    ['Namespace', entry.namespace],
    ['Flux path', entry.fluxPath],
    ['HelmRelease', entry.helmRelease ?? '—'],
    ['Kustomization', entry.kustomization ?? '—'],
    ...(entry.image ? [['Image set in', `${entry.image.file}\` \`${entry.image.path}`], ['Tag (at last regenerate)', entry.image.tag ?? 'empty']] : []),
  ].map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${k}*\n\`${v}\``, 2000) }));
  return {
    text: `${name} runs in namespace ${entry.namespace} (${entry.fluxPath})`,
    blocks: [
      header(`${name} in ${env}`),
      ...(entry.description ? [section(entry.description)] : []),
      { type: 'section', fields },
      ...(entry.kustomization ? [context(`Force a sync: \`flux reconcile kustomization ${entry.kustomization} --with-source\``)] : []),
    ],
  };
}
