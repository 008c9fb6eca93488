import type { LoadedConfig } from '../../core/config/load.js';
import { environmentOf } from '../../core/config/load.js';
import { redeploySettings } from '../../core/config/environment-settings.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { FileRunStateStore, loadPipelineFile, runPipeline, selectPipeline, type Notifier, type RedeployResult, type RunStateStore } from '../../core/pipeline/index.js';
import type { RedeployJobData } from '../job-data.js';
import type { JobProcessor } from '../job-processor.js';
import { codeBlock, escapeMrkdwn } from '../../core/mrkdwn.js';
import { reportFailure } from '../user-errors.js';
import { readEnvFile } from './env-file.js';
import { MirroredRunStateStore } from './mirrored-run-state-store.js';
import type { ClusterPort } from '../../core/cluster/cluster-port.js';

export interface RedeployDeps {
  config: LoadedConfig;
  store: RunStateStore;
  /** Completion notifications for an environment (its notifyChannel / webhook). */
  notifierFor: (env: EnvironmentConfig) => Notifier | undefined;
  /** The worker's variables; only those named in redeploy.passEnv reach the pipeline. */
  variables: Record<string, string | undefined>;
  clock?: () => number;
  /** The environment's cluster, for `flux-ready` phases (environments with `cluster:`). */
  clusterFor?: (env: EnvironmentConfig) => ClusterPort | Promise<ClusterPort>;
}


const MAX_THREAD_OUTPUT = 3500;

/**
 * Runs a redeploy pipeline: phase-by-phase progress in the job's message, each phase's output as a
 * thread reply, and a final summary with the exact resume command when a phase fails. A failed phase
 * is a finished job (not retried): the person resumes it when ready.
 */
export function redeployProcessor(deps: RedeployDeps): JobProcessor<RedeployJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      const settings = redeploySettings(env);
      const definition = selectPipeline(loadPipelineFile(settings.pipelines), { pipeline: settings.pipeline, environment: env.name });
      const passed = Object.fromEntries(settings.passEnv.map((name) => [name, deps.variables[name]]));
      const variables = { ...(await readEnvFile(settings.envFile)), ...passed };
      const store = settings.stateDir ? new MirroredRunStateStore(deps.store, new FileRunStateStore(settings.stateDir)) : deps.store;
      const result = await runPipeline({
        definition,
        versions: data.args.versions,
        flags: data.args.flags,
        runId: data.args.resume ? undefined : data.runId,
        resume: data.args.resume,
        dryRun: data.args.dryRun,
        verifyOnly: data.args.verifyOnly,
        env: variables,
        store,
        reporter,
        notifier: deps.notifierFor(env),
        ...(env.cluster && deps.clusterFor ? { cluster: await deps.clusterFor(env) } : {}),
        clock: deps.clock,
        cwdBase: settings.workdir,
        commandName: data.commandName,
      });
      if (result.status === 'dry_run') reporter.progress({ title: `Dry run of redeploy ${result.run_id}`, steps: [] });
      await postOutputs(result, reporter.reply.bind(reporter));
      if (result.status === 'failed') await reporter.fail(failureText(result));
      else await reporter.succeed(successText(result));
      return result;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}

async function postOutputs(result: RedeployResult, reply: (text: string) => Promise<void>): Promise<void> {
  for (const [phase, output] of Object.entries(result.outputs)) {
    if (!output.trim()) continue;
    // The end of the output is where the error is: keep the last lines that fit one reply.
    await reply(`*${escapeMrkdwn(phase)}* output:\n${codeBlock(output, MAX_THREAD_OUTPUT, { keep: 'tail' })}`);
  }
}

function failureText(result: RedeployResult): string {
  return [escapeMrkdwn(`ERROR in ${result.failed_phase}: ${result.error}`), '', `Resume with: \`${escapeMrkdwn(result.resume_command ?? '')}\``].join('\n');
}

function successText(result: RedeployResult): string {
  if (result.status === 'dry_run') return codeBlock(result.plan ?? '', 2800) + '\nNothing was run and no state was written.';
  const pins = Object.entries(result.pins_applied).map(([k, v]) => `${k}==${v}`).join(', ');
  return escapeMrkdwn([result.summary, pins ? `Pins: ${pins}` : '', `\`/redeploy status ${result.run_id}\` shows the full record.`].filter(Boolean).join('\n'));
}
