import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePipeline } from '../src/core/pipeline/definition.js';
import { Redactor, redactorFor, secretNamesOf } from '../src/core/pipeline/redaction.js';
import { PipelineFixture, recordingNotifier, recordingReporter } from './fixtures/pipeline/fixture.js';

describe('Redactor', () => {
  it('replaces each secret value with [redacted:NAME]', () => {
    const r = new Redactor([
      ['DB_PASSWORD', 'hunter2-long'],
      ['API_TOKEN', 'tok_abcdef'],
    ]);
    expect(r.redact('connect with hunter2-long and tok_abcdef, twice: tok_abcdef')).toBe(
      'connect with [redacted:DB_PASSWORD] and [redacted:API_TOKEN], twice: [redacted:API_TOKEN]',
    );
    expect(r.names).toEqual(['API_TOKEN', 'DB_PASSWORD']);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const r = new Redactor([
      ['SHORT_KEY', 'abcd'],
      ['LONG_SECRET', 'abcd-efgh'],
    ]);
    expect(r.redact('x abcd-efgh y abcd')).toBe('x [redacted:LONG_SECRET] y [redacted:SHORT_KEY]');
  });

  it('catches URL-encoded and JSON-escaped forms, and regex characters in values', () => {
    const r = new Redactor([['DB_PASSWORD', 'p@ss/w"rd.*']]);
    expect(r.redact('postgres://u:p%40ss%2Fw%22rd.*@db')).toBe('postgres://u:[redacted:DB_PASSWORD]@db');
    expect(r.redact(JSON.stringify({ pw: 'p@ss/w"rd.*' }))).toBe('{"pw":"[redacted:DB_PASSWORD]"}');
    expect(r.redact('p@ss/wXrd..')).toBe('p@ss/wXrd..');
  });

  it('skips values too short to be secrets, and empty ones', () => {
    const r = new Redactor([
      ['FLAG_KEY', '1'],
      ['EMPTY_TOKEN', ''],
    ]);
    expect(r.redact('exit 1')).toBe('exit 1');
  });

  it('redacts inside nested data, keys included', () => {
    const r = new Redactor([['API_TOKEN', 'tok_abcdef']]);
    expect(r.redactValue({ a: ['x tok_abcdef'], tok_abcdef: 1, n: 2, b: null })).toEqual({ a: ['x [redacted:API_TOKEN]'], '[redacted:API_TOKEN]': 1, n: 2, b: null });
  });

  it('treats env-check names, the redact list and *TOKEN*/*SECRET*/*PASSWORD*/*KEY* names as secrets', () => {
    const definition = parsePipeline(
      {
        redact: ['DSN'],
        phases: [
          { name: 'ENV_CHECK', type: 'env-check', require: ['KAFKA_BOOTSTRAP_SERVERS'], groups: [{ when: { envSet: 'INFISICAL_ADDR' }, require: ['INFISICAL_CLIENT_ID'] }] },
          { name: 'DEPLOY', type: 'run', command: 'true' },
        ],
      },
      'p',
    );
    expect(secretNamesOf(definition).sort()).toEqual(['DSN', 'INFISICAL_ADDR', 'INFISICAL_CLIENT_ID', 'KAFKA_BOOTSTRAP_SERVERS']);
    const r = redactorFor(definition, {
      KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092',
      DSN: 'postgres://x',
      GITHUB_TOKEN: 'ghp_123456',
      AWS_SECRET_ACCESS_KEY: 'aws-abcdef',
      SSH_KEY_PATH: '/home/k/.ssh/id',
      MY_PASSWORD: 'pw-123456',
      HOME: '/home/k',
    });
    expect(r.names).toEqual(['AWS_SECRET_ACCESS_KEY', 'DSN', 'GITHUB_TOKEN', 'KAFKA_BOOTSTRAP_SERVERS', 'MY_PASSWORD', 'SSH_KEY_PATH']);
    expect(r.redact('HOME=/home/k')).toBe('HOME=/home/k');
  });
});

describe('secrets in a real run', () => {
  let fx: PipelineFixture;
  beforeEach(async () => {
    fx = await PipelineFixture.create();
  });
  afterEach(async () => {
    await fx.close();
  });

  const TOKEN = 'dtk-7f3a9c1e5b';

  it('a secret printed by a failing command appears nowhere: result, error, log, state, progress', async () => {
    await fx.setBehavior({ deploy: { printEnv: 'DEPLOY_TOKEN', stderr: `auth failed for token ${TOKEN}\npassword pg-Secret-123 rejected\n`, exit: 1 } });
    const reporter = recordingReporter();
    const result = await fx.run({ env: fx.env({ DEPLOY_TOKEN: TOKEN }), reporter });

    expect(result.status).toBe('failed');
    expect(result.error).toContain('auth failed for token [redacted:DEPLOY_TOKEN] | password [redacted:POSTGRES_PASSWORD] rejected.');
    expect(result.outputs.DEPLOY).toContain('DEPLOY_TOKEN=[redacted:DEPLOY_TOKEN]');
    const failedStep = reporter.last().steps.find((s) => s.id === 'DEPLOY')!;
    expect(failedStep).toMatchObject({ status: 'failed', detail: result.error });
    const state = await readFile(join(fx.stateDir, `${result.run_id}.json`), 'utf8');
    for (const text of [JSON.stringify(result), state, JSON.stringify(reporter.snapshots)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('pg-Secret-123');
      expect(text).not.toContain('kafka.internal:9092');
    }
    expect(state).toContain('[redacted:DEPLOY_TOKEN]');
  });

  it('a secret in a successful run is redacted from outputs and from the notification', async () => {
    await fx.setBehavior({ deploy: { stdout: `using ${TOKEN}\n` } });
    const notifier = recordingNotifier();
    const definition = fx.pipeline((b) => {
      b.phases[7] = { name: 'NOTIFY', type: 'notify', template: '[redeploy] {run_id} complete with {env:DEPLOY_TOKEN}\n  Pins: {pins}' };
    });
    const result = await fx.run({ definition, notifier, env: fx.env({ DEPLOY_TOKEN: TOKEN }), versions: 'omniintelligence=0.8.0' });
    expect(result.status).toBe('success');
    expect(result.outputs.DEPLOY).toBe('using [redacted:DEPLOY_TOKEN]\n');
    expect(notifier.sent[0]!.text).toBe(`[redeploy] ${result.run_id} complete with [redacted:DEPLOY_TOKEN]\n  Pins: omniintelligence==0.8.0`);
    expect(result.notification).toBe(notifier.sent[0]!.text);
    const state = await readFile(join(fx.stateDir, `${result.run_id}.json`), 'utf8');
    expect(`${JSON.stringify(result)}${state}${JSON.stringify(notifier.sent)}`).not.toContain(TOKEN);
  });

  it('a secret cut by the length limit of a quoted error line is still not leaked', async () => {
    // The error quotes the last 300 characters of stderr; the cut falls inside the secret.
    await fx.setBehavior({ deploy: { stderr: `${TOKEN}${'y'.repeat(290)}\n`, exit: 1 } });
    const result = await fx.run({ env: fx.env({ DEPLOY_TOKEN: TOKEN }) });
    expect(result.failed_phase).toBe('DEPLOY');
    expect(JSON.stringify(result)).not.toContain(TOKEN.slice(5));
    expect(await readFile(join(fx.stateDir, `${result.run_id}.json`), 'utf8')).not.toContain(TOKEN.slice(5));
  });
});
