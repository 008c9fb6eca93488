import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import type { RecordedMessage } from '../src/slack-emulator/types.js';

/**
 * rolloutBy, releaseBy and channels, through signed slash commands, mentions, DMs and button clicks
 * against the real Bolt app; group membership comes from the emulator's usergroups.users.list.
 */
let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({
    release: true,
    catalog: true,
    envConfig: { rolloutBy: ['U_ALICE', 'S_DEPLOYERS'], channels: ['C_GUARD', 'C_GUARD2', 'C_REGEN'] },
    environments: ({ sourceRepo, release }) => ({
      gated: {
        sourceRepo,
        releaseBy: ['U_ALICE', 'S_RELEASERS'],
        release: {
          tagTemplate: 'main-{sha7}-{ts}',
          registry: { url: release!.registry.url, repository: 'acme/{service}' },
          approval: { approvers: ['U_BOB'] },
        },
      },
      ghosted: { sourceRepo, rolloutBy: ['S_GHOST'] },
    }),
  });
  h.emulator.setUsergroup('S_DEPLOYERS', ['U_BOB']);
  h.emulator.setUsergroup('S_RELEASERS', ['U_DAVE']);
});
afterAll(async () => {
  await h?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });
const rollout = (text: string, channel: string, user: string) => h.user.slashCommand({ command: '/rollout', text, channel, user });
const responsesTo = (channel: string, user: string) => h.emulator.responses(channel).filter((r) => r.user === user).map((r) => messageText(r));

function button(message: RecordedMessage, actionId: string): { value: string } {
  for (const block of (message.blocks ?? []) as Array<{ elements?: Array<{ action_id: string; value: string }> }>) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found) return found;
  }
  throw new Error(`no ${actionId} button on:\n${messageText(message)}`);
}

async function click(message: RecordedMessage, actionId: string, user: string): Promise<string> {
  const before = responsesTo(message.channel, user).length;
  await h.user.blockAction({ actionId, value: button(message, actionId).value, channel: message.channel, messageTs: message.ts, user });
  await h.emulator.waitFor(() => responsesTo(message.channel, user).length > before);
  return responsesTo(message.channel, user).at(-1)!;
}

const WHO = 'Only <@U_ALICE> or members of <!subteam^S_DEPLOYERS> may roll out to `rdebug`.';

describe('rolloutBy: who may roll out', () => {
  it('refuses someone who is neither listed nor in a listed group, saying who may; nothing is queued', async () => {
    const before = await h.queuedJobCount();
    const ack = await rollout('papi 42 --env rdebug', 'C_GUARD', 'U_CAROL');
    expect(ackText(ack)).toContain(`❌ ${WHO} Ask one of them to do it, or ask an admin to add you to rolloutBy of \`rdebug\` in the config.`);
    expect(await h.queuedJobCount()).toBe(before);
  });

  it('lets a listed user and a member of a listed user group roll out', async () => {
    expect(ackText(await rollout('papi 42 --env rdebug', 'C_GUARD', 'U_ALICE'))).toMatch(/Queued rollout of papi #42 to `rdebug`/);
    expect(ackText(await rollout('papi 43 --env rdebug', 'C_GUARD2', 'U_BOB'))).toMatch(/Queued rollout of papi #43 to `rdebug`/);
    await h.waitForMessage('C_GUARD2', /Updated papi to ps-43-/);
  });

  it('a dry run changes nothing, so anyone may do it (in an allowed channel)', async () => {
    expect(ackText(await rollout('papi 42 --env rdebug --dry-run', 'C_GUARD', 'U_CAROL'))).toMatch(/Queued dry-run rollout/);
  });

  it('applies to mentions and DMs too', async () => {
    await h.user.message({ text: 'rollout papi 42 --env rdebug', channel: 'C_GUARD', mention: true, user: 'U_CAROL' });
    const refusal = await h.emulator.waitFor(() => h.emulator.ephemerals('C_GUARD', 'U_CAROL')[0]);
    expect(messageText(refusal)).toContain(WHO);
  });

  it('asks Slack for group members again once the cache is a minute old', async () => {
    h.emulator.setUsergroup('S_DEPLOYERS', []);
    // Within the cache's minute Bob still counts as a member…
    expect(ackText(await rollout('papi 42 --env rdebug --sha ' + h.prHeads[42], 'C_GUARD', 'U_BOB'))).toMatch(/Queued rollout/);
    h.clockOffsetMs += 61_000;
    try {
      expect(ackText(await rollout('papi 42 --env rdebug', 'C_GUARD', 'U_BOB'))).toContain(WHO);
    } finally {
      h.emulator.setUsergroup('S_DEPLOYERS', ['U_BOB']);
      h.clockOffsetMs += 61_000;
    }
  });

  it('a user group Slack does not know is reported as such, not as an internal error', async () => {
    const ack = await rollout('papi 42 --env ghosted', 'C_ANY', 'U_CAROL');
    expect(ackText(ack)).toContain('Could not check the members of user group <!subteam^S_GHOST> with Slack (no_such_subteam)');
    expect(ackText(ack)).not.toContain('Something went wrong');
    // Slack's own answer to the lookup, provoked on purpose here.
    expect(h.emulator.takeRefusals().map((r) => r.error)).toContain('no_such_subteam');
  });
});

describe('locks follow the same people', () => {
  it('only someone who may roll out or release may lock or unlock the environment', async () => {
    const refused = await h.user.slashCommand({ command: '/lock', text: 'rdebug freeze', channel: 'C_GUARD', user: 'U_CAROL' });
    expect(ackText(refused)).toContain('Only <@U_ALICE> or members of <!subteam^S_DEPLOYERS> may lock `rdebug` (those in its rolloutBy).');
    const locked = await h.user.slashCommand({ command: '/lock', text: 'rdebug freeze', channel: 'C_GUARD', user: 'U_BOB' });
    try {
      expect(ackText(locked)).toContain('locked `rdebug`: freeze');
      const forced = await h.user.slashCommand({ command: '/unlock', text: 'rdebug --force', channel: 'C_GUARD', user: 'U_CAROL' });
      expect(ackText(forced)).toContain('may unlock `rdebug`');
    } finally {
      const unlocked = await h.user.slashCommand({ command: '/unlock', text: 'rdebug', channel: 'C_GUARD', user: 'U_BOB' });
      expect(ackText(unlocked)).toContain('unlocked `rdebug`');
    }
  });
});

describe('channels: where an environment may be used from', () => {
  it('refuses commands from other channels, naming the allowed ones', async () => {
    const ack = await rollout('papi 42 --env rdebug', 'C_ELSEWHERE', 'U_ALICE');
    expect(ackText(ack)).toContain('❌ `rdebug` may only be used from <#C_GUARD>, <#C_GUARD2> or <#C_REGEN>. Run the command there.');
    const flux = await h.user.slashCommand({ command: '/flux', text: 'get kustomizations --env rdebug', channel: 'C_ELSEWHERE', user: 'U_ALICE' });
    expect(ackText(flux)).toContain('`rdebug` may only be used from');
    const lock = await h.user.slashCommand({ command: '/lock', text: 'rdebug', channel: 'C_ELSEWHERE', user: 'U_ALICE' });
    expect(ackText(lock)).toContain('`rdebug` may only be used from');
  });

  it('refuses a direct message, saying so', async () => {
    await h.user.message({ text: 'rollout papi 42 --env rdebug', channel: 'D_ALICE', channelType: 'im', user: 'U_ALICE' });
    const reply = await h.waitForMessage('D_ALICE', /may only be used from/);
    expect(messageText(reply)).toContain('Run the command there (not in a direct message).');
  });

  it('a channel cannot be bound to an environment it may not use', async () => {
    const ack = await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_ELSEWHERE', user: 'U_ALICE' });
    expect(ackText(ack)).toContain('`rdebug` may only be used from');
    expect(ackText(await h.user.slashCommand({ command: '/rwenv', text: 'cur', channel: 'C_ELSEWHERE' }))).toContain('No rwenv set');
  });
});

describe('buttons are checked like commands', () => {
  it('Save catalog: only those who may roll out can save', async () => {
    await h.user.slashCommand({ command: '/services', text: 'regenerate --env rdebug', channel: 'C_REGEN', user: 'U_CAROL' });
    const preview = await h.waitForMessage('C_REGEN', /Catalog of rdebug/);
    expect(await click(preview, 'catalog_save', 'U_CAROL')).toContain(
      'Only <@U_ALICE> or members of <!subteam^S_DEPLOYERS> may save the catalog of `rdebug`.',
    );
    expect(await click(preview, 'catalog_save', 'U_BOB')).toMatch(/Queued saving the catalog of `rdebug`/);
    await h.waitForMessage('C_REGEN', /Saved \d+ services to/);
  });

  it('releaseBy guards /release and the Retry check button; approving stays with the approvers', async () => {
    const head = h.prHeads[42]!; // not built yet: the check fails with a Retry check button
    const refused = await h.user.slashCommand({ command: '/release', text: `papi ${head} --env gated`, channel: 'C_REL', user: 'U_EVE' });
    expect(ackText(refused)).toContain('Only <@U_ALICE> or members of <!subteam^S_RELEASERS> may request releases of `gated`.');

    await h.user.slashCommand({ command: '/release', text: `papi ${head} --env gated`, channel: 'C_REL', user: 'U_DAVE' });
    const failed = await h.waitForMessage('C_REL', /No tag matching main-.* is in the registry yet/);
    // A build CI has not pushed yet is something to wait for, not an internal error.
    expect(messageText(failed)).toMatch(/Wait for the build to push it, then press Retry check \(or pass --tag <tag>\)/);
    expect(messageText(failed)).not.toContain('Something went wrong');
    await h.release!.pushBuild(head);
    expect(await click(failed, 'release_retry', 'U_EVE')).toContain('may request releases of `gated`');
    expect(await click(failed, 'release_retry', 'U_ALICE')).toMatch(/Queued a new check of papi/);
    const card = await h.waitForMessage('C_REL', /Release papi to gated/);
    // Bob is not in releaseBy but is the approver: his vote counts.
    expect(await click(card, 'release_approve', 'U_BOB')).toContain('Approved.');
  });
});
