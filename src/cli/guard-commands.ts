import type { RedisTarget } from '../core/config/redis-target.js';
import { parseCommand } from '../core/commands/parse.js';
import type { LoadedConfig } from '../core/config/load.js';
import { selectEnvironment } from '../core/config/select-environment.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { InvalidInput, NoEnvironmentBound, ReadOnlyEnvironment } from '../core/errors.js';
import { historyTable } from '../core/history/history-format.js';
import { readTagHistory } from '../core/history/tag-history.js';
import { rollback, rollbackSummary } from '../core/rollout/rollback.js';
import { createRedisConnection } from '../jobs/redis-connection.js';
import { AuditLog } from '../jobs/release/audit-log.js';
import { DeployLocks } from '../jobs/release/deploy-locks.js';
import { describeFreeze, FreezeGuard } from '../jobs/guard/freeze-guard.js';
import { FreezeStore } from '../jobs/guard/freeze-store.js';
import { engineFor } from '../runtime/engine-factory.js';
import { consoleReporter } from './console-reporter.js';

const quoted = (args: string[]) => args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');

function environment(config: LoadedConfig, explicit: string | undefined): EnvironmentConfig {
  try {
    return selectEnvironment(config, explicit);
  } catch (error) {
    if (error instanceof NoEnvironmentBound) {
      throw new InvalidInput(`Which environment? Pass --env <name> (known: ${Object.keys(config.environments).join(', ')}) or set defaultEnvironment in ${config.source}.`);
    }
    throw error;
  }
}

/** `rollbot history <service> [--env] [--limit N]`: the same history as `/history`, as a table. */
export async function historyFromTerminal(config: LoadedConfig, args: string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const command = parseCommand(`history ${quoted(args)}`);
  if (command.kind !== 'history') throw new InvalidInput('Usage: rollbot history <service> [--env <name>] [--limit 10]');
  const env = environment(config, command.env);
  const history = await engineFor(config).inspect(env, command.service, (_workspace, located, tree) =>
    readTagHistory(tree, located, command.service, { limit: command.limit }),
  );
  if (history.changes.length === 0) {
    write(`${command.service} has no image tag history in ${env.name} (${history.file}).\n`);
    return;
  }
  write(`${command.service} in ${env.name} (${history.file}), newest first; * = now\n\n${historyTable(history.changes)}\n`);
}

/**
 * `rollbot rollback <service> [--env] [--to <tag>] [--force]`: the engine from a terminal, with the
 * same refusals as Slack. Locks and `/freeze` live in Redis, so they are checked (and the rollback
 * audited) when REDIS_URL is set; the config's freeze windows always are. `--force` works when the
 * terminal user (ROLLBOT_USER, a Slack user ID) is listed in `freeze.breakGlass` (groups need Slack).
 */
export async function rollbackFromTerminal(
  config: LoadedConfig,
  args: string[],
  user: string,
  options: { redisUrl?: string; redis?: RedisTarget; clock?: () => number; write?: (text: string) => void } = {},
): Promise<void> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const clock = options.clock ?? Date.now;
  const command = parseCommand(`rollback ${quoted(args)}`);
  if (command.kind !== 'rollback') throw new InvalidInput('Usage: rollbot rollback <service> [--env <name>] [--to <tag>] [--force]');
  const env = environment(config, command.env);
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout) {
    throw new InvalidInput(`\`${env.name}\` takes approved changes only, so a rollback there needs approval: use \`/rollback ${command.service} --env ${env.name}\` in Slack.`);
  }
  const target = options.redis ?? options.redisUrl;
  const redis = target ? createRedisConnection(target) : undefined;
  try {
    const freezes = new FreezeGuard(redis ? new FreezeStore(redis) : undefined);
    if (redis) await new DeployLocks(redis, undefined, clock).assertMayDeploy(env.name, user);
    const forced = await freezes.check(env, user, command.force, clock(), `rollback of ${command.service}`);
    if (forced) write(`Forcing through the freeze ${describeFreeze(forced)}.\n`);
    const result = await rollback(engineFor(config), env, { service: command.service, to: command.to, requestedBy: user }, consoleReporter(), clock);
    if (redis && result.status === 'updated') {
      const audit = new AuditLog(redis);
      const detail = `${result.fromTag} → ${result.tag}: commit ${result.commit?.slice(0, 7)} (from a terminal)`;
      await audit.append({ type: 'rollback', who: user, env: env.name, service: command.service, detail, at: clock() });
      if (forced) await audit.append({ type: 'freeze.forced', who: user, env: env.name, service: command.service, detail: `rollback of ${command.service} from a terminal`, at: clock() });
    }
    write('\n' + rollbackSummary(result) + '\n');
  } finally {
    redis?.disconnect();
  }
}
