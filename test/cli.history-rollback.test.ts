import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackFromTerminal } from '../src/cli/guard-commands.js';
import { loadConfig, type LoadedConfig } from '../src/core/config/load.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { AuditLog } from '../src/jobs/release/audit-log.js';
import { DeployLocks } from '../src/jobs/release/deploy-locks.js';
import { FreezeStore } from '../src/jobs/guard/freeze-store.js';
import { engineFor } from '../src/runtime/engine-factory.js';
import { BareRepo, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { recordingReporter } from './support/rollout-env.js';

let root: string;
let flux: BareRepo;
let redis: RedisProcess;
let client: Redis;
let configPath: string;
let config: LoadedConfig;

beforeAll(async () => {
  root = await tempDir();
  redis = await new RedisProcess().start();
  client = new Redis(redis.url);
  flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'ps-1-aaaaaaa') });
  configPath = join(root, 'rollbot.yaml');
  await writeFile(
    configPath,
    stringify({
      dataDir: join(root, 'data'),
      environments: {
        dev: { fluxGitRepo: flux.url, freeze: { ranges: [{ from: '2030-01-01T00:00Z', until: '2030-01-02T00:00Z', reason: 'new year' }], breakGlass: ['U_OPS'] } },
        live: { fluxGitRepo: flux.url, allowRollout: false },
      },
    }),
  );
  config = loadConfig(configPath);
  const engine = engineFor(config);
  const env = { ...config.environments.dev!, name: 'dev' };
  await engine.rollout(env, { service: 'papi', pr: 2, sha: 'bbbbbbb', requestedBy: 'U_ALICE' }, recordingReporter());
  await engine.rollout(env, { service: 'papi', pr: 3, sha: 'ccccccc', requestedBy: 'U_BOB' }, recordingReporter());
});
afterAll(async () => {
  client?.disconnect();
  await redis?.dispose();
  await removeDir(root);
});

describe('rollbot history and rollbot rollback from a terminal', () => {
  it('`rollbot history` prints the table, newest first', async () => {
    const { stdout, exitCode } = await execa(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'history', 'papi', '--env', 'dev', '--config', configPath], {
      cwd: join(import.meta.dirname, '..'),
      reject: false,
    });
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('papi in dev (apps/papi/values.yaml), newest first; * = now');
    expect(lines[2]).toMatch(/^TAG\s+WHEN\s+REQUESTED BY\s+COMMIT\s+HOW$/);
    expect(lines[3]).toMatch(/^ps-3-ccccccc \*\s+\S+ \S+ UTC\s+U_BOB\s+[0-9a-f]{7}\s+rollout of PR #3$/);
    expect(lines[4]).toMatch(/^ps-2-bbbbbbb\s+.*U_ALICE/);
    expect(lines[5]).toMatch(/^ps-1-aaaaaaa\s+.*Fixture \(git\)\s+[0-9a-f]{7}\s+commit \(PR #1\)$/);
  });

  it('`rollbot rollback` honours locks and freezes from Redis, then rolls back and audits', async () => {
    const out: string[] = [];
    const write = (t: string) => out.push(t);
    const locks = new DeployLocks(client);
    await locks.lock('dev', 'U_CAROL', 'hotfix', Date.now());
    await expect(rollbackFromTerminal(config, ['papi', '--env', 'dev'], 'dave', { redisUrl: redis.url, write })).rejects.toThrow('`dev` is locked by <@U_CAROL>');
    await locks.unlock('dev', 'U_CAROL');
    await new FreezeStore(client).set({ env: 'dev', by: 'U_CAROL', reason: 'incident', since: Date.now(), until: Date.now() + 60_000 });
    await expect(rollbackFromTerminal(config, ['papi', '--env', 'dev'], 'dave', { redisUrl: redis.url, write })).rejects.toThrow('`dev` is frozen by <@U_CAROL>');
    await expect(rollbackFromTerminal(config, ['papi', '--env', 'dev', '--force'], 'dave', { redisUrl: redis.url, write })).rejects.toThrow('only <@U_OPS> may use `--force`');
    await rollbackFromTerminal(config, ['papi', '--env', 'dev', '--force'], 'U_OPS', { redisUrl: redis.url, write });
    expect(out.join('')).toContain('Forcing through the freeze by <@U_CAROL>');
    expect(out.join('')).toContain('Rolled back papi in dev to ps-2-bbbbbbb (was ps-3-ccccccc)');
    expect((await flux.log())[0]).toBe('revert(papi): roll back to ps-2-bbbbbbb (was ps-3-ccccccc)');
    expect(await flux.headMessage()).toContain('Requested-by: U_OPS');
    const audit = await new AuditLog(client).latest(2);
    expect(audit.map((e) => e.type)).toEqual(['freeze.forced', 'rollback']);
  });

  it('a configured freeze range is checked without Redis; release-only environments point to Slack', async () => {
    const inRange = () => Date.parse('2030-01-01T12:00:00Z');
    await expect(rollbackFromTerminal(config, ['papi', '--env', 'dev'], 'dave', { clock: inRange })).rejects.toThrow(/`dev` is frozen by the config's freeze range .* \(new year\)/);
    await expect(rollbackFromTerminal(config, ['papi', '--env', 'live'], 'dave')).rejects.toThrow('use `/rollback papi --env live` in Slack');
  });
});
