import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMode, type LocalMode } from '../src/local-mode/local-mode.js';
import { freePort } from '../src/local-mode/redis-process.js';
import { messageText } from './support/bot-harness.js';
import { removeDir, tempDir } from './support/git-fixtures.js';

// `npm start` as a user sees it: the demo's rdebug cluster is emulated, so a rollout ends live, and
// PR #43 (whose image CI never built) ends in ImagePullBackOff with a Roll back button.
let home: string;
let local: LocalMode;

beforeAll(async () => {
  home = await tempDir('rollbot-local-');
  local = await startLocalMode({ home, port: await freePort(), log: () => undefined });
  await local.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_DEMO' });
}, 120_000);

afterAll(async () => {
  await local?.stop();
  if (home) await removeDir(home);
});

const bot = () => local.emulator.messages('C_DEMO').filter((m) => m.source !== 'user');
const waitFor = (pattern: RegExp, timeoutMs = 60_000) => local.emulator.waitFor(() => bot().find((m) => pattern.test(messageText(m))), timeoutMs);

describe('local mode with the emulated cluster', () => {
  it('/rollout papi 42 ends live', async () => {
    await local.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_DEMO', user: 'U_ALICE' });
    const done = await waitFor(/✅ papi ps-42-[0-9a-f]{7} is live in rdebug — 1\/1 pods ready, \d+ s after the push/);
    expect(messageText(done)).toContain('*Live* — Deployment papi: 1/1 pods ready');
  });

  it('/rollout papi 43 ends in ImagePullBackOff with a Roll back button', async () => {
    await local.user.slashCommand({ command: '/rollout', text: 'papi 43', channel: 'C_DEMO', user: 'U_ALICE' });
    const failed = await waitFor(/❌ papi ps-43-[0-9a-f]{7} is not live in rdebug: pod papi-\S+ cannot pull ghcr\.io\/acme\/papi:ps-43-[0-9a-f]{7}: (ErrImagePull|ImagePullBackOff)/);
    expect(JSON.stringify(failed.blocks)).toMatch(/Roll back to ps-42-[0-9a-f]{7}/);
  });
});
