import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import { RELEASERS } from './support/release-fixture.js';
import type { RecordedMessage } from '../src/slack-emulator/types.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start({ release: true });
});
afterAll(async () => {
  await h?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

function button(message: RecordedMessage, actionId: string): { value: string } {
  for (const block of (message.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found) return found;
  }
  throw new Error(`no ${actionId} button on the message:\n${messageText(message)}`);
}

/** `/release` as alice in a channel of its own; resolves with the release card. */
async function requestRelease(channel: string, text: string, user = 'U_ALICE'): Promise<RecordedMessage> {
  const ack = await h.user.slashCommand({ command: '/release', text, channel, user });
  expect(ackText(ack)).toMatch(/Queued release of papi/);
  return h.waitForMessage(channel, /Release papi to /);
}

/** Clicks a button and waits for the bot's answer to that person (buttons other than Reject answer). */
async function click(card: RecordedMessage, actionId: string, user: string) {
  const before = responsesTo(card.channel, user).length;
  await h.user.blockAction({ actionId, value: button(card, actionId).value, channel: card.channel, messageTs: card.ts, user });
  if (actionId !== 'release_reject') await h.emulator.waitFor(() => responsesTo(card.channel, user).length > before);
}

const card = (channel: string) => h.botMessages(channel).find((m) => /Release papi to /.test(messageText(m)))!;
const responsesTo = (channel: string, user: string) => h.emulator.responses(channel).filter((r) => r.user === user).map((r) => messageText(r));

describe('/release papi <sha>: summary, approval buttons, exactly-once apply', () => {
  it('shows seed 001’s summary with the commits included and the image digest, then applies once an approver approves', async () => {
    const [first, second, third] = h.sourceMain;
    const release = await requestRelease('C_REL1', `papi ${third!.slice(0, 10)} --env live`);
    const text = messageText(release);
    expect(text).toContain(`From: ${first!.slice(0, 12)} (current prod, tag ${h.release!.tagOf(first!)})`);
    expect(text).toContain(`To: ${third!.slice(0, 12)} (tag ${h.release!.tagOf(third!)})`);
    expect(text).toContain('Commits included (2):');
    expect(text).toContain(`- feat: change 2 of papi (${second!.slice(0, 7)})`);
    expect(text).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    expect(text).toContain('0 of 1 approval');
    const progress = await h.waitForMessage('C_REL1', /Release of papi .* is ready/);
    expect(messageText(progress)).toContain('✅ *Check image*');

    const commitsBefore = await h.flux.commitCount();
    await click(release, 'release_approve', 'U_ALICE');
    expect(responsesTo('C_REL1', 'U_ALICE').at(-1)).toContain('You requested this release, so someone else must approve it (four eyes).');
    await click(release, 'release_approve', 'U_EVE');
    expect(responsesTo('C_REL1', 'U_EVE').at(-1)).toContain(
      'You are not an approver for live (approvers: <@U_BOB>, <@U_CAROL>, <!subteam^S_RELEASE>).',
    );
    expect(await h.flux.commitCount()).toBe(commitsBefore);

    await click(release, 'release_approve', 'U_BOB');
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(card('C_REL1'))));
    expect(await h.flux.commitCount()).toBe(commitsBefore + 1);
    expect((await h.flux.log())[0]).toBe(`release(papi): ${h.release!.tagOf(third!)} to live`);
    expect(await h.flux.headMessage()).toContain('Requested-by: U_ALICE');
    const applied = messageText(card('C_REL1'));
    expect(applied).toMatch(/✅ <@U_BOB> approved/);
    expect(applied).not.toContain('Approve'); // buttons are gone once decided

    const audit = ackText(await h.user.slashCommand({ command: '/audit', text: 'papi', channel: 'C_REL1', user: 'U_BOB' }));
    expect(audit).toMatch(/release\.applied[\s\S]*release\.approved[\s\S]*release\.vote[\s\S]*release\.requested/);
  });

  it('with two approvals required, the first vote updates the card and the second applies', async () => {
    const [, second] = h.sourceMain;
    const release = await requestRelease('C_REL2', `papi ${second} --env live2`);
    const commits = await h.flux.commitCount();
    await click(release, 'release_approve', 'U_BOB');
    await h.emulator.waitFor(() => /1 of 2 approvals/.test(messageText(card('C_REL2'))));
    expect(await h.flux.commitCount()).toBe(commits);
    await click(release, 'release_approve', 'U_BOB');
    expect(responsesTo('C_REL2', 'U_BOB').at(-1)).toContain('You already approved this release.');
    await click(release, 'release_approve', 'U_DAVE'); // a member of the S_RELEASE user group
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(card('C_REL2'))));
    expect(await h.flux.commitCount()).toBe(commits + 1);
    expect(messageText(card('C_REL2'))).toMatch(/<@U_BOB> approved[\s\S]*<@U_DAVE> approved/);
  });

  it('20 approvers clicking at the same moment produce exactly one commit', async () => {
    const [, , third] = h.sourceMain;
    // Prod runs the second build now (the test above), so releasing the third changes something again.
    const release = await requestRelease('C_REL3', `papi ${third} --env live --tag ${h.release!.tagOf(third!)}`);
    const before = await h.flux.commitCount();
    await Promise.all(RELEASERS.map((user) => click(release, 'release_approve', user)));
    await h.emulator.waitFor(() => /🚀 \*Applied\*: commit/.test(messageText(card('C_REL3'))));
    await new Promise((r) => setTimeout(r, 500)); // a second apply would have landed by now
    expect(await h.flux.commitCount()).toBe(before + 1);
    const answers = RELEASERS.flatMap((u) => responsesTo('C_REL3', u));
    expect(answers.filter((a) => a.includes('✅ Approved. Applying'))).toHaveLength(1);
    expect(answers.filter((a) => /already approved|already (approved|applied)/.test(a))).toHaveLength(19);
  });

  it('a request past its deadline (moved clock) is marked expired and never applied', async () => {
    const [, second] = h.sourceMain;
    const release = await requestRelease('C_REL4', `papi ${second} --env live2`);
    const commits = await h.flux.commitCount();
    h.clockOffsetMs = 25 * 3600_000;
    try {
      await click(release, 'release_approve', 'U_BOB');
      expect(responsesTo('C_REL4', 'U_BOB').at(-1)).toContain('This release request has expired and can no longer be approved.');
      await h.emulator.waitFor(() => /⌛ \*Expired\*/.test(messageText(card('C_REL4'))));
      await click(release, 'release_approve', 'U_CAROL');
      expect(responsesTo('C_REL4', 'U_CAROL').at(-1)).toContain('already expired');
    } finally {
      h.clockOffsetMs = 0;
    }
    expect(await h.flux.commitCount()).toBe(commits);
  });

  it('reject asks for a reason in a modal, ends the request, changes nothing, and the audit keeps the reason', async () => {
    const [, second] = h.sourceMain;
    const release = await requestRelease('C_REL5', `papi ${second} --env live2`);
    const commits = await h.flux.commitCount();
    await click(release, 'release_reject', 'U_CAROL');
    const modal = await h.emulator.waitFor(() => h.emulator.views().find((v) => v.view.callback_id === 'release_reject_modal' && v.user === 'U_CAROL'));
    expect(JSON.stringify(modal.view)).toContain('Why?');
    await h.user.viewSubmission({ callbackId: 'release_reject_modal', user: 'U_CAROL', values: { reason: { value: 'tests are red on main' } } });
    await h.emulator.waitFor(() => /🚫 \*Rejected\* by <@U_CAROL>.*tests are red on main/s.test(messageText(card('C_REL5'))));
    await click(release, 'release_approve', 'U_BOB').catch(() => undefined);
    expect(await h.flux.commitCount()).toBe(commits);
    const audit = ackText(await h.user.slashCommand({ command: '/audit', text: 'papi', channel: 'C_REL5', user: 'U_BOB' }));
    expect(audit).toContain('*release.rejected* by <@U_CAROL> · papi (live2) — tests are red on main');
  });

  it('a locked environment refuses the release with the holder’s name', async () => {
    await h.user.slashCommand({ command: '/lock', text: 'live2 freeze for the demo', channel: 'C_REL6', user: 'U_CAROL' });
    try {
      const ack = await h.user.slashCommand({ command: '/release', text: `papi ${h.sourceMain[1]} --env live2`, channel: 'C_REL6', user: 'U_ALICE' });
      expect(ackText(ack)).toMatch(/`live2` is locked by <@U_CAROL> since .* \(freeze for the demo\)/);
    } finally {
      await h.user.slashCommand({ command: '/unlock', text: 'live2', channel: 'C_REL6', user: 'U_CAROL' });
    }
  });

  it('an image missing from the registry: a clear message and a Retry check button, nothing to approve', async () => {
    const head = h.prHeads[42]!;
    await h.user.slashCommand({ command: '/release', text: `papi ${head} --env live`, channel: 'C_REL7', user: 'U_ALICE' });
    const failed = await h.waitForMessage('C_REL7', /No tag matching main-.* is in the registry yet/);
    expect(messageText(failed)).toContain('Retry check');
    expect(h.botMessages('C_REL7').some((m) => /Approve/.test(messageText(m)))).toBe(false);
    await h.release!.pushBuild(head);
    await click(failed, 'release_retry', 'U_ALICE');
    const release = await h.waitForMessage('C_REL7', /Release papi to live/);
    expect(messageText(release)).toContain(`To: ${head.slice(0, 12)}`);
  });

  it('the apply still happens exactly once when the worker restarts between approval and apply', async () => {
    const [first] = h.sourceMain;
    const release = await requestRelease('C_REL8', `papi ${first} --env live2`);
    await h.worker!.stop();
    const commits = await h.flux.commitCount();
    await click(release, 'release_approve', 'U_BOB');
    await click(release, 'release_approve', 'U_CAROL');
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.flux.commitCount()).toBe(commits); // approved, not yet applied
    await h.startWorker();
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(card('C_REL8'))), 20_000);
    expect(await h.flux.commitCount()).toBe(commits + 1);
  });
});

describe('pull-request mode with a Jira ticket', () => {
  it('pushes deploy/<service>-<timestamp>, opens the PR through the GitHub API, links it and the ticket', async () => {
    const [, second] = h.sourceMain;
    const release = await requestRelease('C_REL9', `papi ${second} --env livepr`);
    const mainBefore = await h.flux.commitCount();
    await click(release, 'release_approve', 'U_BOB');
    await h.emulator.waitFor(() => /🚀 \*Applied\*: pull request/.test(messageText(card('C_REL9'))), 20_000);
    expect(h.release!.github.pulls).toHaveLength(1);
    const pull = h.release!.github.pulls[0]!;
    expect(pull.head).toMatch(/^deploy\/papi-\d+$/);
    expect(pull.base).toBe('main');
    expect(pull.title).toBe(`Release papi ${h.release!.tagOf(second!)} to livepr`);
    expect(pull.body).toContain('Commits included');
    expect(pull.authorization).toBe('token gh-token');
    expect(h.release!.jira.issues).toHaveLength(1);
    expect(h.release!.jira.issues[0]!.summary).toBe(`Release papi ${h.release!.tagOf(second!)} to livepr`);
    expect(messageText(card('C_REL9'))).toContain(`|#${pull.number}>`);
    expect(await h.flux.commitCount()).toBe(mainBefore); // main untouched: the change waits in the PR
    expect(await h.flux.show('clusters/rdebug/apps/papi/values.yaml', pull.head)).toContain(h.release!.tagOf(second!));
  });
});

describe('environments that take releases only', () => {
  it('refuses /rollout with a pointer to /release', async () => {
    const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env live', channel: 'C_REL10' });
    expect(ackText(ack)).toContain('`live` takes approved releases only. Use `/release papi <sha> --env live`.');
  });
});

// Runs last: it moves prod to the third build, which the tests above do not expect.
describe('an approvals channel', () => {
  it('gets the card, while the requester’s channel is told where to look', async () => {
    const [, , third] = h.sourceMain;
    await h.user.slashCommand({ command: '/release', text: `papi ${third} --env livech`, channel: 'C_REL11', user: 'U_ALICE' });
    const pointer = await h.waitForMessage('C_REL11', /Approval requested in <#C_APPROVALS>/);
    expect(messageText(pointer)).toContain('(1 needed)');
    const release = await h.waitForMessage('C_APPROVALS', /Release papi to livech/);
    await click(release, 'release_approve', 'U_CAROL');
    await h.emulator.waitFor(() => /🚀 \*Applied\*/.test(messageText(h.botMessages('C_APPROVALS').find((m) => m.ts === release.ts)!)));
    expect(h.botMessages('C_REL11').some((m) => /Approve/.test(messageText(m)))).toBe(false);
  });
});
