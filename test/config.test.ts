import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { environmentOf, parseConfig } from '../src/core/config/load.js';
import { readEnvOptions } from '../src/core/config/env-options.js';
import { selectEnvironment } from '../src/core/config/select-environment.js';

const root = join(import.meta.dirname, '..');

describe('configuration', () => {
  it('accepts the shipped example', () => {
    const config = parseConfig(parse(readFileSync(join(root, 'rollbot.example.yaml'), 'utf8')), '/etc/rollbot/rollbot.yaml');
    expect(Object.keys(config.environments)).toEqual(['dev', 'prod', 'prod-eu']);
    expect(environmentOf(config, 'prod-eu').release?.approval.required).toBe(2);
    expect(environmentOf(config, 'prod').readOnly).toBe(true);
    expect(environmentOf(config, 'dev').branch).toBe('main');
  });

  it('names a missing key and how to fix it', () => {
    expect(() => parseConfig({ environments: { dev: {} } }, 'rollbot.yaml')).toThrow(
      "rollbot.yaml: 'environments.dev.fluxGitRepo' is missing; add it (is required: the git URL or local path of the Flux repo).",
    );
  });

  it('names an unknown key', () => {
    expect(() => parseConfig({ environments: { dev: { fluxGitRepo: 'x', readonly: true } } }, 'rollbot.yaml')).toThrow(
      "rollbot.yaml: environments.dev: unknown key 'readonly'; remove it or check its spelling.",
    );
  });

  it('names a wrongly typed key', () => {
    expect(() => parseConfig({ environments: { dev: { fluxGitRepo: 'x', readOnly: 'yes' } } }, 'rollbot.yaml')).toThrow(
      "rollbot.yaml: 'environments.dev.readOnly' must be true or false, not string; fix its value.",
    );
  });

  it('needs at least one environment', () => {
    expect(() => parseConfig({ environments: {} }, 'rollbot.yaml')).toThrow(/needs at least one environment/);
  });

  it('lists the known environments for an unknown name', () => {
    const config = parseConfig({ environments: { dev: { fluxGitRepo: 'x' }, prod: { fluxGitRepo: 'y' } } }, '/x/rollbot.yaml');
    expect(() => environmentOf(config, 'stage')).toThrow("Unknown environment 'stage'. Known environments: dev, prod.");
  });

  it('resolves relative paths against the config file, but keeps URLs', () => {
    const config = parseConfig(
      { environments: { dev: { fluxGitRepo: './flux.git', sourceRepo: 'git@github.com:acme/{service}.git', catalog: 'cat.json' } } },
      '/etc/rollbot/rollbot.yaml',
    );
    const dev = environmentOf(config, 'dev');
    expect(dev.fluxGitRepo).toBe('/etc/rollbot/flux.git');
    expect(dev.sourceRepo).toBe('git@github.com:acme/{service}.git');
    expect(dev.catalog).toBe('/etc/rollbot/cat.json');
    expect(config.dataDir).toBe('/etc/rollbot/.rollbot/data');
  });

  it('refuses a defaultEnvironment that is not configured', () => {
    expect(() => parseConfig({ defaultEnvironment: 'qa', environments: { dev: { fluxGitRepo: 'x' } } }, 'r.yaml')).toThrow(
      "r.yaml: 'defaultEnvironment' names 'qa', which is not under 'environments' (known: dev).",
    );
  });

  it('picks --env, then the channel binding, then the default; never guesses', () => {
    const config = parseConfig({ environments: { dev: { fluxGitRepo: 'x' }, prod: { fluxGitRepo: 'y' } } }, '/r.yaml');
    expect(selectEnvironment(config, 'prod', 'dev').name).toBe('prod');
    expect(selectEnvironment(config, undefined, 'dev').name).toBe('dev');
    expect(() => selectEnvironment(config)).toThrow('No rwenv set. Use `/rwenv-set` first.');
  });

  it('reads the process environment in one place, with clear errors', () => {
    expect(readEnvOptions({ PORT: '8080', WORKER_CONCURRENCY: '2' })).toMatchObject({ port: 8080, workerConcurrency: 2, configPath: undefined });
    expect(() => readEnvOptions({ PORT: 'eighty' })).toThrow("Environment variable PORT='eighty' is not a whole number");
  });
});
