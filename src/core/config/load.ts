import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigError, UnknownEnvironment } from '../errors.js';
import { configSchema, type EnvironmentConfig, type RollbotConfig } from './schema.js';

export interface LoadedConfig extends RollbotConfig {
  /** Absolute path of the file it came from (relative paths inside resolve against its folder). */
  source: string;
}

function keyPath(path: (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

/** One sentence per problem, naming the key and the fix. */
export function describeConfigError(error: ZodError, file: string): string {
  const lines = error.issues.map((issue) => {
    const key = keyPath(issue.path) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${file}: ${key === '(top level)' ? '' : key + ': '}unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}; remove it or check its spelling.`;
    }
    if (issue.code === 'invalid_type' && issue.received === 'undefined') {
      return `${file}: '${key}' is missing; add it (${issue.message === 'Required' ? `expected ${issue.expected}` : issue.message}).`;
    }
    if (issue.code === 'invalid_type') {
      return `${file}: '${key}' must be ${issue.expected === 'boolean' ? 'true or false' : `a ${issue.expected}`}, not ${issue.received}; fix its value.`;
    }
    return `${file}: '${key}' ${issue.message}.`;
  });
  return lines.join('\n');
}

function resolveFrom(base: string, path: string): string {
  return isAbsolute(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /^[^/]+@[^:]+:/.test(path) ? path : resolve(base, path);
}

export function parseConfig(raw: unknown, source: string): LoadedConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(describeConfigError(result.error, source));
  const base = dirname(source);
  const config = result.data;
  for (const env of Object.values(config.environments)) {
    env.fluxGitRepo = resolveFrom(base, env.fluxGitRepo);
    if (env.catalog) env.catalog = resolveFrom(base, env.catalog);
    if (env.sourceRepo) env.sourceRepo = resolveFrom(base, env.sourceRepo);
    if (env.kubeconfig) env.kubeconfig = resolveFrom(base, env.kubeconfig);
    if (env.cluster?.kubeconfig) env.cluster.kubeconfig = resolveFrom(base, env.cluster.kubeconfig.replace(/^~(?=\/)/, homedir()));
    if (env.catalogRepo) env.catalogRepo.url = resolveFrom(base, env.catalogRepo.url);
    if (env.redeploy) {
      env.redeploy.pipelines = resolveFrom(base, env.redeploy.pipelines);
      env.redeploy.workdir = resolveFrom(base, env.redeploy.workdir);
      if (env.redeploy.envFile) env.redeploy.envFile = resolveFrom(base, env.redeploy.envFile.replace(/^~(?=\/)/, homedir()));
      if (env.redeploy.stateDir) env.redeploy.stateDir = resolveFrom(base, env.redeploy.stateDir);
    }
    for (const svc of Object.values(env.services)) if (svc.sourceRepo) svc.sourceRepo = resolveFrom(base, svc.sourceRepo);
  }
  if (config.git.sshKeyFile) config.git.sshKeyFile = resolveFrom(base, config.git.sshKeyFile);
  if (config.git.knownHostsFile) config.git.knownHostsFile = resolveFrom(base, config.git.knownHostsFile);
  if (config.github?.app) config.github.app.privateKeyFile = resolveFrom(base, config.github.app.privateKeyFile);
  if (config.git.sshKeyFile && !config.git.knownHostsFile) {
    throw new ConfigError(`${source}: 'git.sshKeyFile' needs 'git.knownHostsFile' too: host keys are always checked. Add the server's key (ssh-keyscan -H <host> > known_hosts) and name that file.`);
  }
  if (config.defaultEnvironment && !config.environments[config.defaultEnvironment]) {
    throw new ConfigError(
      `${source}: 'defaultEnvironment' names '${config.defaultEnvironment}', which is not under 'environments' (known: ${Object.keys(config.environments).join(', ')}).`,
    );
  }
  return { ...config, dataDir: resolve(base, config.dataDir), source };
}

export function loadConfig(path: string): LoadedConfig {
  const source = resolve(path);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch {
    throw new ConfigError(
      `Config file ${source} was not found. Create it (see README "Configuration") or pass --config <file> / set ROLLBOT_CONFIG.`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(raw, source);
}

export function environmentOf(config: RollbotConfig, name: string): EnvironmentConfig {
  const env = config.environments[name];
  if (!env) throw new UnknownEnvironment(name, Object.keys(config.environments));
  return { ...env, name };
}
