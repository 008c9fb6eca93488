import { environmentOf } from '../../core/config/load.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { validateImageTag, validateServiceName } from '../../core/validate.js';
import { ROLLBACK_ACTION } from '../../jobs/follow/follow-messages.js';
import { EnvironmentLocked } from '../../jobs/release/deploy-locks.js';
import { originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

export { ROLLBACK_ACTION };

/**
 * The Roll back button under a rollout that did not go live: a rollout of the previous tag through
 * the same engine, refused for the same reasons a `/rollout` would be.
 */
export async function handleRollback(deps: RouterDeps, payload: Record<string, unknown>, ctx: RequestContext): Promise<Reply> {
  const env = environmentOf(deps.config, String(payload.env));
  const service = validateServiceName(String(payload.service));
  const tag = validateImageTag(String(payload.tag));
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout) throw new InvalidInput(`\`${env.name}\` takes approved releases only. Release ${tag} again with \`/release ${service} <sha> --env ${env.name}\`.`);
  const lock = (await deps.locks.list()).find((l) => l.env === env.name);
  if (lock && lock.holder !== ctx.user) throw new EnvironmentLocked(lock);
  const { jobId, created } = await deps.enqueuer.enqueue(
    { kind: 'rollout', origin: originOf(ctx), env: env.name, service, tag, dryRun: false },
    `rollback-${env.name}-${service}-${tag}-${ctx.idempotencyKey}`,
  );
  return queuedReply(created, jobId, `roll back of ${service} to ${tag} in \`${env.name}\``);
}
