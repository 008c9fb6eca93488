import { InvalidInput } from '../errors.js';
import type { EnvironmentConfig } from './schema.js';

/** An environment's `/release` settings, or the sentence that says how to add them. */
export function releaseSettings(env: EnvironmentConfig): NonNullable<EnvironmentConfig['release']> {
  if (!env.release) {
    throw new InvalidInput(`Environment '${env.name}' has no release settings. Add a \`release:\` section (registry, approval) to it in the config.`);
  }
  return env.release;
}

/** An environment's `/redeploy` settings, or the sentence that says how to add them. */
export function redeploySettings(env: EnvironmentConfig): NonNullable<EnvironmentConfig['redeploy']> {
  if (!env.redeploy) {
    throw new InvalidInput(
      `Environment '${env.name}' has no redeploy pipeline. Add \`redeploy: { pipelines: <file> }\` to it in the config (see examples/redeploy-seed004.yaml).`,
    );
  }
  return env.redeploy;
}
