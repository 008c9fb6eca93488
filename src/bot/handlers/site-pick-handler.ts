import { environmentOf } from '../../core/config/load.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { EnvironmentLocked } from '../../jobs/release/deploy-locks.js';
import type { SitePickValue } from '../../jobs/site-choice.js';
import { assertMay, ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/**
 * A candidate button of an ambiguous rollout or release: the same request again, written at the
 * picked site. Only the person who asked may pick; everyone else is told so, privately.
 */
export async function handleSitePick(deps: RouterDeps, payload: Record<string, unknown>, ctx: RequestContext): Promise<Reply> {
  const pick = payload as Partial<SitePickValue>;
  if (typeof pick.site !== 'string' || typeof pick.service !== 'string' || typeof pick.env !== 'string') {
    throw new InvalidInput('That button is out of date. Run the command again.');
  }
  if (pick.user !== ctx.user) return ephemeral(`Only <@${pick.user}>, who asked, can pick where this goes. Run your own command to deploy.`);
  const env = environmentOf(deps.config, pick.env);
  if (env.readOnly && !pick.dryRun) throw new ReadOnlyEnvironment(env.name);
  // The click starts the same request again: the same rules as the command that asked.
  await assertMay(deps, env, pick.kind === 'release' ? 'release' : pick.dryRun ? 'use' : 'rollout', ctx);
  if (pick.kind === 'release') {
    await deps.locks.assertMayDeploy(env.name, ctx.user);
    const { jobId, created } = await deps.enqueuer.enqueue(
      { kind: 'release', action: 'prepare', origin: originOf(ctx), env: env.name, service: pick.service, sha: pick.sha, tag: pick.tag, pr: pick.pr, site: pick.site },
      ctx.idempotencyKey,
    );
    return queuedReply(created, jobId, `release of ${pick.service} to \`${env.name}\` at \`${pick.site}\``);
  }
  if (typeof pick.pr !== 'number') throw new InvalidInput('That button is out of date. Run the command again.');
  if (!env.allowRollout && !pick.dryRun) {
    throw new InvalidInput(`\`${env.name}\` takes approved releases only. Use \`/release ${pick.service} <sha> --env ${env.name}\`.`);
  }
  const lock = (await deps.locks.list()).find((l) => l.env === env.name);
  if (!pick.dryRun && lock && lock.holder !== ctx.user) throw new EnvironmentLocked(lock);
  const { jobId, created } = await deps.enqueuer.enqueue(
    { kind: 'rollout', origin: originOf(ctx), env: env.name, service: pick.service, pr: pick.pr, sha: pick.sha, dryRun: pick.dryRun ?? false, site: pick.site },
    ctx.idempotencyKey,
  );
  return queuedReply(created, jobId, `rollout of ${pick.service} #${pick.pr} to \`${env.name}\` at \`${pick.site}\``);
}
