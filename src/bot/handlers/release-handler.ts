import type { ReleaseCommand } from '../../core/commands/command.js';
import { environmentOf } from '../../core/config/load.js';
import { releaseSettings } from '../../core/config/environment-settings.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { environmentFor, ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps, assertMay } from './router-deps.js';
import { describeApprovers } from '../approver-directory.js';
import { announceForced, checkFreeze } from './freeze-check.js';

/** `/release`: refused early when the environment cannot take it; the rest is a queued job. */
export async function handleRelease(deps: RouterDeps, command: ReleaseCommand, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  releaseSettings(env);
  await assertMay(deps, env, 'release', ctx);
  await deps.locks.assertMayDeploy(env.name, ctx.user);
  const forced = await checkFreeze(deps, env, ctx, command.force, `release of ${command.service}`);
  const { jobId, created } = await deps.enqueuer.enqueue(
    {
      kind: 'release',
      action: 'prepare',
      origin: originOf(ctx),
      env: env.name,
      service: command.service,
      sha: command.sha,
      tag: command.tag,
      pr: command.pr,
      ...(forced ? { force: true } : {}),
    },
    ctx.idempotencyKey,
  );
  const reply = queuedReply(created, jobId, `release of ${command.service} ${command.sha.slice(0, 12)} to \`${env.name}\``);
  return forced && created ? announceForced(deps, env, ctx, forced, `release of ${command.service}`, reply, command.service) : reply;
}

/** Approve: allowed? then one atomic vote; the vote that completes the count enqueues the apply. */
export async function handleApprove(deps: RouterDeps, approvalId: string, ctx: RequestContext): Promise<Reply> {
  const state = await deps.approvals.get(approvalId);
  if (!state) return ephemeral('This release request no longer exists. Run `/release` again.');
  const env = environmentOf(deps.config, state.request.env);
  const policy = releaseSettings(env).approval;
  // A rollback in a release-only environment goes through this same card and vote.
  const noun = state.request.kind === 'rollback' ? 'rollback' : 'release';
  // The more specific refusal first: a requester who is not an approver either still learns why.
  if (ctx.user === state.request.requester && !state.request.allowSelfApproval) {
    return ephemeral(`You requested this ${noun}, so someone else must approve it (four eyes).`);
  }
  if (!(await deps.approvers.mayApprove(policy, ctx.user))) {
    return ephemeral(`You are not an approver for ${escapeMrkdwn(env.name)} (approvers: ${describeApprovers(policy)}).`);
  }
  const now = deps.clock();
  const outcome = await deps.approvals.vote(approvalId, ctx.user, now);
  const { service } = state.request;
  if (outcome === 'recorded' || outcome === 'approved') {
    await deps.audit.append({ type: 'release.vote', who: ctx.user, env: env.name, service, jobId: approvalId, at: now });
  }
  const current = await deps.approvals.get(approvalId);
  if (current && outcome !== 'duplicate' && outcome !== 'self') await deps.publisher.refresh(current);
  switch (outcome) {
    case 'approved': {
      await deps.audit.append({ type: 'release.approved', who: ctx.user, env: env.name, service, jobId: approvalId, at: now });
      const channel = current?.request.channel ?? ctx.channel;
      await deps.enqueuer.enqueue(
        { kind: 'release', action: 'apply', origin: { channel, threadTs: current?.request.messageTs, user: ctx.user }, env: env.name, approvalId },
        `apply-${approvalId}`,
      );
      return ephemeral(`✅ Approved. Applying ${escapeMrkdwn(service)} to ${escapeMrkdwn(env.name)} now.`);
    }
    case 'recorded':
      return ephemeral(`Your approval is recorded (${current?.votes.length ?? '?'} of ${state.request.required}).`);
    case 'duplicate':
      return ephemeral(`You already approved this ${noun}.`);
    case 'self':
      return ephemeral(`You requested this ${noun}, so someone else must approve it (four eyes).`);
    case 'expired':
      await deps.audit.append({ type: 'release.expired', who: ctx.user, env: env.name, service, jobId: approvalId, at: now });
      return ephemeral(`This ${noun} request has expired and can no longer be approved. Run \`/${noun}\` again.`);
    case 'not_found':
      return ephemeral(`This ${noun} request no longer exists. Run \`/${noun}\` again.`);
    default:
      return ephemeral(`This ${noun} is already ${outcome.replace('closed:', '')}.`);
  }
}

/** Reject (from the modal): approvers and the requester may; the reason is kept on the card and in the audit. */
export async function handleReject(deps: RouterDeps, approvalId: string, reason: string, ctx: RequestContext): Promise<Reply> {
  const state = await deps.approvals.get(approvalId);
  if (!state) return ephemeral('This release request no longer exists.');
  const env = environmentOf(deps.config, state.request.env);
  const policy = env.release?.approval;
  const allowed = ctx.user === state.request.requester || (policy !== undefined && (await deps.approvers.mayApprove(policy, ctx.user)));
  if (!allowed) return ephemeral(`You are not an approver for ${escapeMrkdwn(env.name)} (approvers: ${policy ? describeApprovers(policy) : 'none'}).`);
  const text = reason.trim();
  if (text.length < 3) throw new InvalidInput('A rejection needs a reason of a few words.');
  const now = deps.clock();
  if (!(await deps.approvals.transition(approvalId, ['pending'], 'rejected', now, { rejectedBy: ctx.user, reason: text }))) {
    return ephemeral(`This release is already ${(await deps.approvals.get(approvalId))?.status ?? 'gone'}.`);
  }
  await deps.publisher.refresh((await deps.approvals.get(approvalId))!);
  await deps.audit.append({ type: 'release.rejected', who: ctx.user, env: env.name, service: state.request.service, detail: text, jobId: approvalId, at: now });
  return ephemeral('The release was rejected; nothing was changed.');
}
