/**
 * Everything rollbot renders passes the strict emulator, at sizes far past the demo's: 2,000
 * services, 500 commits on a release card, 5,000 lines of command output. Data holding `<`, `>` and
 * `&` is escaped, and long lists end in "… and N more" instead of being refused.
 */
import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogData } from '../src/core/catalog/catalog-file.js';
import { usageText } from '../src/core/commands/usage.js';
import { codeBlock, escapeMrkdwn } from '../src/core/mrkdwn.js';
import type { ReleasePlan } from '../src/core/release/release-plan.js';
import type { ApprovalState } from '../src/jobs/release/approval-store.js';
import { plainMessage, type SlackMessage } from '../src/bot/render/block-kit.js';
import { progressMessage } from '../src/bot/render/progress-message.js';
import { releaseCard } from '../src/bot/render/release-card.js';
import { serviceDetail, servicesTable, SERVICES_NEXT_ACTION, SERVICES_PREV_ACTION } from '../src/bot/render/services-message.js';
import { SlackWebApiEmulator } from '../src/slack-emulator/index.js';

const { WebClient } = webApi;

function catalogOf(count: number, path = (i: number) => `clusters/rdebug/apps/svc-${i}/`): CatalogData {
  const services: CatalogData['services'] = {};
  for (let i = 0; i < count; i += 1) {
    services[`svc-${String(i).padStart(4, '0')}`] = { description: `Service ${i} <beta> & co`, namespace: `ns-${i % 7}`, fluxPath: path(i) };
  }
  return { version: '1.0', services } as CatalogData;
}

function planWith(commits: number): ReleasePlan {
  return {
    service: 'papi',
    env: 'prod',
    sha: 'a'.repeat(40),
    toSha: 'a'.repeat(40),
    toTag: 'main-aaaaaaa-1700000000',
    fromSha: 'b'.repeat(40),
    fromTag: 'main-bbbbbbb-1690000000',
    direction: 'forward',
    commits: Array.from({ length: commits }, (_, i) => ({ sha: `${String(i).padStart(7, '0')}${'c'.repeat(33)}`, subject: `Fix <Widget> & "thing" number ${i} in the payments area` })),
    moreCount: 0,
    removedCommits: [],
    removedMoreCount: 0,
    image: { ref: 'registry.local/papi:main-aaaaaaa-1700000000', digest: `sha256:${'d'.repeat(64)}` },
    file: 'clusters/prod/apps/papi/values.yaml',
  } as unknown as ReleasePlan;
}

function pendingCard(plan: ReleasePlan): ApprovalState {
  return {
    status: 'pending',
    votes: [],
    request: { id: 'r1', env: 'prod', service: 'papi', requester: 'U_ALICE', required: 1, allowSelfApproval: false, deadline: 1_900_000_000_000, createdAt: 1_800_000_000_000, channel: 'C_REL', plan },
  } as unknown as ApprovalState;
}

describe('rendered messages within Slack limits', () => {
  const emulator = new SlackWebApiEmulator({ token: 'xoxb-render', rateLimits: false });
  let client: InstanceType<typeof WebClient>;

  beforeAll(async () => {
    await emulator.start();
    client = new WebClient('xoxb-render', { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  });
  afterAll(() => emulator.stop());

  /** Posts like rollbot does; a refusal throws here, and the emulator guard would fail the test too. */
  async function passes(message: SlackMessage): Promise<void> {
    expect(message.text.length).toBeGreaterThan(0);
    await client.chat.postMessage({ channel: 'C_RENDER', text: message.text, blocks: message.blocks as never });
  }

  it('/services with 2,000 services: every page passes, Prev and Next have their own action_ids', async () => {
    const catalog = catalogOf(2000);
    const first = servicesTable('rdebug', catalog, 1);
    expect(first.text).toBe('Services in rdebug: 2000 (page 1 of 34)');
    for (let page = 1; page <= 34; page += 1) await passes(servicesTable('rdebug', catalog, page));
    const middle = servicesTable('rdebug', catalog, 2).blocks.find((b) => b.type === 'actions') as unknown as { elements: Array<{ action_id: string }> };
    expect(middle.elements.map((e) => e.action_id)).toEqual([SERVICES_PREV_ACTION, SERVICES_NEXT_ACTION]);
  });

  it('/services with flux paths so long a page cannot hold them all ends the page with "… and N more"', async () => {
    const catalog = catalogOf(120, (i) => `clusters/${'deep/'.repeat(500)}svc-${i}/`);
    const page = servicesTable('rdebug', catalog, 1);
    await passes(page);
    expect(page.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(page.blocks)).toMatch(/… and \d+ more/);
  });

  it('a service description with <, > and & is escaped, not read as markup', async () => {
    const catalog = catalogOf(1);
    const detail = serviceDetail('rdebug', 'svc-0000', catalog.services['svc-0000']!);
    await passes(detail);
    expect(JSON.stringify(detail.blocks)).toContain('Service 0 &lt;beta&gt; &amp; co');
  });

  it('a release card with 500 commits fits one section and says how many more there are', async () => {
    const card = releaseCard(pendingCard(planWith(500)));
    await passes(card);
    const summary = (card.blocks[1] as unknown as { text: { text: string } }).text.text;
    expect(summary.length).toBeLessThanOrEqual(3000);
    expect(summary).toMatch(/- and \d+ more/);
    expect(summary).toContain('Fix &lt;Widget&gt; &amp; "thing" number 0');
    // From, To, image and digest are never the part cut off.
    expect(summary).toContain('Digest: sha256:');
    expect(summary.trimEnd().endsWith('```')).toBe(true);
  });

  it('5,000 lines of command output end in "… and N more lines" inside a closed code block', async () => {
    const output = Array.from({ length: 5000 }, (_, i) => `line ${i}: <pod-${i}> ready & healthy`).join('\n');
    const flux = progressMessage({ title: 'flux get all in rdebug', steps: [{ id: 'run', label: 'Run flux get all', status: 'done' }] }, 'U_ALICE', { ok: true, text: codeBlock(output, 2800) });
    await passes(flux);
    const outcome = JSON.stringify(flux.blocks);
    expect(outcome).toMatch(/… and 49\d\d more lines/);
    expect(outcome).toContain('line 0: &lt;pod-0&gt; ready &amp; healthy');

    // A phase's output keeps its end, where the error is.
    const reply = `*DEPLOY* output:\n${codeBlock(output, 3500, { keep: 'tail' })}`;
    expect(reply.length).toBeLessThanOrEqual(3500 + 20);
    expect(reply).toContain('line 4999: &lt;pod-4999&gt;');
    expect(reply).toMatch(/… and \d+ more lines \(earlier output not shown\)/);
    await client.chat.postMessage({ channel: 'C_RENDER', text: reply });
  });

  it('mrkdwn cut in the middle of a code block closes it, so the rest still renders', async () => {
    const long = '*Output*\n```\n' + Array.from({ length: 400 }, (_, i) => `row ${i} ${'x'.repeat(20)}`).join('\n') + '\n```';
    const message = plainMessage(long);
    await passes(message);
    const text = (message.blocks[0] as unknown as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/```\n… and \d+ more lines$/);
  });

  it('usage lines keep their <placeholders> visible', () => {
    expect(escapeMrkdwn(usageText('rollout'))).toContain('`/rollout &lt;service&gt; &lt;pr&gt; [--env &lt;name&gt;]');
  });

  it('a progress message before any step is known has no empty section (Slack refuses one)', async () => {
    const message = progressMessage({ title: 'Dry run of redeploy r1', steps: [] }, 'U_ALICE', { ok: true, text: 'Nothing was run.' });
    await passes(message);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'context', 'divider', 'section']);
  });

  it('step details from data are escaped', async () => {
    const message = progressMessage({ title: 'Rollout', steps: [{ id: 'edit', label: 'Edit image tag', status: 'done', detail: 'ps-1 -> ps-42 <a&b>' }] }, 'U_ALICE');
    await passes(message);
    expect(JSON.stringify(message.blocks)).toContain('ps-1 -&gt; ps-42 &lt;a&amp;b&gt;');
  });
});

describe('clipping mrkdwn', () => {
  it('cuts one over-long line with an ellipsis and never splits an escaped entity', async () => {
    const { fitMrkdwn } = await import('../src/core/mrkdwn.js');
    const cut = fitMrkdwn(escapeMrkdwn('a&'.repeat(2000)), 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/&[a-z]*…$/);
  });
});
