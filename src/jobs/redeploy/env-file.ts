import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { InvalidInput } from '../../core/errors.js';

/** Seed 004's `source ~/.omnibase/.env`, without a shell: KEY=VALUE lines parsed by node. */
export async function readEnvFile(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  try {
    return parseEnv(await readFile(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InvalidInput(`The redeploy envFile ${path} does not exist. Create it or fix redeploy.envFile in the config.`);
    }
    throw error;
  }
}
