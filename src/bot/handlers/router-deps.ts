import type { CatalogStore } from '../../core/catalog/catalog-store.js';
import type { LoadedConfig } from '../../core/config/load.js';
import { selectEnvironment } from '../../core/config/select-environment.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import type { ChannelBindings } from '../../jobs/channel-bindings.js';
import type { JobOrigin } from '../../jobs/job-data.js';
import type { JobEnqueuer } from '../../jobs/job-enqueuer.js';
import type { AuditLog } from '../../jobs/release/audit-log.js';
import type { DeployLocks } from '../../jobs/release/deploy-locks.js';
import type { ApprovalPublisher } from '../../jobs/release/approval-publisher.js';
import type { ApprovalStore } from '../../jobs/release/approval-store.js';
import type { ApproverDirectory } from '../approver-directory.js';
import type { EnvironmentAccess } from '../../core/permissions/environment-access.js';
import type { RedisRunStateStore } from '../../jobs/redeploy/redis-run-state-store.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { plainMessage, type SlackMessage } from '../render/block-kit.js';
import type { CommandSource } from '../../core/commands/parse.js';
import type { PullRequestLookup } from './rollout-pull-request.js';
import type { FreezeGuard } from '../../jobs/guard/freeze-guard.js';
import type { FreezeStore } from '../../jobs/guard/freeze-store.js';

export interface RouterDeps {
  config: LoadedConfig;
  enqueuer: JobEnqueuer;
  bindings: ChannelBindings;
  catalogs: CatalogStore;
  locks: DeployLocks;
  audit: AuditLog;
  approvals: ApprovalStore;
  approvers: ApproverDirectory;
  /** rolloutBy, releaseBy and channels of each environment. */
  access: EnvironmentAccess;
  publisher: ApprovalPublisher;
  runs: RedisRunStateStore;
  /** The code host's pull requests for `/rollout <service>`; absent without `github` in the config. */
  pulls?: PullRequestLookup;
  /** Freezes: configured windows plus `/freeze` (kept here). */
  freezes: FreezeGuard;
  freezeStore: FreezeStore;
  /** Injectable for deadlines and lock timestamps (tests move time forward). */
  clock: () => number;
}

export interface RequestContext {
  source: CommandSource;
  channel: string;
  user: string;
  threadTs?: string;
  /** Same for every delivery of one Slack request (trigger_id, event_id, action_ts). */
  idempotencyKey: string;
}

export interface Reply {
  /** ephemeral: only the caller sees it (help, errors); in_channel: everyone does. */
  visibility: 'ephemeral' | 'in_channel';
  message: SlackMessage;
}

/** Replies of one section. `mrkdwn` must have its data escaped (escapeMrkdwn); mentions are deliberate. */
export const ephemeral = (mrkdwn: string): Reply => ({ visibility: 'ephemeral', message: plainMessage(mrkdwn) });
export const inChannel = (mrkdwn: string): Reply => ({ visibility: 'in_channel', message: plainMessage(mrkdwn) });

/** `name` in a code span, escaped: how handlers show a service, an environment or a job id. */
export const code = (name: string): string => `\`${escapeMrkdwn(name)}\``;

/** --env, else the channel's /rwenv binding, else the config default. */
export async function environmentFor(deps: RouterDeps, ctx: RequestContext, explicit?: string): Promise<EnvironmentConfig> {
  return selectEnvironment(deps.config, explicit, await deps.bindings.get(ctx.channel));
}

/** Refuses (with a sentence saying who may, or from where) unless ctx may do this to env. */
export function assertMay(deps: RouterDeps, env: EnvironmentConfig, action: 'rollout' | 'release' | 'deploy' | 'use', ctx: RequestContext, doing?: string): Promise<void> {
  return deps.access.assertMay(env, action, { user: ctx.user, channel: ctx.channel }, doing);
}

export function originOf(ctx: RequestContext): JobOrigin {
  return { channel: ctx.channel, threadTs: ctx.threadTs, user: ctx.user };
}

/** `what` is a plain description (backticks allowed); it is escaped here. */
export function queuedReply(created: boolean, jobId: string, what: string): Reply {
  return ephemeral(created ? `⏳ Queued ${escapeMrkdwn(what)} (job ${code(jobId)}).` : `This request is already queued as job ${code(jobId)}.`);
}
