import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineFixture, recordingReporter } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('ENV_CHECK', () => {
  it('names the missing variable, with the hint, and never prints a value', async () => {
    const reporter = recordingReporter();
    const env = fx.env({ KAFKA_BOOTSTRAP_SERVERS: undefined });
    const result = await fx.run({ env, reporter });

    expect(result.status).toBe('failed');
    expect(result.failed_phase).toBe('ENV_CHECK');
    expect(result.error).toBe('KAFKA_BOOTSTRAP_SERVERS is not set. Source ~/.omnibase/.env before deploying.');
    expect(result.log).toContain('ENV_CHECK: POSTGRES_PASSWORD OK');
    const state = await readFile(join(fx.stateDir, `${result.run_id}.json`), 'utf8');
    expect(JSON.parse(state).phases.ENV_CHECK).toMatchObject({ status: 'failed', missing: ['KAFKA_BOOTSTRAP_SERVERS'] });
    // The present secret's value appears nowhere.
    for (const text of [JSON.stringify(result), state, JSON.stringify(reporter.snapshots)]) expect(text).not.toContain('pg-Secret-123');
    // Nothing after ENV_CHECK ran.
    expect(await fx.calls()).toEqual([]);
  });

  it('treats an empty variable as missing and lists every missing one', async () => {
    const result = await fx.run({ env: fx.env({ POSTGRES_PASSWORD: '', KAFKA_BOOTSTRAP_SERVERS: undefined }) });
    expect(result.error).toBe('POSTGRES_PASSWORD and KAFKA_BOOTSTRAP_SERVERS are not set. Source ~/.omnibase/.env before deploying.');
  });

  it('requires the INFISICAL credentials only when INFISICAL_ADDR is set (and --skip-infisical is not given)', async () => {
    const env = fx.env({ INFISICAL_ADDR: 'https://infisical.internal', INFISICAL_CLIENT_ID: 'client-42' });
    const result = await fx.run({ env });
    expect(result.status).toBe('failed');
    expect(result.error).toBe('INFISICAL_ADDR is set but INFISICAL_CLIENT_SECRET is missing. Source ~/.omnibase/.env before deploying or pass --skip-infisical.');
    expect(JSON.stringify(result)).not.toContain('client-42');
    expect(JSON.stringify(result)).not.toContain('infisical.internal');

    const skipped = await fx.run({ env, flags: { 'skip-infisical': true } });
    expect(skipped.status).toBe('success');
    expect(skipped.phases).toMatchObject({ ENV_CHECK: 'completed', INFISICAL: 'skipped_by_flag' });
  });

  it('a missing {env:NAME} in a command fails that phase with the variable name', async () => {
    const definition = fx.pipeline((b) => {
      (b.phases[4]!.args as string[]).push('--registry={env:REGISTRY_URL}');
    });
    const result = await fx.run({ definition });
    expect(result.failed_phase).toBe('DEPLOY');
    expect(result.error).toBe('{env:REGISTRY_URL} is used, but REGISTRY_URL is not set. Set it in the redeploy environment, or give it a default under envDefaults in the pipeline.');
  });
});
