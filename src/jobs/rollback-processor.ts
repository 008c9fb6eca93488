import { environmentOf } from '../core/config/load.js';
import { releaseSettings } from '../core/config/environment-settings.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { shaInTag } from '../core/history/tag-history.js';
import { StepTracker } from '../core/progress.js';
import type { ReleasePlan } from '../core/release/release-plan.js';
import { findRollbackTarget, rollback, rollbackSummary, type RollbackTarget } from '../core/rollout/rollback.js';
import type { RollbackJobData } from './job-data.js';
import type { AttemptInfo, JobProcessor } from './job-processor.js';
import type { JobReporter } from './job-reporter.js';
import type { ReleaseDeps } from './release/release-processor.js';
import type { FreezeGuard } from './guard/freeze-guard.js';
import { reportFailure } from './user-errors.js';
import { recordingSnapshots, shouldFollow, startFollow, summaryWhileFollowing } from './follow/start-follow.js';

export interface RollbackDeps extends ReleaseDeps {
  freezes: FreezeGuard;
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** What an approver reads on a rollback card. */
export function rollbackSummaryText(target: RollbackTarget): string {
  const to = target.to;
  return [
    `Rollback: ${target.service} in ${target.environment}`,
    '',
    `From: ${target.fromTag} (now)`,
    `To: ${to.tag} (set ${utc(to.at)}${to.requestedBy ? ` for ${to.requestedBy}` : ''}, Flux commit ${to.commit.slice(0, 7)})`,
    `File: ${target.file}`,
  ].join('\n');
}

/**
 * `/rollback` and the Roll back buttons: checked again here (a lock or freeze may have started while
 * the job waited), then straight through the engine, or, where only approved releases may change the
 * environment, through an approval card like a release's.
 */
export function rollbackProcessor(deps: RollbackDeps): JobProcessor<RollbackJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      await deps.locks.assertMayDeploy(env.name, data.origin.user);
      if (!data.force) await deps.freezes.check(env, data.origin.user, false, deps.clock(), `rollback of ${data.service}`);
      if (!env.allowRollout) return await requestApproval(deps, env, data, attempt, reporter);
      const recorded = recordingSnapshots(reporter);
      const result = await rollback(
        deps.engine,
        env,
        { service: data.service, to: data.to, undo: data.undo, requestedBy: data.origin.user, requestId: attempt.jobId },
        recorded,
        deps.clock,
      );
      if (result.status === 'updated') {
        await deps.audit.append({
          type: 'rollback',
          who: data.origin.user,
          env: env.name,
          service: data.service,
          detail: `${result.fromTag} → ${result.tag}: commit ${result.commit?.slice(0, 7)}${data.force ? ' (forced through a freeze)' : ''}`,
          jobId: attempt.jobId,
          at: deps.clock(),
        });
      }
      const summary = rollbackSummary(result, 'mrkdwn');
      // Like a rollout: after the push, a follow job says when the old tag runs again.
      if (deps.follow && recorded.last && shouldFollow(env, result)) {
        await startFollow(deps.follow, { env, result, origin: data.origin, reporter, snapshot: recorded.last, summary: summaryWhileFollowing(summary), rollback: false });
        return result;
      }
      await reporter.succeed(summary);
      return result;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}

async function requestApproval(deps: RollbackDeps, env: EnvironmentConfig, data: RollbackJobData, attempt: AttemptInfo, reporter: JobReporter) {
  const id = attempt.jobId;
  const existing = await deps.approvals.get(id);
  if (existing) return { approvalId: id, status: existing.status };
  const policy = releaseSettings(env).approval;
  const steps = new StepTracker(`Rollback of ${data.service} in ${env.name}`, [['target', 'Find the tag to roll back to']], reporter, deps.clock);
  const target = await steps.run('target', () => findRollbackTarget(deps.engine, env, data.service, data.to, undefined, data.undo), (t) => `${t.fromTag} → ${t.to.tag}`);
  const plan: ReleasePlan = {
    service: target.service,
    env: env.name,
    file: target.file,
    fluxCommit: target.to.commit,
    sourceRepo: '',
    fromTag: target.fromTag,
    toTag: target.to.tag,
    toSha: shaInTag(target.to.tag) ?? '',
    commits: [],
    moreCount: 0,
    removedCommits: [],
    removedMoreCount: 0,
    direction: 'unknown',
    image: { ref: '', digest: '' },
  };
  const now = deps.clock();
  const required = policy.rollbackRequired ?? policy.required;
  await deps.approvals.create({
    id,
    env: env.name,
    service: target.service,
    requester: data.origin.user,
    required,
    allowSelfApproval: policy.allowSelfApproval,
    deadline: now + policy.deadlineHours * 3600_000,
    createdAt: now,
    channel: policy.channel ?? data.origin.channel,
    plan,
    kind: 'rollback',
    summary: rollbackSummaryText(target),
    ...(data.force ? { force: true } : {}),
  });
  const card = await deps.publisher.publish((await deps.approvals.get(id))!);
  await deps.approvals.setMessage(id, card.channel, card.ts);
  await deps.audit.append({ type: 'rollback.requested', who: data.origin.user, env: env.name, service: target.service, detail: `${target.fromTag} → ${target.to.tag}`, jobId: id, at: now });
  await deps.enqueue({ kind: 'release', action: 'expire', origin: data.origin, env: env.name, approvalId: id }, `expire-${id}`, policy.deadlineHours * 3600_000);
  const where = card.channel === data.origin.channel ? 'below' : `in <#${card.channel}>`;
  await reporter.succeed(`Rollback of ${target.service} in ${env.name} to \`${target.to.tag}\` (now \`${target.fromTag}\`) needs approval: requested ${where} (${required} needed).`);
  return { approvalId: id, plan };
}
