import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/bot-harness.js';

let h: BotHarness;
beforeAll(async () => {
  h = await BotHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

describe('operations surface of the bot process', () => {
  it('/healthz answers while the process is up', async () => {
    const res = await fetch(`${h.botUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/metrics exposes commands, ack latency, jobs by kind and outcome, and job duration after a rollout', async () => {
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env rdebug', channel: 'C_METRICS' });
    await h.waitForMessage('C_METRICS', /Updated papi to/);
    let text = '';
    for (let i = 0; i < 50 && !/rollbot_jobs_total\{kind="rollout",outcome="success"\} 1/.test(text); i++) {
      text = await (await fetch(`${h.botUrl}/metrics`)).text();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toMatch(/rollbot_commands_received_total\{kind="rollout",source="slash"\} 1/);
    expect(text).toMatch(/rollbot_ack_duration_seconds_count [1-9]/);
    expect(text).toMatch(/rollbot_jobs_total\{kind="rollout",outcome="success"\} 1/);
    expect(text).toMatch(/rollbot_job_duration_seconds_count\{kind="rollout"\} 1/);
    expect(text).toContain('rollbot_git_push_retries_total 0');
    expect(text).toContain('rollbot_approvals_pending');
  });

  it('Bull Board answers at /admin/queues behind basic auth', async () => {
    expect((await fetch(`${h.botUrl}/admin/queues`)).status).toBe(401);
    const wrong = Buffer.from('ops:nope').toString('base64');
    expect((await fetch(`${h.botUrl}/admin/queues`, { headers: { authorization: `Basic ${wrong}` } })).status).toBe(401);
    const right = Buffer.from('ops:board-secret').toString('base64');
    const page = await fetch(`${h.botUrl}/admin/queues`, { headers: { authorization: `Basic ${right}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/bull/i);
    const api = await fetch(`${h.botUrl}/admin/queues/api/queues`, { headers: { authorization: `Basic ${right}` } });
    expect(JSON.stringify(await api.json())).toContain('rollbot-rollout');
  });

  it('/readyz fails while Redis is down and recovers when it returns', async () => {
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(200);
    const port = h.redis!.port;
    await h.redis!.stop();
    const down = await fetch(`${h.botUrl}/readyz`);
    expect(down.status).toBe(503);
    expect((await down.json()).status).toBe('not ready');
    await h.redis!.start({ port });
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${h.botUrl}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
