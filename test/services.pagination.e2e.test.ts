/**
 * `/services` with more than one page, through the real bot and the strict emulator: the reply with
 * Prev and Next passes Slack's checks (it used to share one action_id, which Slack refuses), and
 * Next replaces the message with the following page.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES_NEXT_ACTION, SERVICES_PREV_ACTION } from '../src/bot/render/services-message.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { removeDir, tempDir } from './support/git-fixtures.js';

let h: BotHarness;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('rollbot-services-');
  const services = Object.fromEntries(
    Array.from({ length: 150 }, (_, i) => [`svc-${String(i).padStart(3, '0')}`, { description: `Service <${i}> & friends`, namespace: 'apps', fluxPath: `clusters/rdebug/apps/svc-${i}/` }]),
  );
  const catalog = join(dir, 'catalog.json');
  await writeFile(catalog, JSON.stringify({ version: '1.0', generatedFrom: { cluster: 'c', fluxRepo: 'r', generatedAt: '2026-01-01T00:00:00Z' }, services }));
  h = await BotHarness.start({ envConfig: { catalog } });
  await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_SVC' });
});

afterAll(async () => {
  await h?.stop();
  if (dir) await removeDir(dir);
});

describe('/services across pages', () => {
  it('page 2 of 3 offers Prev and Next with their own action_ids, and Slack accepts it', async () => {
    const first = await h.user.slashCommand({ command: '/services', text: '', channel: 'C_SVC' });
    expect(messageText(first.json as never)).toContain('Page 1 of 3');
    const next = await h.user.blockAction({ actionId: SERVICES_NEXT_ACTION, value: JSON.stringify({ env: 'rdebug', page: 2 }), channel: 'C_SVC', messageTs: '1.000001' });
    expect(next.status).toBe(200);
    const page = await h.emulator.waitFor(() => h.emulator.responses('C_SVC').find((r) => r.replace_original));
    expect(messageText(page)).toContain('Page 2 of 3');
    const actions = page.blocks?.find((b) => (b as { type: string }).type === 'actions') as { elements: Array<{ action_id: string }> } | undefined;
    expect(actions?.elements.map((e) => e.action_id)).toEqual([SERVICES_PREV_ACTION, SERVICES_NEXT_ACTION]);
    // The emulator guard (test/support/emulator-guard.ts) fails this test if Slack would have refused either reply.
    expect(h.emulator.takeRefusals()).toEqual([]);
  });
});
