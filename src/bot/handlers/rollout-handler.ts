import type { RolloutCommand } from '../../core/commands/command.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { requirePr } from '../../core/rollout/rollout-engine.js';
import { environmentFor, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** `/rollout`: validated and refused early (read-only, no rwenv) before anything is queued. */
export async function handleRollout(deps: RouterDeps, command: RolloutCommand, ctx: RequestContext): Promise<Reply> {
  const pr = requirePr(command.pr?.toString(), command.service);
  const env = await environmentFor(deps, ctx, command.env);
  if (env.readOnly && !command.dryRun) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout && !command.dryRun) {
    throw new InvalidInput(`\`${env.name}\` takes approved releases only. Use \`/release ${command.service} <sha> --env ${env.name}\`.`);
  }
  if (!command.dryRun) await deps.locks.assertMayDeploy(env.name, ctx.user);
  const { jobId, created } = await deps.enqueuer.enqueue(
    { kind: 'rollout', origin: originOf(ctx), env: env.name, service: command.service, pr, sha: command.sha, dryRun: command.dryRun },
    ctx.idempotencyKey,
  );
  return queuedReply(created, jobId, `${command.dryRun ? 'dry-run ' : ''}rollout of ${command.service} #${pr} to \`${env.name}\``);
}
