import type { RolloutCommand } from '../../core/commands/command.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { requirePr } from '../../core/rollout/rollout-engine.js';
import { originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';
import { selectEnvironment } from '../../core/config/select-environment.js';
import { EnvironmentLocked } from '../../jobs/release/deploy-locks.js';
import { announceForced, checkFreeze } from './freeze-check.js';

/** `/rollout`: validated and refused early (read-only, no rwenv) before anything is queued. */
export async function handleRollout(deps: RouterDeps, command: RolloutCommand, ctx: RequestContext): Promise<Reply> {
  const pr = requirePr(command.pr?.toString(), command.service);
  // The three reads are independent: issued together they cost one Redis round trip on the ack path.
  const [bound, locks, alreadyQueued] = await Promise.all([
    deps.bindings.get(ctx.channel),
    deps.locks.list(),
    deps.enqueuer.isQueued('rollout', ctx.idempotencyKey),
  ]);
  const env = selectEnvironment(deps.config, command.env, bound);
  if (env.readOnly && !command.dryRun) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout && !command.dryRun) {
    throw new InvalidInput(`\`${env.name}\` takes approved releases only. Use \`/release ${command.service} <sha> --env ${env.name}\`.`);
  }
  const lock = locks.find((l) => l.env === env.name);
  if (!command.dryRun && lock && lock.holder !== ctx.user) throw new EnvironmentLocked(lock);
  const forced = command.dryRun ? undefined : await checkFreeze(deps, env, ctx, command.force, `rollout of ${command.service}`);
  const { jobId, created } = await deps.enqueuer.enqueue(
    { kind: 'rollout', origin: originOf(ctx), env: env.name, service: command.service, pr, sha: command.sha, dryRun: command.dryRun, ...(forced ? { force: true } : {}) },
    ctx.idempotencyKey,
    undefined,
    alreadyQueued,
  );
  const reply = queuedReply(created, jobId, `${command.dryRun ? 'dry-run ' : ''}rollout of ${command.service} #${pr} to \`${env.name}\``);
  return forced && created ? announceForced(deps, env, ctx, forced, `rollout of ${command.service} #${pr}`, reply, command.service) : reply;
}
