import { NoEnvironmentBound } from '../errors.js';
import { environmentOf } from './load.js';
import type { EnvironmentConfig, RollbotConfig } from './schema.js';

/**
 * Which environment a request acts on: an explicit --env, else the channel's binding, else the
 * config's defaultEnvironment. Never a guess: none of these -> seed 000's "No rwenv set".
 */
export function selectEnvironment(config: RollbotConfig, explicit?: string, bound?: string): EnvironmentConfig {
  const name = explicit ?? bound ?? config.defaultEnvironment;
  if (!name) throw new NoEnvironmentBound();
  return environmentOf(config, name);
}
