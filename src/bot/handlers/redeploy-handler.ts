import type { RedeployCommand } from '../../core/commands/command.js';
import { InvalidInput } from '../../core/errors.js';
// Not the pipeline's index: it brings the runner and its process code, which the bot never runs.
import { RunNotFound } from '../../core/pipeline/errors.js';
import { listRecentRuns } from '../../core/pipeline/list.js';
import { resumeCommand } from '../../core/pipeline/result.js';
import { newRunId } from '../../core/pipeline/run-id.js';
import type { PhaseStatus } from '../../core/pipeline/state.js';
import { redeploySettings } from '../../core/config/environment-settings.js';
import { codeBlock, escapeMrkdwn } from '../../core/mrkdwn.js';
import { MAX_SECTION_TEXT } from '../render/block-kit.js';
import { environmentFor, ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps, assertMay } from './router-deps.js';

const EMOJI = (status: PhaseStatus) =>
  status === 'completed' ? '✅' : status === 'failed' ? '❌' : status === 'running' ? '⏳' : status.startsWith('skipped') ? '⏭️' : '⚪';

/** `/redeploy`: list and status answer from Redis; a run (or resume) is a queued job. */
export async function handleRedeploy(deps: RouterDeps, command: RedeployCommand, ctx: RequestContext): Promise<Reply> {
  switch (command.action) {
    case 'list':
      return ephemeral('*Recent redeploys*\n' + codeBlock(await listRecentRuns(deps.runs, 10), MAX_SECTION_TEXT - 30));
    case 'status': {
      const state = await deps.runs.get(command.runId);
      if (!state) throw new RunNotFound(command.runId);
      const phases = Object.entries(state.phases).map(
        ([name, p]) => `${EMOJI(p.status)} *${escapeMrkdwn(name)}* ${p.status}${p.durationMs !== undefined ? ` _(${Math.round(p.durationMs / 100) / 10} s)_` : ''}${p.error ? ` — ${escapeMrkdwn(p.error)}` : ''}`,
      );
      const pins = Object.values(state.phases).find((p) => p.pins_applied)?.pins_applied;
      const result = { skill: 'redeploy', status: state.status === 'running' ? 'running' : state.status, run_id: state.run_id, phases: Object.fromEntries(Object.entries(state.phases).map(([k, v]) => [k, v.status])), pins_applied: pins ?? {} };
      const lines = [escapeMrkdwn(`*${state.run_id}* (${state.status}) · ${state.versions_str} · started ${state.started_at}`), ...phases];
      if (state.status === 'failed') lines.push(`Resume with: \`${escapeMrkdwn(resumeCommand(state))}\``);
      lines.push(codeBlock(JSON.stringify(result, null, 2), 1500));
      return ephemeral(lines.join('\n'));
    }
    case 'run': {
      const env = await environmentFor(deps, ctx, command.env);
      redeploySettings(env);
      const { args } = command;
      // Dry runs and verify-only runs change nothing: only the channel rule applies to them.
      await assertMay(deps, env, args.dryRun || args.verifyOnly ? 'use' : 'rollout', ctx, 'redeploy');
      if (args.resume) {
        const state = await deps.runs.get(args.resume);
        if (!state) throw new RunNotFound(args.resume);
        if (await deps.runs.isRunning(args.resume)) {
          throw new InvalidInput(`Run ${args.resume} is already running, so it was not resumed again. Follow it with \`/redeploy status ${args.resume}\`.`);
        }
      }
      const runId = args.resume ?? newRunId(deps.clock);
      const commandName = command.env ? `/redeploy --env ${env.name}` : '/redeploy';
      const { jobId, created } = await deps.enqueuer.enqueue({ kind: 'redeploy', origin: originOf(ctx), env: env.name, runId, args, commandName }, ctx.idempotencyKey);
      const what = args.dryRun ? 'dry run of redeploy' : args.resume ? `resume of ${runId}` : args.verifyOnly ? `verify-only redeploy ${runId}` : `redeploy ${runId}`;
      return queuedReply(created, jobId, `${what} in \`${env.name}\``);
    }
  }
}
