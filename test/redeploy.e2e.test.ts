import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisRunStateStore } from '../src/jobs/redeploy/redis-run-state-store.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { PipelineFixture } from './fixtures/pipeline/fixture.js';

let h: BotHarness;
let fx: PipelineFixture;
const VERSIONS = 'omniintelligence=0.8.0,omninode-claude=0.4.0';
const SECRET = 'pg-Secret-123';

beforeAll(async () => {
  fx = await PipelineFixture.create();
  const pipelines = join(fx.root, 'pipelines.yaml');
  await writeFile(pipelines, stringify({ pipelines: { ops: fx.pipelineBody() } }));
  h = await BotHarness.start({
    environments: {
      ops: {
        redeploy: {
          pipelines,
          workdir: fx.root,
          passEnv: ['POSTGRES_PASSWORD', 'KAFKA_BOOTSTRAP_SERVERS', 'CALLS_LOG', 'BEHAVIOR', 'INSTALLED'],
          notifyChannel: 'C_NOTIFY',
        },
      },
    },
    workerVariables: fx.env(),
  });
});
afterAll(async () => {
  await h?.stop();
  await fx?.close();
});
beforeEach(async () => {
  await fx.setBehavior({});
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

async function redeploy(channel: string, text: string): Promise<string> {
  const ack = ackText(await h.user.slashCommand({ command: '/redeploy', text, channel, user: 'U_OPS' }));
  expect(ack).toMatch(/Queued/);
  return ack;
}

/** Everything a person could read in a channel: every version of every message, and thread replies. */
function everythingIn(channel: string): string {
  return h.emulator
    .messages(channel)
    .flatMap((m) => m.history.map((v) => messageText(v)))
    .join('\n');
}

describe('/redeploy through Slack', () => {
  it('updates one message phase by phase, posts long output in the thread, ends with the summary, and notifies the channel', async () => {
    await redeploy('C_RD1', `--versions "${VERSIONS}" --env ops`);
    const done = await h.waitForMessage('C_RD1', /✅ Redeploy redeploy-\d{8}-[0-9a-f]{6}/, 30_000);
    const text = messageText(done);
    for (const phase of ['SYNC', 'ENV_CHECK', 'WORKTREE', 'PIN_UPDATE', 'DEPLOY', 'VERIFY', 'NOTIFY']) expect(text).toMatch(new RegExp(`✅ \\*${phase}\\*`));
    expect(text).toMatch(/⏭️ \*INFISICAL\*/);
    expect(text).toContain('Pins: omniintelligence==0.8.0, omninode-claude==0.4.0');
    expect(done.history.length).toBeGreaterThan(2); // updated in place as phases moved
    const replies = h.emulator.replies('C_RD1', done.ts).map((m) => messageText(m));
    expect(replies.some((r) => r.startsWith('*PIN_UPDATE* output:'))).toBe(true);
    expect(messageText(done)).not.toContain('Updated docker/Dockerfile.runtime'); // output stays in the thread
    const notification = await h.waitForMessage('C_NOTIFY', /\[redeploy\] redeploy-.* complete/);
    expect(messageText(notification)).toContain('omniintelligence==0.8.0');
  });

  it('a failure at DEPLOY shows the error and the exact resume command; --resume skips SYNC..PIN_UPDATE and completes', async () => {
    await fx.setBehavior({ deploy: { exit: 3, stderr: '[deploy-runtime] docker compose build: FAILED\n' } });
    await redeploy('C_RD2', `--versions "${VERSIONS}" --env ops --skip-sync`);
    const failed = await h.waitForMessage('C_RD2', /❌ Redeploy/, 30_000);
    const text = messageText(failed);
    expect(text).toContain('ERROR in DEPLOY:');
    const resume = /Resume with: `([^`]+)`/.exec(text)![1]!;
    expect(resume).toMatch(new RegExp(`^/redeploy --env ops --resume (redeploy-\\d{8}-[0-9a-f]{6}) --versions "${VERSIONS}" --skip-sync$`));
    const runId = /--resume (\S+)/.exec(resume)![1]!;

    await fx.setBehavior({});
    const pinsBefore = (await fx.roles()).filter((r) => r === 'pins').length;
    await h.user.slashCommand({ command: '/redeploy', text: resume.replace(/^\/redeploy /, ''), channel: 'C_RD2', user: 'U_OPS' });
    const resumed = await h.waitForMessage('C_RD2', new RegExp(`✅ Redeploy ${runId}`), 30_000);
    expect(messageText(resumed)).toMatch(/✅ \*DEPLOY\*/);
    expect((await fx.roles()).filter((r) => r === 'pins').length).toBe(pinsBefore); // PIN_UPDATE was not run again

    const status = ackText(await h.user.slashCommand({ command: '/redeploy', text: `status ${runId}`, channel: 'C_RD2' }));
    expect(status).toContain(`*${runId}* (success)`);
    expect(status).toContain('"SYNC": "skipped_by_flag"');
    const list = ackText(await h.user.slashCommand({ command: '/redeploy', text: 'list', channel: 'C_RD2' }));
    expect(list).toContain(runId);
  });

  it('a secret in a command’s output is redacted in every Slack message and thread reply', async () => {
    await fx.setBehavior({ deploy: { printEnv: 'POSTGRES_PASSWORD', stdout: `connecting with ${SECRET}\n` } });
    await redeploy('C_RD3', `--versions "${VERSIONS}" --env ops`);
    await h.waitForMessage('C_RD3', /✅ Redeploy/, 30_000);
    const all = everythingIn('C_RD3') + everythingIn('C_NOTIFY');
    expect(all).toContain('[redacted:POSTGRES_PASSWORD]');
    expect(all).not.toContain(SECRET);
  });

  it('dry run shows each phase’s commands in seed 004’s format and writes no state', async () => {
    await redeploy('C_RD4', `--versions "${VERSIONS}" --env ops --dry-run`);
    const done = await h.waitForMessage('C_RD4', /\[DRY RUN\] redeploy run_id=/, 30_000);
    expect(messageText(done)).toMatch(/ {2}DEPLOY: +\S*node \S*tool\.mjs deploy --execute --restart/);
    expect(messageText(done)).toContain('Dry run of redeploy');
    const runId = /run_id=(\S+)/.exec(messageText(done))![1]!;
    const status = ackText(await h.user.slashCommand({ command: '/redeploy', text: `status ${runId}`, channel: 'C_RD4' }));
    expect(status).toContain(`No redeploy run '${runId}' was found.`);
  });

  it('a second resume of a run that is already running is refused', async () => {
    const redis = new Redis(h.redis!.url);
    try {
      const store = new RedisRunStateStore(redis);
      const runs = await store.listRecent(1);
      const runId = runs[0]!.run_id;
      const token = await store.tryAcquireRunLock(runId, 10_000);
      const ack = ackText(await h.user.slashCommand({ command: '/redeploy', text: `--resume ${runId} --env ops`, channel: 'C_RD5' }));
      expect(ack).toContain(`Run ${runId} is already running, so it was not resumed again.`);
      await store.releaseRunLock(runId, token!);
    } finally {
      redis.disconnect();
    }
  });

  it.each([
    ['--env ops', /--versions is required/],
    ['--versions "a=1.0,a=2.0" --env ops', /twice|duplicate/i],
    ['--versions "a=" --env ops', /empty|no version/i],
    ['--resume nope --env ops', /is not a redeploy run id|not a run id|redeploy-<YYYYMMDD>/i],
    ['--resume redeploy-20260101-abcdef --env ops', /No redeploy run 'redeploy-20260101-abcdef' was found\./],
  ])('bad input %j is refused with a sentence', async (text, expected) => {
    const ack = ackText(await h.user.slashCommand({ command: '/redeploy', text, channel: 'C_RD6' }));
    expect(ack).toMatch(expected);
  });
});
