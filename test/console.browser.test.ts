import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type BlockButtonAction } from '@slack/bolt';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleServer } from '../src/console/console-server.js';
import { startLocalMode, type LocalMode } from '../src/local-mode/local-mode.js';
import { freePort } from '../src/local-mode/redis-process.js';
import { SlackUserClient, SlackWebApiEmulator } from '../src/slack-emulator/index.js';

/**
 * The browser console end to end: local mode in this process (redis-server, emulated Slack, the real
 * bot and worker, the demo Flux repo) and Debian's Chromium driven by playwright-core.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve('docs/screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The console page, with the moves a person makes in it. */
class ConsoleDriver {
  constructor(readonly page: Page) {}

  get messages() {
    return this.page.locator('#messages');
  }

  /** Acts as another person (alice, bob, carol): the page reconnects and shows what they can see. */
  async switchUser(name: string): Promise<void> {
    const chip = this.page.locator(`#user-switcher [data-user-name="${name}"]`);
    const id = await chip.getAttribute('data-user-id');
    if (!id) throw new Error(`No user '${name}' in the console's user switcher`);
    if ((await this.page.locator('body').getAttribute('data-user')) !== id) await chip.click();
    await this.page.locator(`body[data-user="${id}"][data-ready="true"]`).waitFor();
  }

  /** `#deploy-rdebug`, `deploy-rdebug`, `C_DEPLOY`, or `rollbot` for the DM with the bot. */
  async openChannel(channel: string): Promise<void> {
    const name = channel.replace(/^#/, '');
    const button = this.page.locator(`.channel-list [data-channel="${name}"], .channel-list [data-channel-name="${name}"]`).first();
    await button.click();
    await this.page.locator(`.channel-list [aria-current="true"][data-channel-name="${await button.getAttribute('data-channel-name')}"]`).waitFor();
  }

  /** Types into the composer as `user` in `channel` and waits until the console delivered it. */
  async typeAs(user: string, channel: string, text: string): Promise<{ kind: string; status: number }> {
    await this.switchUser(user);
    await this.openChannel(channel);
    const input = this.page.locator('#composer-input');
    await input.fill(text);
    const delivered = this.page.waitForResponse((r) => r.url().endsWith('/console/say') && r.request().method() === 'POST');
    await input.press('Enter');
    const response = await delivered;
    expect(response.status()).toBe(200);
    const result = (await response.json()) as { kind: string; status: number };
    expect(result.status).toBe(200);
    return result;
  }

  /** Clicks the newest button with this label in the channel and waits for the signed block_actions to be acked. */
  async clickButton(label: string): Promise<void> {
    const button = this.messages.locator('button.bk-button', { hasText: label }).last();
    await button.waitFor();
    const acted = this.page.waitForResponse((r) => r.url().endsWith('/console/action') && r.request().method() === 'POST');
    await button.click();
    const response = await acted;
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { status: number }).status).toBe(200);
  }

  async waitForText(text: string | RegExp, timeout = 30_000): Promise<void> {
    await this.messages.getByText(text).first().waitFor({ timeout });
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(SCREENSHOTS, name) });
  }
}

/**
 * One person asks, another clicks a button on the bot's answer: the two-person shape of
 * `/services regenerate` + Save catalog today and of `/release` + Approve.
 */
async function requestAndApprove(
  c: ConsoleDriver,
  flow: { requester: string; approver: string; channel: string; command: string; button: string; outcome: string | RegExp },
): Promise<void> {
  await c.typeAs(flow.requester, flow.channel, flow.command);
  await c.messages.locator('button.bk-button', { hasText: flow.button }).last().waitFor({ timeout: 30_000 });
  await c.switchUser(flow.approver);
  await c.clickButton(flow.button);
  await c.waitForText(flow.outcome);
}

async function launchChromium(profile: string): Promise<BrowserContext> {
  // A missing browser is a broken machine, not a reason to skip: `npm test` installs it.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing. Install it with: apt-get install chromium`);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 820 },
  });
}

async function openConsole_(context: BrowserContext, url: string): Promise<ConsoleDriver> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  expect(errors).toEqual([]);
  return new ConsoleDriver(page);
}

describe('browser prerequisites', () => {
  it(`has Chromium at ${CHROMIUM}`, () => {
    // Reported as a failed test (not a skip) on a machine without it; `npm test` installs it.
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing. Install it with: apt-get install chromium`).toBe(true);
  });
});

describe('browser console', () => {
  let home: string;
  let profile: string;
  let local: LocalMode;
  let context: BrowserContext;
  let page: Page;
  let c: ConsoleDriver;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    home = await mkdtemp(join(tmpdir(), 'rollbot-console-'));
    profile = await mkdtemp(join(tmpdir(), 'rollbot-chromium-'));
    context = await launchChromium(profile);
    local = await startLocalMode({ home, port: await freePort(), log: () => undefined });
    // Local mode enforces Slack's rate limits; the bot and the worker each pace their own posts, but
    // together they can still draw a (waited-out) 429 when these flows follow each other within
    // seconds in one channel. This suite is about the console, so the limits are off here
    // (test/bot.rate-limits.test.ts covers them).
    local.emulator.setRateLimits(false);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await local?.stop();
    if (home) await rm(home, { recursive: true, force: true });
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function openConsole(): Promise<ConsoleDriver> {
    const driver = await openConsole_(context, local.consoleUrl);
    page = driver.page;
    return driver;
  }

  it('renders the Slack-like page: channels, users, composer', async () => {
    c = await openConsole();
    await expect(page.title()).resolves.toBe('rollbot console');
    const channels = await page.locator('#channel-list [data-channel]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.channel));
    expect(channels).toEqual(expect.arrayContaining(['C_DEPLOY', 'C_RELEASE']));
    const users = await page.locator('#user-switcher [data-user-name]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.userName));
    expect(users).toEqual(['alice', 'bob', 'carol']);
    await expect(page.locator('#dm-list [data-channel="D_U_ALICE"]').count()).resolves.toBe(1);
    await page.close();
  });

  it('rolls out papi #42 from #deploy-rdebug and shows the progress message turn to success', async () => {
    c = await openConsole();
    await c.typeAs('alice', '#deploy-rdebug', '/rwenv set rdebug');
    await c.waitForText("set this channel's rwenv to");

    await c.typeAs('alice', '#deploy-rdebug', '/rollout papi 42');
    // The slash command's ack: only alice sees it.
    const ack = c.messages.locator('.msg-ephemeral', { hasText: 'Queued rollout of papi' });
    await ack.waitFor();
    await expect(ack.getByText('Only visible to you').count()).resolves.toBe(1);

    await c.waitForText('Updated papi to ps-42-', 60_000);
    const card = c.messages.locator('.msg', { has: page.locator('.bk-header', { hasText: 'Rollout of papi' }) }).last();
    await expect(card.locator('.bk-header').textContent()).resolves.toMatch(/^✅/);
    await expect(card.locator('.bk-section-text b', { hasText: 'Push' }).count()).resolves.toBe(1);
    await expect(card.locator('.bk-context .bk-mention', { hasText: '@alice' }).count()).resolves.toBe(1);
    await expect(card.locator('.bk-code', { hasText: /^ps-42-[0-9a-f]{7}$/ }).count()).resolves.toBeGreaterThan(0);
    await c.screenshot('rollout.png');

    // Bob sees the rollout in the channel, but not alice's ack.
    await c.switchUser('bob');
    await c.waitForText('Updated papi to ps-42-');
    await expect(c.messages.getByText('Queued rollout of papi').count()).resolves.toBe(0);
    await page.close();
  });

  it('offers bob his two open PRs for `/rollout papi` and rolls out the one he clicks', async () => {
    c = await openConsole();
    await c.typeAs('bob', '#deploy-rdebug', '/rollout papi');
    await c.waitForText(/You \(@bob\) have 2 open PRs of papi/);
    await expect(c.messages.getByText(/📝 draft/).count()).resolves.toBeGreaterThan(0);
    await c.screenshot('rollout-pick.png');
    await c.clickButton('Roll out #43');
    await c.waitForText(/Queued rollout of papi #43 "New cache layer" by bob/);
    await c.waitForText(/Updated papi to ps-43-/, 60_000);
    // The list was replaced by the queued notice: it cannot start a second rollout.
    await expect(c.messages.getByText(/You \(@bob\) have 2 open PRs/).count()).resolves.toBe(0);
    await page.close();
  });

  it('lets bob press Save catalog on the catalog alice regenerated (switchUser + clickButton)', async () => {
    c = await openConsole();
    await requestAndApprove(c, {
      requester: 'alice',
      approver: 'bob',
      channel: '#deploy-rdebug',
      command: '/services regenerate',
      button: 'Save catalog',
      outcome: /Saved \d+ services/,
    });
    // Bob's click was acknowledged to him alone; alice's regenerate ack stays hers.
    await c.waitForText('Queued saving the catalog');
    await expect(c.messages.getByText('Queued catalog regeneration').count()).resolves.toBe(0);
    await c.screenshot('catalog-save.png');
    await c.switchUser('alice');
    await c.waitForText(/Saved \d+ services/);
    await c.waitForText('Queued catalog regeneration');
    await expect(c.messages.getByText('Queued saving the catalog').count()).resolves.toBe(0);
    await page.close();
  });

  it('shows the answer to a mention in its thread, and a DM only to its sender', async () => {
    c = await openConsole();
    await c.typeAs('carol', '#deploy-rdebug', '@rollbot what namespace is papi in?');
    const thread = c.messages.locator('.msg-group', { hasText: 'what namespace is papi in?' }).locator('.thread');
    await thread.getByText('runwhen-local').first().waitFor({ timeout: 30_000 });
    await expect(thread.locator('.msg-bot').count()).resolves.toBeGreaterThan(0);
    await c.screenshot('thread.png');

    await c.typeAs('carol', 'rollbot', 'list services');
    await c.waitForText('papi');
    await c.switchUser('alice');
    await expect(c.messages.getByText('list services').count()).resolves.toBe(0);
    await page.close();
  });

  it('runs a release: alice asks, bob approves in the browser, the card shows the vote and the applied commit', async () => {
    c = await openConsole();
    const sha = (await execa('git', ['rev-parse', 'main'], { cwd: join(home, 'demo', 'sources', 'papi.git') })).stdout.trim();
    await requestAndApprove(c, {
      requester: 'alice',
      approver: 'bob',
      channel: '#releases',
      command: `/release papi ${sha.slice(0, 10)}`,
      button: 'Approve',
      outcome: /Applied: commit/,
    });
    await c.waitForText(/approved/);
    await c.waitForText('Commits included (2)');
    const log = (await execa('git', ['log', '-1', '--format=%s', 'main'], { cwd: join(home, 'demo', 'flux-config.git') })).stdout;
    expect(log).toMatch(/^release\(papi\): main-[0-9a-f]{7}-\d+ to prod$/);
    await c.screenshot('release-approved.png');
    await page.close();
  });

  it('runs a redeploy with phase-by-phase progress', async () => {
    c = await openConsole();
    await c.typeAs('alice', '#deploy-rdebug', '/redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"');
    await c.waitForText(/Pins: omniintelligence==0\.8\.0/);
    // The phase table itself (its outputs are thread replies below it).
    const card = c.messages.locator('.msg-bot', { hasText: 'Pins: omniintelligence==0.8.0' }).first();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(SCREENSHOTS, 'redeploy.png') });
    await page.close();
  });
});

/**
 * The interaction plumbing with a small real Bolt app standing in for rollbot's future buttons:
 * a confirm dialog, response_url replace_original and ephemerals, views.open and view_submission.
 */
describe('browser console interactions (Bolt app over the emulator)', () => {
  const signingSecret = 'console-interactions-secret';
  let emulator: SlackWebApiEmulator;
  let app: App;
  let server: ConsoleServer;
  let profile: string;
  let context: BrowserContext;
  const submissions: Array<{ user: string; values: unknown }> = [];

  const releaseCard = (id: string) => ({
    text: `Release ${id} needs approval`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `🚀 Release papi ${id} to prod` } },
      { type: 'section', text: { type: 'mrkdwn', text: `Requested by <@U_ALICE> · needs *1* approval` } },
      {
        type: 'actions',
        block_id: `release-${id}`,
        elements: [
          {
            type: 'button',
            action_id: 'approve',
            style: 'primary',
            value: id,
            text: { type: 'plain_text', text: 'Approve' },
            confirm: { title: { type: 'plain_text', text: 'Approve?' }, text: { type: 'plain_text', text: 'Ship it to prod?' } },
          },
          { type: 'button', action_id: 'reject', style: 'danger', value: id, text: { type: 'plain_text', text: 'Reject' } },
        ],
      },
    ],
  });

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'rollbot-chromium-'));
    context = await launchChromium(profile);
    emulator = new SlackWebApiEmulator({ token: 'xoxb-test' });
    await emulator.start();
    app = new App({ token: 'xoxb-test', signingSecret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } } });
    await emulator.waitFor(() => emulator.calls.some((c) => c.method === 'auth.test'));
    app.action<BlockButtonAction>('approve', async ({ ack, body, respond }) => {
      await ack();
      await respond({ replace_original: true, text: `✅ Approved by <@${body.user.id}>`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `✅ Release ${body.actions[0]!.value} approved by <@${body.user.id}>` } }] });
    });
    app.action<BlockButtonAction>('reject', async ({ ack, body, client, respond }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'reject_reason',
          private_metadata: JSON.stringify({ channel: body.channel!.id, ts: body.message!.ts }),
          title: { type: 'plain_text', text: 'Reject release' },
          submit: { type: 'plain_text', text: 'Reject' },
          blocks: [
            { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Why?' }, element: { type: 'plain_text_input', action_id: 'value', multiline: true } },
          ],
        },
      });
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Tell the requester why in the form.' });
    });
    app.view('reject_reason', async ({ ack, view, body, client }) => {
      await ack();
      const reason = view.state.values.reason?.value?.value ?? '';
      submissions.push({ user: body.user.id, values: view.state.values });
      const { channel, ts } = JSON.parse(view.private_metadata) as { channel: string; ts: string };
      await client.chat.update({ channel, ts, text: 'Rejected', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `❌ Rejected by <@${body.user.id}>: _${reason}_` } }] });
    });
    const bolt = await app.start(0);
    const user = new SlackUserClient({ botUrl: `http://127.0.0.1:${(bolt.address() as AddressInfo).port}/slack/events`, signingSecret, emulator });
    server = new ConsoleServer({ emulator, user, bindChannels: false });
    await server.start(0);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    await app?.stop();
    await emulator?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('confirms, replaces the clicked message through response_url, and runs a modal to its submission', async () => {
    await app.client.chat.postMessage({ channel: 'C_RELEASE', ...releaseCard('r1') });
    await app.client.chat.postMessage({ channel: 'C_RELEASE', ...releaseCard('r2') });
    const c = await openConsole_(context, `http://127.0.0.1:${server.port}`);
    await c.switchUser('carol');
    await c.openChannel('#releases');
    await c.waitForText('Release papi r2 to prod');

    // Approve r1: Slack's confirm dialog first, then the app replaces the card (replace_original).
    const first = c.messages.locator('.msg', { hasText: 'Release papi r1' });
    await first.locator('button.bk-button', { hasText: 'Approve' }).click();
    await c.page.getByText('Ship it to prod?').waitFor();
    const acted = c.page.waitForResponse((r) => r.url().endsWith('/console/action'));
    await c.page.locator('[data-answer="yes"]').click();
    expect(((await (await acted).json()) as { status: number }).status).toBe(200);
    await c.waitForText('Release r1 approved by');
    await expect(c.messages.locator('.msg', { hasText: 'Release r1 approved by' }).locator('.bk-mention').textContent()).resolves.toBe('@carol');

    // Reject r2: a modal opens for carol; what she types reaches the app as a view_submission.
    await c.clickButton('Reject');
    const modal = c.page.locator('#modal-root form.bk-modal');
    await modal.waitFor();
    await expect(modal.locator('.bk-modal-title').textContent()).resolves.toBe('Reject release');
    await c.waitForText('Tell the requester why in the form.');
    // Required fields are checked before anything is sent, as Slack does.
    await modal.locator('[data-modal="submit"]').click();
    await modal.getByText('Please complete this required field.').waitFor();
    await modal.locator('textarea[name="reason.value"]').fill('db migration first');
    await expect(modal.getByText('Please complete this required field.').isVisible()).resolves.toBe(false);
    await c.screenshot('modal.png');
    await modal.locator('[data-modal="submit"]').click();
    await modal.waitFor({ state: 'detached' });
    await c.waitForText('Rejected by');
    expect(submissions).toEqual([{ user: 'U_CAROL', values: { reason: { value: { type: 'plain_text_input', value: 'db migration first' } } } }]);
    await expect(c.messages.locator('.msg', { hasText: 'Rejected by' }).locator('i').textContent()).resolves.toBe('db migration first');

    // Bob sees both outcomes but neither carol's ephemeral nor her modal.
    await c.switchUser('bob');
    await c.waitForText('Rejected by');
    await c.waitForText('Release r1 approved by');
    await expect(c.messages.getByText('Tell the requester why').count()).resolves.toBe(0);
    await expect(c.page.locator('#modal-root form').count()).resolves.toBe(0);
    await c.page.close();
  });
});
