import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/local-mode/redis-process.js';
import { startLocalMode, type LocalMode } from '../src/local-mode/local-mode.js';
import { messageText } from './support/bot-harness.js';

describe('local mode: `/rollout papi` finds the demo PRs on the emulated GitHub', () => {
  let home: string;
  let local: LocalMode;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rollbot-local-gh-'));
    local = await startLocalMode({ home, port: await freePort(), log: () => undefined });
  }, 120_000);
  afterAll(async () => {
    await local?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const ackText = (ack: { json?: unknown }) => messageText(ack.json as { text?: string; blocks?: unknown[] });

  it('alice has one PR: it rolls out at once', async () => {
    const ack = await local.user.slashCommand({ command: '/rollout', text: 'papi --env rdebug', channel: 'C_DEPLOY', user: 'U_ALICE' });
    expect(ackText(ack)).toMatch(/Queued rollout of papi #41 "Add health endpoint" by alice, head [0-9a-f]{7} to `rdebug`/);
    await local.emulator.waitFor(
      () => local.emulator.messages('C_DEPLOY').find((m) => /Updated papi to ps-41-[0-9a-f]{7}/.test(messageText(m))),
      60_000,
    );
  });

  it('bob has two: he gets the list (the draft marked) and nothing changes', async () => {
    const ack = await local.user.slashCommand({ command: '/rollout', text: 'papi --env rdebug', channel: 'C_DEPLOY', user: 'U_BOB' });
    const text = ackText(ack);
    expect(text).toContain('You (@bob) have 2 open PRs of papi, so nothing was rolled out yet.');
    expect(text).toMatch(/#42\* Faster config loading — `feature-42`/);
    expect(text).toMatch(/#43\* New cache layer — `feature-43` · by bob · updated 26 h ago · 📝 draft/);
  });
});
