import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const ackText = (r: { json?: unknown; body: string }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

describe('/rollout papi 42 in a channel, end to end', () => {
  it('acks within 3 s, queues on BullMQ, pushes the commit and updates one progress message to success', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_DEPLOY' });
    const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_DEPLOY', user: 'U_ALICE' });
    expect(ack.status).toBe(200);
    expect(ack.ackMs).toBeLessThan(3000);
    expect(ackText(ack)).toMatch(/Queued rollout of papi #42 to `rdebug`/);

    const tag = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    const done = await h.waitForMessage('C_DEPLOY', new RegExp(`Updated papi to ${tag}`));
    expect(await h.flux.log()).toContain(`chore(papi): update image tag to ${tag}`);
    expect(await h.flux.headMessage()).toContain('Requested-by: U_ALICE');
    const text = messageText(done);
    expect(text).toContain('File: `clusters/rdebug/apps/papi/values.yaml`');
    expect(text).toContain('flux reconcile kustomization apps --with-source');
    expect(done.updates).toBeGreaterThan(0); // posted once, then updated in place
    expect(h.botMessages('C_DEPLOY').filter((m) => /Rollout of papi/.test(messageText(m)))).toHaveLength(1);
    expect(h.emulator.updateRate('C_DEPLOY').peakPerMinute).toBeLessThan(50);
  });

  it('works the same as a mention, replying in the thread', async () => {
    const sent = await h.user.message({ text: 'rollout frontend 7 --env rdebug', channel: 'C_TEAM', mention: true, user: 'U_BOB' });
    const done = await h.waitForMessage('C_TEAM', /Updated frontend to ps-7-/);
    expect(done.thread_ts).toBe(sent.ts);
  });

  it('works as a DM', async () => {
    await h.user.message({ text: 'rollout papi 43 --env rdebug --dry-run', channel: 'D_ALICE', channelType: 'im', user: 'U_ALICE' });
    const done = await h.waitForMessage('D_ALICE', /Dry run: would update papi to ps-43-/);
    expect(messageText(done)).toContain('+  tag: ps-43-');
  });
});

describe('requests Slack did not sign', () => {
  it.each([
    ['unsigned', { unsigned: true }],
    ['wrongly signed', { signatureOverride: 'v0=deadbeef' }],
    ['older than 5 minutes', { stale: true }],
  ] as const)('%s requests get 401 and queue nothing', async (_name, delivery) => {
    const before = await h.queuedJobCount();
    const result = await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env rdebug', channel: 'C_SIG', ...delivery });
    expect(result.status).toBe(401);
    expect(await h.queuedJobCount()).toBe(before);
    expect(h.botMessages('C_SIG')).toHaveLength(0);
  });
});

describe('the same request delivered twice', () => {
  it('runs once: one job, one commit', async () => {
    const commitsBefore = await h.flux.commitCount();
    const first = await h.user.slashCommand({ command: '/rollout', text: 'papi 43 --env rdebug', channel: 'C_RETRY', triggerId: 'trigger-retry-1' });
    const retry = await h.user.resend(first.request, { retryNum: 1 });
    expect(retry.status).toBe(200);
    expect(ackText(retry)).toMatch(/already queued as job/);
    await h.waitForMessage('C_RETRY', /Updated papi to ps-43-/);
    expect(await h.flux.commitCount()).toBe(commitsBefore + 1);
    expect(h.botMessages('C_RETRY')).toHaveLength(1);
  });

  it('a retried mention event is handled once', async () => {
    const first = await h.user.message({ text: 'rwenv list', channel: 'C_EV', mention: true, eventId: 'Ev-dup-1' });
    await h.user.resend(first.request, { retryNum: 1 });
    await h.emulator.waitFor(() => h.emulator.ephemerals('C_EV').length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.ephemerals('C_EV')).toHaveLength(1);
  });
});

describe('refusals say exactly why, and nothing is committed', () => {
  it('no rwenv bound', async () => {
    const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_UNBOUND' });
    expect(ackText(ack)).toContain('No rwenv set. Use `/rwenv-set` first.');
    const cur = await h.user.slashCommand({ command: '/rwenv', text: 'cur', channel: 'C_UNBOUND' });
    expect(ackText(cur)).toContain('No rwenv set. Use `/rwenv-set` first.');
  });

  it('read-only environment', async () => {
    const commits = await h.flux.commitCount();
    const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env prod', channel: 'C_RO' });
    expect(ackText(ack)).toContain("rwenv 'prod' is read-only. Cannot modify Flux repo or trigger reconciliation.");
    expect(await h.flux.commitCount()).toBe(commits);
  });

  it('unknown service: the job reports the seed sentence', async () => {
    const commits = await h.flux.commitCount();
    await h.user.slashCommand({ command: '/rollout', text: 'nosuch 1 --env rdebug', channel: 'C_NF' });
    const failed = await h.waitForMessage('C_NF', /Could not find flux config for 'nosuch'\. Searched for HelmRelease and values\.yaml\./);
    expect(messageText(failed)).toContain('❌');
    expect(await h.flux.commitCount()).toBe(commits);
  });

  it('unknown PR: the job reports "No PR found"', async () => {
    await h.user.slashCommand({ command: '/rollout', text: 'papi 999 --env rdebug', channel: 'C_NOPR' });
    await h.waitForMessage('C_NOPR', /No PR found for papi #999/);
  });

  it.each([
    ['papi', /Which pull request\?/],
    ['papi abc', /'abc' is not a pull request number/],
    ['../../etc 1', /'..\/..\/etc' is not a valid service name/],
    ['papi 1 --yolo', /Unknown flag '--yolo'/],
    ['papi 1 --env nowhere', /Unknown environment 'nowhere'\. Known environments: rdebug, prod\./],
  ])('bad arguments %j', async (text, expected) => {
    const ack = await h.user.slashCommand({ command: '/rollout', text, channel: 'C_BAD' });
    expect(ackText(ack)).toMatch(expected);
  });

  it('help and unknown text get a usage reply only the caller sees', async () => {
    const ack = await h.user.slashCommand({ command: '/rollbot', text: 'dance', channel: 'C_HELP' });
    expect((ack.json as { response_type: string }).response_type).toBe('ephemeral');
    expect(ackText(ack)).toMatch(/I don't know 'dance'[\s\S]*\/rollout <service> <pr>/);
    // Sent escaped, or Slack would read <service> as a link and show nothing.
    expect(JSON.stringify(ack.json)).toContain('/rollout &lt;service&gt; &lt;pr&gt;');
    await h.user.message({ text: 'what can you do', channel: 'C_HELP', mention: true, user: 'U_CAROL' });
    const ephemeral = await h.emulator.waitFor(() => h.emulator.ephemerals('C_HELP', 'U_CAROL')[0]);
    expect(messageText(ephemeral)).toMatch(/rollbot commands/);
  });
});

describe('/rwenv set', () => {
  it('persists across a bot restart', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set prod', channel: 'C_PERSIST' });
    await h.bot.stop();
    await h.startBot();
    const cur = await h.user.slashCommand({ command: '/rwenv', text: 'cur', channel: 'C_PERSIST' });
    expect(ackText(cur)).toContain('This channel uses `prod` (read-only).');
  });
});
