import type { EnvironmentConfig } from '../../core/config/schema.js';
import { InvalidInput, isRollbotError, userMessageOf } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { parseGitHubRepo } from '../../core/release/github-repo.js';
import type { PullRequestOpener, TicketCreator } from '../../core/release/ports.js';
import { releaseSummaryText } from '../../core/release/release-summary.js';
import type { AttemptInfo } from '../job-processor.js';
import type { JobReporter } from '../job-reporter.js';
import type { ApplyResult } from './approval-store.js';
import type { JobOrigin } from '../job-data.js';
import type { ReleaseDeps } from './release-processor.js';
import { releaseSettings } from '../../core/config/environment-settings.js';
import { rollbackSubject } from '../../core/rollout/rollback.js';
import { recordingSnapshots, shouldFollow, startFollow } from '../follow/start-follow.js';

/** GitHub and Jira clients, when configured (made by the runtime with their secrets). */
export interface ReleaseIntegrations {
  pullRequests?: PullRequestOpener;
  tickets?: TicketCreator;
}

/**
 * Applies an approved release exactly once: the commit carries the request id, so a retried or
 * recovered job finds its own change; a PR branch is derived from the request, and an existing PR is
 * returned rather than opened twice; a ticket is created once and remembered.
 */
export async function applyRelease(deps: ReleaseDeps, env: EnvironmentConfig, id: string, reporter: JobReporter, attempt: AttemptInfo, origin?: JobOrigin) {
  const state = await deps.approvals.get(id);
  if (!state) throw new InvalidInput('This release request no longer exists (older than 30 days?). Run /release again.');
  if (state.status === 'applied') return { approvalId: id, result: state.result };
  if (state.status !== 'approved') throw new InvalidInput(`This release is ${state.status}, not approved, so it was not applied.`);
  const { request } = state;
  const { plan } = request;
  const settings = releaseSettings(env);
  try {
    await deps.locks.assertMayDeploy(env.name, request.requester);
    const isRollback = request.kind === 'rollback';
    // A freeze that began while the card waited stops the apply too (unless forced at request time).
    if (!request.force) await deps.freezes?.check(env, request.requester, false, deps.clock(), `${isRollback ? 'rollback' : 'release'} of ${plan.service}`);
    const result: ApplyResult = { ...state.result };
    const jira = deps.config.jira && settings.jira;
    if (jira && deps.integrations.tickets && !result.ticket) {
      result.ticket = await deps.integrations.tickets.create({
        project: settings.jira!.project,
        issueType: settings.jira!.issueType,
        labels: [...settings.jira!.labels, `rollbot-${id}`],
        summary: `Release ${plan.service} ${plan.toTag} to ${env.name}`,
        description: releaseSummaryText(plan),
      });
      await deps.approvals.recordResult(id, result);
    }
    const prMode = settings.mode === 'pull-request';
    const branch = prMode ? `deploy/${plan.service}-${Math.floor(request.createdAt / 1000)}` : undefined;
    const recorded = recordingSnapshots(reporter);
    const rollout = await deps.engine.rollout(
      env,
      {
        service: plan.service,
        tag: plan.toTag,
        sha: plan.toSha || undefined,
        requestId: id,
        requestedBy: request.requester,
        branch,
        site: plan.site,
        subject: isRollback ? (was) => rollbackSubject(plan.service, plan.toTag, was) : `release(${plan.service}): ${plan.toTag} to ${env.name}`,
        title: isRollback ? `Apply rollback of ${plan.service} in ${env.name} to ${plan.toTag}` : `Apply release of ${plan.service} ${plan.toTag} to ${env.name}`,
      },
      recorded,
    );
    result.commit = rollout.commit;
    result.branch = rollout.branch;
    result.unchanged = rollout.status === 'unchanged';
    if (prMode && rollout.status === 'updated') {
      if (!deps.integrations.pullRequests) {
        throw new InvalidInput('This environment releases through pull requests, but no GitHub is configured. Add `github:` (and its token variable) to the config.');
      }
      const repo = parseGitHubRepo(settings.pullRequest.repo ?? env.fluxGitRepo);
      const body = [releaseSummaryText(plan), result.ticket ? `\nTicket: ${result.ticket.url}` : '', `\nApproved in Slack: ${state.votes.map((v) => v.user).join(', ')}`].join('\n');
      const pr = await deps.integrations.pullRequests.open({
        owner: repo.owner,
        repo: repo.repo,
        head: branch!,
        base: settings.pullRequest.base ?? env.branch,
        title: `Release ${plan.service} ${plan.toTag} to ${env.name}`,
        body,
      });
      result.pullRequest = { number: pr.number, url: pr.url };
    }
    const following = Boolean(deps.follow && recorded.last && shouldFollow(env, rollout));
    if (following && origin) result.live = { state: 'following', text: '⏳ Following it into the cluster…' };
    await deps.approvals.transition(id, ['approved'], 'applied', deps.clock(), { result: JSON.stringify(result) });
    await deps.publisher.refresh((await deps.approvals.get(id))!);
    const what = result.pullRequest ? `PR #${result.pullRequest.number}` : result.unchanged ? 'already applied' : `commit ${result.commit?.slice(0, 7)}`;
    await deps.audit.append({ type: isRollback ? 'rollback' : 'release.applied', who: request.requester, env: env.name, service: plan.service, detail: `${plan.toTag}: ${what}`, jobId: id, at: deps.clock() });
    const link = result.pullRequest ? `Pull request: ${result.pullRequest.url}` : `Commit \`${result.commit?.slice(0, 7)}\` on \`${result.branch}\``;
    const released = isRollback
      ? escapeMrkdwn(`Rolled back ${plan.service} in ${env.name} to \`${plan.toTag}\` (was \`${plan.fromTag}\`). ${link}`)
      : escapeMrkdwn(`Released ${plan.service} \`${plan.toTag}\` to ${env.name}. ${link}${result.ticket ? `\nTicket: ${result.ticket.url}` : ''}`);
    if (following && origin) {
      // The follow job finishes this message, and writes the live state onto the approval card.
      await startFollow(deps.follow!, { env, result: rollout, origin: { ...origin, user: request.requester }, reporter, snapshot: recorded.last!, summary: released, rollback: env.allowRollout, approvalId: id });
    } else await reporter.succeed(released);
    return { approvalId: id, result, pushAttempts: rollout.pushAttempts };
  } catch (error) {
    const final = !(isRollbotError(error) && error.transient) || attempt.attempt >= attempt.attempts;
    if (final && (await deps.approvals.transition(id, ['approved'], 'failed', deps.clock(), { error: userMessageOf(error) }))) {
      await deps.publisher.refresh((await deps.approvals.get(id))!);
      await deps.audit.append({ type: 'release.failed', who: request.requester, env: env.name, service: plan.service, detail: userMessageOf(error), jobId: id, at: deps.clock() });
    }
    throw error;
  }
}
