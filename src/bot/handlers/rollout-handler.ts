import type { RolloutCommand } from '../../core/commands/command.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { describePull } from '../../core/pulls/pull-request-choice.js';
import { originOf, queuedReply, type Reply, type RequestContext, type RouterDeps, assertMay } from './router-deps.js';
import { selectEnvironment } from '../../core/config/select-environment.js';
import { EnvironmentLocked } from '../../jobs/release/deploy-locks.js';
import { isReply, requirePrWithoutGitHub, rolloutTarget } from './rollout-pull-request.js';
import type { PickValue } from '../render/pull-request-picker.js';
import { announceForced, checkFreeze } from './freeze-check.js';

/** `/rollout`: validated and refused early (read-only, no rwenv) before anything is queued. */
export async function handleRollout(deps: RouterDeps, command: RolloutCommand, ctx: RequestContext): Promise<Reply> {
  // Without a code host to ask, a PR number is needed: say so before any Redis read.
  if (!deps.pulls) requirePrWithoutGitHub(command);
  // Bindings and locks come from the bot's in-process mirrors: a refusal costs no Redis round trip.
  const [bound, locks] = await Promise.all([deps.bindings.get(ctx.channel), deps.locks.list()]);
  const env = selectEnvironment(deps.config, command.env, bound);
  if (env.readOnly && !command.dryRun) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout && !command.dryRun) {
    throw new InvalidInput(`\`${env.name}\` takes approved releases only. Use \`/release ${command.service} <sha> --env ${env.name}\`.`);
  }
  // A dry run changes nothing: only the channel rule applies to it.
  await assertMay(deps, env, command.dryRun ? 'use' : 'rollout', ctx);
  const lock = locks.find((l) => l.env === env.name);
  if (!command.dryRun && lock && lock.holder !== ctx.user) throw new EnvironmentLocked(lock);
  const forced = command.dryRun ? undefined : await checkFreeze(deps, env, ctx, command.force, `rollout of ${command.service}`);
  const target = await rolloutTarget(deps.pulls, env, command, ctx, deps.clock());
  if (isReply(target)) return target;
  const { pr, pull } = target;
  const { jobId, created } = await deps.enqueuer.enqueue(
    {
      kind: 'rollout',
      origin: originOf(ctx),
      env: env.name,
      service: command.service,
      pr,
      sha: command.sha,
      dryRun: command.dryRun,
      ...(pull ? { pull: { number: pull.number, title: pull.title, author: pull.author, headSha: pull.headSha, headRef: pull.headRef } } : {}),
      ...(forced ? { force: true } : {}),
    },
    ctx.idempotencyKey,
  );
  const what = pull ? `${command.service} ${describePull(pull)}` : `${command.service} #${pr}`;
  const reply = queuedReply(created, jobId, `${command.dryRun ? 'dry-run ' : ''}rollout of ${what} to \`${env.name}\``);
  return forced && created ? announceForced(deps, env, ctx, forced, `rollout of ${what}`, reply, command.service) : reply;
}

/** A click on a PR from the picker: only the requester's own list rolls out, and the PR is checked again. */
export async function handleRolloutPick(deps: RouterDeps, value: Partial<PickValue>, ctx: RequestContext): Promise<Reply> {
  if (typeof value.s !== 'string' || typeof value.p !== 'number' || typeof value.e !== 'string') {
    throw new InvalidInput('That button is out of date. Run the command again.');
  }
  if (value.u !== ctx.user) {
    throw new InvalidInput(`That list was for <@${value.u}>. Run \`/rollout ${value.s}\` to get yours.`);
  }
  return handleRollout(deps, { kind: 'rollout', service: value.s, pr: value.p, env: value.e, dryRun: value.d === 1 }, ctx);
}
