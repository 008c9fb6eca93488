import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({ catalog: true });
  await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_ASK' });
});
afterAll(async () => {
  await h?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

/** A person asks in the channel (a mention); the bot answers in the thread. */
async function ask(text: string, channel = 'C_ASK'): Promise<string> {
  const sent = await h.user.message({ text, channel, mention: true, user: 'U_DANA' });
  const reply = await h.emulator.waitFor(
    () =>
      h.botMessages(channel).find((m) => m.thread_ts === sent.ts) ??
      h.emulator.ephemerals(channel, 'U_DANA').find((e) => e.thread_ts === sent.ts),
  );
  return messageText(reply);
}

describe('questions in plain words, answered from the catalog (seed 003)', () => {
  it('"what namespace is papi in?"', async () => {
    expect(await ask('what namespace is papi in?')).toContain('papi runs in namespace runwhen-local');
  });

  it('"where is frontend defined in flux?"', async () => {
    expect(await ask('where is frontend defined in flux?')).toContain('clusters/rdebug/apps/frontend/ (HelmRelease: frontend)');
  });

  it('"list services" and "show services" give the table', async () => {
    for (const question of ['list services', 'Show services']) {
      const text = await ask(question);
      expect(text).toContain('Services in rdebug (3)');
      expect(text).toMatch(/papi\s+runwhen-local\s+clusters\/rdebug\/apps\/papi\//);
    }
  });

  it('works in a DM too', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'D_DANA' });
    await h.user.message({ text: 'What namespace is runner in', channel: 'D_DANA', channelType: 'im', user: 'U_DANA' });
    const reply = await h.waitForMessage('D_DANA', /runner runs in namespace runwhen-local/);
    expect(messageText(reply)).toContain('runner runs in namespace runwhen-local');
  });

  it('an unknown service gets the seed fallback with a suggestion', async () => {
    expect(await ask('what namespace is pappi in?')).toContain("Service 'pappi' not found in services catalog. Did you mean `papi`?");
  });

  it('finds a service by its HelmRelease or Kustomization name', async () => {
    expect(await ask('where is apps-frontend defined in flux')).toContain('clusters/rdebug/apps/frontend/ (HelmRelease: frontend)');
  });
});

describe('/services', () => {
  it('lists all services for the caller', async () => {
    const ack = await h.user.slashCommand({ command: '/services', text: '', channel: 'C_ASK' });
    expect((ack.json as { response_type: string }).response_type).toBe('ephemeral');
    expect(ackText(ack)).toMatch(/frontend\s+runwhen-local\s+clusters\/rdebug\/apps\/frontend\//);
    expect(ackText(ack)).toContain('Page 1 of 1');
  });

  it('shows one service in detail', async () => {
    const text = ackText(await h.user.slashCommand({ command: '/services', text: 'papi', channel: 'C_ASK' }));
    expect(text).toContain('Platform API - core backend service');
    expect(text).toContain('*Namespace*\n`runwhen-local`');
    expect(text).toContain('flux reconcile kustomization apps-papi --with-source');
  });

  it('says which flag is wrong', async () => {
    expect(ackText(await h.user.slashCommand({ command: '/services', text: 'papi --save', channel: 'C_ASK' }))).toMatch(/--save goes with `\/services regenerate`/);
  });

  it('the rollout hint names the catalog kustomization', async () => {
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_ASK' });
    const done = await h.waitForMessage('C_ASK', /Updated papi to/);
    expect(messageText(done)).toContain('flux reconcile kustomization apps-papi --with-source');
  });
});

describe('/services regenerate', () => {
  it('shows a diff summary, then saves when Save is pressed (once, however often it is pressed)', async () => {
    const ack = await h.user.slashCommand({ command: '/services', text: 'regenerate --env rdebug', channel: 'C_REGEN' });
    expect(ackText(ack)).toMatch(/Queued catalog regeneration for `rdebug`/);
    const preview = await h.waitForMessage('C_REGEN', /Catalog of rdebug/);
    const text = messageText(preview);
    expect(text).toContain('➖ Removed (1): `runner`');
    // Fields the repo does not say (no Flux Kustomization for frontend) keep their catalog value.
    expect(text).toContain('• `frontend`: namespace runwhen-local → apps\n');
    const button = (preview.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!.elements![0]!;
    expect(button.action_id).toBe('catalog_save');

    await h.user.blockAction({ actionId: 'catalog_save', value: button.value, channel: 'C_REGEN', messageTs: preview.ts, user: 'U_DANA' });
    await h.user.blockAction({ actionId: 'catalog_save', value: button.value, channel: 'C_REGEN', messageTs: preview.ts, user: 'U_EVE' });
    await h.waitForMessage('C_REGEN', /Saved 2 services to/);
    await new Promise((r) => setTimeout(r, 300)); // a second save job would have posted by now
    const saved = JSON.parse(await readFile(join(h.root, 'services-catalog.json'), 'utf8'));
    expect(Object.keys(saved.services).sort()).toEqual(['frontend', 'papi']);
    expect(saved.services.papi.description).toBe('Platform API - core backend service');
    expect(h.botMessages('C_REGEN').filter((m) => /Save the services catalog/.test(messageText(m)))).toHaveLength(1);
  });

  it('a read-only environment may regenerate for display but not save', async () => {
    const ack = await h.user.slashCommand({ command: '/services', text: 'regenerate --env prod --save', channel: 'C_RO' });
    expect(ackText(ack)).toContain("rwenv 'prod' is read-only.");
    await h.user.slashCommand({ command: '/services', text: 'regenerate --env prod', channel: 'C_RO' });
    const preview = await h.waitForMessage('C_RO', /Catalog of prod/);
    expect(messageText(preview)).toContain('prod is read-only: this preview cannot be saved.');
    expect((preview.blocks as Array<{ type: string }>).some((b) => b.type === 'actions')).toBe(false);
  });
});
