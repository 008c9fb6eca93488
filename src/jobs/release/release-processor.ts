import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import type { CatalogStore } from '../../core/catalog/catalog-store.js';
import { environmentOf, type LoadedConfig } from '../../core/config/load.js';
import { releaseSettings } from '../../core/config/environment-settings.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { SourceMirror } from '../../core/release/commit-lookup.js';
import { ImageNotFound, NoMatchingImageTag } from '../../core/release/errors.js';
import { prepareRelease } from '../../core/release/release-plan.js';
import { registryConfigOf } from '../../core/release/release-config.js';
import { RegistryClient } from '../../core/release/registry-client.js';
import { parseTagTemplate } from '../../core/release/tag-template.js';
import type { RolloutEngine } from '../../core/rollout/rollout-engine.js';
import { sourceRepoOf } from '../../core/source/source-repo.js';
import { channelLink, escapeMrkdwn } from '../../core/mrkdwn.js';
import type { EnqueueResult } from '../job-enqueuer.js';
import type { ReleaseJobData } from '../job-data.js';
import type { AttemptInfo, JobProcessor } from '../job-processor.js';
import type { JobReporter } from '../job-reporter.js';
import { reportFailure } from '../user-errors.js';
import { AmbiguousImageSite } from '../../core/errors.js';
import { failWithSiteChoice } from '../site-choice.js';
import type { ApprovalPublisher } from './approval-publisher.js';
import type { ApprovalStore } from './approval-store.js';
import type { AuditLog } from './audit-log.js';
import type { DeployLocks } from './deploy-locks.js';
import { applyRelease, type ReleaseIntegrations } from './release-apply.js';
import type { FollowStarterDeps } from '../follow/start-follow.js';
import { RELEASE_RETRY_ACTION } from './release-actions.js';
import type { FreezeGuard } from '../guard/freeze-guard.js';

export interface ReleaseDeps {
  config: LoadedConfig;
  engine: RolloutEngine;
  catalogs: CatalogStore;
  approvals: ApprovalStore;
  locks: DeployLocks;
  audit: AuditLog;
  publisher: ApprovalPublisher;
  enqueue: (data: ReleaseJobData, key: string, delayMs?: number) => Promise<EnqueueResult>;
  /** Variables holding the secrets the config names (registry password, tokens). */
  secrets: Record<string, string | undefined>;
  integrations: ReleaseIntegrations;
  clock: () => number;
  /** Freezes stop applies too; absent in setups without them. */
  freezes?: FreezeGuard;
  /** Follow an applied release into the cluster (environments with `cluster:`). */
  follow?: FollowStarterDeps;
}


/** `/release`: prepare and ask for approval; after approval, apply exactly once; expire at the deadline. */
export function releaseProcessor(deps: ReleaseDeps): JobProcessor<ReleaseJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      switch (data.action) {
        case 'prepare':
          return await prepare(deps, env, data, attempt, reporter);
        case 'apply':
          return await applyRelease(deps, env, data.approvalId!, reporter, attempt, data.origin);
        case 'expire':
          return await expire(deps, data.approvalId!);
      }
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}

async function prepare(deps: ReleaseDeps, env: EnvironmentConfig, data: ReleaseJobData, attempt: AttemptInfo, reporter: JobReporter) {
  const id = attempt.jobId;
  // A recovered job must not reset votes already cast on its card.
  const existing = await deps.approvals.get(id);
  if (existing) return { approvalId: id, status: existing.status };
  const settings = releaseSettings(env);
  const service = data.service!;
  let plan;
  try {
    plan = await prepareRelease(
      {
        env,
        service,
        sha: data.sha!,
        tag: data.tag,
        pr: data.pr,
        sourceRepo: new SourceMirror(sourceRepoOf(env, service), join(deps.config.dataDir, 'sources')),
        registry: new RegistryClient(registryConfigOf(settings.registry, deps.secrets)),
        workspace: deps.engine.workspace(env),
        fluxPath: deps.catalogs.entry(env, service)?.fluxPath,
        site: data.site,
        imagePolicy: deps.catalogs.entry(env, service)?.imagePolicy,
        scopeOf: (tree) => deps.engine.scopeOf(env, tree),
        template: parseTagTemplate(settings.tagTemplate),
        clock: deps.clock,
        commitLimit: settings.commitLimit,
      },
      reporter,
    );
  } catch (error) {
    if (error instanceof AmbiguousImageSite) {
      return failWithSiteChoice(error, { kind: 'release', env: env.name, service, sha: data.sha, tag: data.tag, pr: data.pr, user: data.origin.user }, reporter);
    }
    if (error instanceof ImageNotFound || error instanceof NoMatchingImageTag) {
      // Nothing to approve until the build has pushed: offer a button instead of retrying blindly.
      const value = JSON.stringify({ env: env.name, service, sha: data.sha, tag: data.tag, pr: data.pr });
      await reporter.fail(escapeMrkdwn(error.userMessage), { buttons: [{ actionId: RELEASE_RETRY_ACTION, text: 'Retry check', value, style: 'primary' }] });
      throw new UnrecoverableError(error.userMessage);
    }
    throw error;
  }
  if (plan.fromTag === plan.toTag) {
    await reporter.succeed(escapeMrkdwn(`${env.name} already runs ${service} at \`${plan.toTag}\`; there is nothing to approve.`));
    return { approvalId: null, plan };
  }
  const now = deps.clock();
  const policy = settings.approval;
  await deps.approvals.create({
    id,
    env: env.name,
    service,
    requester: data.origin.user,
    required: policy.required,
    allowSelfApproval: policy.allowSelfApproval,
    deadline: now + policy.deadlineHours * 3600_000,
    createdAt: now,
    channel: policy.channel ?? data.origin.channel,
    plan,
    ...(data.force ? { force: true } : {}),
  });
  const card = await deps.publisher.publish((await deps.approvals.get(id))!);
  await deps.approvals.setMessage(id, card.channel, card.ts);
  await deps.audit.append({ type: 'release.requested', who: data.origin.user, env: env.name, service, detail: `${plan.fromTag ?? '—'} → ${plan.toTag}`, jobId: id, at: now });
  await deps.enqueue({ kind: 'release', action: 'expire', origin: data.origin, env: env.name, approvalId: id }, `expire-${id}`, policy.deadlineHours * 3600_000);
  const where = card.channel === data.origin.channel ? 'below' : `in ${channelLink(card.channel)}`;
  await reporter.succeed(
    `${escapeMrkdwn(`Release of ${service} \`${plan.toTag}\` to ${env.name} is ready: ${plan.commits.length + plan.moreCount} commit(s).`)} Approval requested ${where} (${policy.required} needed).`,
  );
  return { approvalId: id, plan };
}

async function expire(deps: ReleaseDeps, id: string) {
  const now = deps.clock();
  if (await deps.approvals.transition(id, ['pending'], 'expired', now)) {
    const state = (await deps.approvals.get(id))!;
    await deps.publisher.refresh(state);
    await deps.audit.append({ type: 'release.expired', who: 'rollbot', env: state.request.env, service: state.request.service, jobId: id, at: now });
  }
  return { approvalId: id };
}
