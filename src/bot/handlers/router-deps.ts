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
import type { RedisRunStateStore } from '../../jobs/redeploy/redis-run-state-store.js';
import { plainMessage, type SlackMessage } from '../render/block-kit.js';
import type { CommandSource } from '../../core/commands/parse.js';
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
  publisher: ApprovalPublisher;
  runs: RedisRunStateStore;
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

export const ephemeral = (text: string): Reply => ({ visibility: 'ephemeral', message: plainMessage(text) });
export const inChannel = (text: string): Reply => ({ visibility: 'in_channel', message: plainMessage(text) });

/** --env, else the channel's /rwenv binding, else the config default. */
export async function environmentFor(deps: RouterDeps, ctx: RequestContext, explicit?: string): Promise<EnvironmentConfig> {
  return selectEnvironment(deps.config, explicit, await deps.bindings.get(ctx.channel));
}

export function originOf(ctx: RequestContext): JobOrigin {
  return { channel: ctx.channel, threadTs: ctx.threadTs, user: ctx.user };
}

export function queuedReply(created: boolean, jobId: string, what: string): Reply {
  return ephemeral(created ? `⏳ Queued ${what} (job \`${jobId}\`).` : `This request is already queued as job \`${jobId}\`.`);
}
