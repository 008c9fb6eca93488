import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../src/github-emulator/index.js';
import { BotHarness, messageText } from './support/bot-harness.js';

type Ack = { json?: unknown };
const ackOf = (ack: Ack) => ack.json as { response_type: string; text: string; blocks: Array<Record<string, any>> };
const ackText = (ack: Ack) => messageText(ackOf(ack));
/** The button or select menu accessories of a reply, in order. */
const accessories = (ack: Ack) => ackOf(ack).blocks.map((b) => b.accessory).filter(Boolean) as Array<Record<string, any>>;
const sha = (c: string) => c.repeat(40);

describe('/rollout <service> picks the pull request from GitHub', () => {
  let h: BotHarness;
  const github = new GitHubEmulator();
  let clicks = 0;

  const slash = (user: string, text: string, channel = 'C_PICK') => h.user.slashCommand({ command: '/rollout', text: `${text} --env rdebug`, channel, user });
  const click = (user: string, value: string, channel = 'C_PICK') =>
    h.user.blockAction({ actionId: 'rollout_pick_pr', value, channel, user, messageTs: `1700000000.00000${++clicks}` });

  beforeAll(async () => {
    await github.start();
    github.addToken({ token: 'ghp_bot', login: 'rollbot' });
    h = await BotHarness.start({
      extraConfig: { github: { baseUrl: github.baseUrl, tokenEnv: 'GH_TOKEN', users: { U_ALICE: 'alice', U_BOB: 'bob', U_DAVE: 'dave' } } },
      envConfig: { githubRepo: 'acme/{service}' },
      botVariables: { GH_TOKEN: 'ghp_bot' },
      workerVariables: { GH_TOKEN: 'ghp_bot' },
    });
    github.state.addRepo({ fullName: 'acme/papi', private: true });
    github.state.addRepo({ fullName: 'acme/frontend', private: true });
    const hour = (n: number) => new Date(Date.now() - n * 3600_000).toISOString();
    github.state.addPull({ repo: 'acme/papi', number: 42, title: 'Add health endpoint', author: 'alice', headRef: 'feature-42', headSha: h.prHeads[42]!, updatedAt: hour(2) });
    github.state.addPull({ repo: 'acme/papi', number: 43, title: 'Faster config', author: 'bob', headRef: 'feature-43', headSha: h.prHeads[43]!, updatedAt: hour(1) });
    github.state.addPull({ repo: 'acme/papi', number: 44, title: 'WIP: new cache', author: 'bob', headRef: 'cache', headSha: sha('b'), draft: true, updatedAt: hour(3) });
    github.state.addPull({ repo: 'acme/papi', number: 45, title: 'Typo fix', author: 'carol', headRef: 'typo', headSha: sha('c'), headRepo: 'carol/papi', updatedAt: hour(4) });
    github.state.addPull({ repo: 'acme/papi', number: 40, title: 'Old change', author: 'alice', headRef: 'old', headSha: sha('d'), merged: true });
    github.state.addPull({ repo: 'acme/papi', number: 39, title: 'Abandoned', author: 'alice', headRef: 'abandoned', headSha: sha('e'), state: 'closed' });
    for (let n = 1; n <= 6; n++) {
      github.state.addPull({ repo: 'acme/frontend', number: n, title: `Frontend change ${n}`, author: `dev${n}`, headRef: `f-${n}`, headSha: sha(String(n)), updatedAt: hour(n) });
    }
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await github.stop();
  });

  it('one open PR of the requester: rolled out at once, and the progress names it', async () => {
    const ack = await slash('U_ALICE', 'papi');
    const head7 = h.prHeads[42]!.slice(0, 7);
    expect(ackText(ack)).toContain(`Queued rollout of papi #42 "Add health endpoint" by alice, head ${head7} to \`rdebug\``);
    const done = await h.waitForMessage('C_PICK', new RegExp(`PR #42 "Add health endpoint" by alice, head ${head7}[\\s\\S]*Updated papi to ps-42-${head7}`));
    expect(messageText(done)).toContain(`ps-42-${head7}`);
    expect(await h.flux.show('clusters/rdebug/apps/papi/values.yaml')).toContain(`ps-42-${head7}`);
  });

  it('several: nothing changes; the requester gets a list with a button each and a click rolls that PR out', async () => {
    const before = await h.queuedJobCount();
    const ack = await slash('U_BOB', 'papi', 'C_BOB');
    expect(ackOf(ack).response_type).toBe('ephemeral');
    const text = ackText(ack);
    expect(text).toContain('You (@bob) have 2 open PRs of papi, so nothing was rolled out yet.');
    expect(text).toMatch(/\*#43\* Faster config — `feature-43` · by bob · updated 1 h ago/);
    expect(text).toMatch(/\*#44\* WIP: new cache — `cache` · by bob · updated 3 h ago · 📝 draft/);
    const buttons = accessories(ack);
    expect(buttons.map((b) => [b.type, b.text.text])).toEqual([['button', 'Roll out #43'], ['button', 'Roll out #44']]);
    expect(await h.queuedJobCount()).toBe(before);

    const stranger = await click('U_ALICE', buttons[0]!.value, 'C_BOB');
    expect(stranger.status).toBe(200);
    const refused = await h.emulator.waitFor(() => h.emulator.responses().find((r) => r.user === 'U_ALICE' && /That list was for <@U_BOB>/.test(messageText(r))));
    expect(refused).toBeTruthy();
    expect(await h.queuedJobCount()).toBe(before);

    await click('U_BOB', buttons[0]!.value, 'C_BOB');
    // The queued notice replaces the list, so it cannot start a second rollout.
    await h.emulator.waitFor(() => h.emulator.responses().find((r) => r.user === 'U_BOB' && r.replace_original && /Queued rollout of papi #43/.test(messageText(r))));
    const head7 = h.prHeads[43]!.slice(0, 7);
    await h.waitForMessage('C_BOB', new RegExp(`PR #43 "Faster config" by bob, head ${head7}[\\s\\S]*ps-43-${head7}`));
  });

  it('past five PRs the list is one select menu, and choosing an option rolls it out', async () => {
    const ack = await slash('U_CAROL', 'frontend', 'C_SELECT');
    expect(ackText(ack)).toContain('acme/frontend has 6 open PRs of frontend');
    const [menu] = accessories(ack);
    expect(menu!.type).toBe('static_select');
    expect(menu!.options).toHaveLength(6);
    for (const option of menu!.options) {
      expect(option.value.length).toBeLessThanOrEqual(150);
      expect(option.text.text.length).toBeLessThanOrEqual(75);
    }
    await click('U_CAROL', menu!.options[5].value, 'C_SELECT');
    await h.waitForMessage('C_SELECT', /PR #6 "Frontend change 6" by dev6, head 6666666[\s\S]*ps-6-6666666/);
  });

  it("none of the requester's: seed 000's sentence naming the service, and others' PRs as buttons", async () => {
    const ack = await slash('U_DAVE', 'papi', 'C_NONE');
    const text = ackText(ack);
    expect(text).toContain('No PR found for current branch of papi (@dave has no open pull request in acme/papi). Create a PR first with `gh pr create`.');
    expect(text).toContain('Open PRs by others');
    expect(accessories(ack).map((b) => b.text.text)).toEqual(['Roll out #43', 'Roll out #42', 'Roll out #44', 'Roll out #45']);
  });

  it('a branch names its PR; an unknown branch gets the same sentence', async () => {
    const ack = await slash('U_DAVE', 'papi cache', 'C_BRANCH');
    expect(ackText(ack)).toContain('Queued rollout of papi #44 "WIP: new cache" by bob, head bbbbbbb to `rdebug`');
    const none = await slash('U_DAVE', 'papi no-such-branch', 'C_BRANCH');
    expect(ackText(none)).toContain('No PR found for current branch of papi (no open pull request from branch `no-such-branch` in acme/papi). Create a PR first with `gh pr create`.');
  });

  it('a PR number: the head SHA comes from the API, forks work, closed and merged PRs are refused', async () => {
    const fork = await slash('U_DAVE', 'papi 45', 'C_NUM');
    expect(ackText(fork)).toContain('Queued rollout of papi #45 "Typo fix" by carol, head ccccccc');
    await h.waitForMessage('C_NUM', /ps-45-ccccccc/);
    expect(ackText(await slash('U_ALICE', 'papi 40', 'C_NUM'))).toMatch(/PR #40 of acme\/papi \("Old change"\) is already merged, so it is not rolled out/);
    expect(ackText(await slash('U_ALICE', 'papi 39', 'C_NUM'))).toMatch(/PR #39 of acme\/papi \("Abandoned"\) is closed\. Reopen it on GitHub/);
    expect(ackText(await slash('U_ALICE', 'papi 999', 'C_NUM'))).toMatch(/acme\/papi has no pull request #999/);
  });

  it('GitHub errors are sentences that say what to do', async () => {
    github.setRateLimit('ghp_bot', { remaining: 0, reset: Math.floor(Date.parse('2030-01-02T03:04:00Z') / 1000) });
    expect(ackText(await slash('U_ALICE', 'papi', 'C_ERR'))).toMatch(/rate limit; it resets at 03:04 UTC \(2030-01-02\)\. Try again after that/);
    github.setRateLimit('ghp_bot', { remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 });
    github.failNext(/pulls/, { status: 401, message: 'Bad credentials' });
    expect(ackText(await slash('U_ALICE', 'papi', 'C_ERR'))).toMatch(/refused the token in \$GH_TOKEN \(github\.tokenEnv\) \(HTTP 401: Bad credentials\)\. Renew it/);
    expect(ackText(await slash('U_ALICE', 'papi --env rdebug', 'C_ERR'))).not.toMatch(/Something went wrong/);
  });
});
