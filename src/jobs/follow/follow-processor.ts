import type { ClusterPort } from '../../core/cluster/cluster-port.js';
import { followRollout, type FollowResult } from '../../core/cluster/rollout-follower.js';
import type { LoadedConfig } from '../../core/config/load.js';
import { environmentOf } from '../../core/config/load.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { InvalidInput } from '../../core/errors.js';
import type { Clock } from '../../core/progress.js';
import type { JobProcessor } from '../job-processor.js';
import type { ResultButton } from '../job-reporter.js';
import { reportFailure } from '../user-errors.js';
import { UnrecoverableError } from 'bullmq';
import { isRollbotError } from '../../core/errors.js';
import type { FollowJobData } from './follow-job-data.js';
import { rollbackButtonValue } from '../guard-actions.js';
import { escapedSteps, liveLine, notLiveLine, pendingFollowSteps, ROLLBACK_ACTION } from './follow-messages.js';

export interface FollowProcessorDeps {
  config: LoadedConfig;
  /** May load the Kubernetes client first (the worker loads it at the first job that needs it). */
  clusterFor: (env: EnvironmentConfig) => ClusterPort | Promise<ClusterPort>;
  /** Is `commit` in `sha`'s history (the Flux repo of the environment)? */
  contains: (env: EnvironmentConfig, commit: string, sha: string) => Promise<boolean>;
  clock?: Clock;
  /** Told about each finished follow (metrics, the bench). */
  onFinished?: (data: FollowJobData, result: FollowResult) => void;
  /** A release's approval card gets the outcome line (live, or why not). */
  showOnApproval?: (approvalId: string, live: { state: 'live' | 'failed'; text: string }) => Promise<void>;
}

export function rollbackButton(data: Pick<FollowJobData, 'env' | 'service' | 'previousTag'>): ResultButton[] {
  if (!data.previousTag) return [];
  return [{ actionId: ROLLBACK_ACTION, text: `Roll back to ${data.previousTag}`.slice(0, 75), value: rollbackButtonValue(data.env, data.service, data.previousTag), style: 'danger' }];
}

/** Follows a pushed commit until it is live or failed, updating the rollout's own message. */
export function followProcessor(deps: FollowProcessorDeps): JobProcessor<FollowJobData> {
  const clock = deps.clock ?? Date.now;
  return async (data, attempt, reporter) => {
    // The message as the rollout left it, so any outcome below keeps its steps.
    reporter.progress({ title: data.title, steps: [...data.steps, ...pendingFollowSteps(deps.config.environments[data.env]?.cluster?.reconcile ?? true)] });
    try {
      const env = environmentOf(deps.config, data.env);
      if (!env.cluster) throw new InvalidInput(`Environment '${env.name}' has no \`cluster:\` settings any more, so rollbot cannot follow ${data.service} into it.`);
      const result = await followRollout(
        {
          service: data.service,
          environment: env.name,
          commit: data.commit,
          tag: data.tag,
          kustomization: data.kustomization,
          helmRelease: data.helmRelease,
          workload: data.workload,
          reconcile: env.cluster.reconcile,
          timeoutMs: env.cluster.timeoutMinutes * 60_000,
          pushedAt: data.pushedAt,
        },
        { cluster: await deps.clusterFor(env), contains: (commit, sha) => deps.contains(env, commit, sha), clock },
        (steps) => reporter.progress({ title: data.title, steps: [...data.steps, ...escapedSteps(steps)] }),
      );
      reporter.progress({ title: data.title, steps: [...data.steps, ...escapedSteps(result.steps)] });
      deps.onFinished?.(data, result);
      const mention = `<@${data.origin.user}>`;
      if (result.outcome.ok) {
        const line = liveLine(data.service, data.tag, env.name, result.outcome, result.afterPushMs);
        if (data.approvalId) await deps.showOnApproval?.(data.approvalId, { state: 'live', text: line });
        await reporter.succeed(`${line}\n\n${data.summary}`);
        await reporter.reply(`${mention} ${line}`);
      } else {
        const line = notLiveLine(data.service, data.tag, env.name, result.outcome);
        const buttons = data.rollback ? rollbackButton(data) : [];
        const hint = data.previousTag && !data.rollback ? `\nTo go back, release ${data.previousTag} again with \`/release\`.` : '';
        if (data.approvalId) await deps.showOnApproval?.(data.approvalId, { state: 'failed', text: line });
        await reporter.fail(`${line}${hint}\n\n${data.summary}`, { buttons });
        await reporter.reply(`${mention} ${line}`);
      }
      return { outcome: result.outcome, afterPushMs: result.afterPushMs, watchRequests: result.watchRequests };
    } catch (error) {
      // The push itself succeeded: say so, and why following did not work (a missing kubeconfig…).
      if (isRollbotError(error) && !error.transient) {
        const text = `Pushed ${data.service} ${data.tag}, but rollbot could not follow it into the cluster: ${error.userMessage}`;
        await reporter.fail(`❌ ${text}\n\n${data.summary}`);
        throw new UnrecoverableError(text);
      }
      return reportFailure(error, attempt, reporter);
    }
  };
}
