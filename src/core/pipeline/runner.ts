import type { Clock, Reporter } from '../progress.js';
import type { PipelineDefinition } from './definition-schema.js';
import { planDryRun } from './dry-run.js';
import { RunAlreadyRunning } from './errors.js';
import type { RedeployFlags } from './flags.js';
import type { Notifier } from './notifier.js';
import type { ClusterPort } from '../cluster/cluster-port.js';
import { redactorFor } from './redaction.js';
import { resolveRequest } from './request.js';
import type { RedeployResult } from './result.js';
import { RunExecution } from './run-execution.js';
import type { RunStateStore } from './state.js';

export interface RunPipelineOptions {
  definition: PipelineDefinition;
  /** The raw `--versions` text; required for a new run, optional on resume (must match if given). */
  versions?: string;
  /** Pipeline flags without dashes: `{ 'skip-sync': true, 'worktree-ticket': 'OPS-1' }`. */
  flags?: RedeployFlags;
  /** A pre-assigned id (e.g. from the job); if its state exists, the run is continued. */
  runId?: string;
  /** `--resume <run_id>`. */
  resume?: string;
  dryRun?: boolean;
  verifyOnly?: boolean;
  /** The variables commands and checks see; pass a curated record, not process.env wholesale. */
  env: Readonly<Record<string, string | undefined>>;
  store: RunStateStore;
  reporter?: Reporter;
  notifier?: Notifier;
  /** The environment's cluster (its `cluster:` settings), for `flux-ready` phases. */
  cluster?: ClusterPort;
  /** Timestamps and new run ids; waiting (timeouts, health deadlines) uses real time. */
  clock?: Clock;
  /** Relative paths in the pipeline (cwd, repos, worktree) resolve against this. */
  cwdBase: string;
  /** How the resume hint starts, e.g. `/redeploy staging`. */
  commandName?: string;
  /** Overrides the pipeline's lockTtlSeconds. */
  lockTtlMs?: number;
  /** Characters of output kept per phase. */
  outputLimit?: number;
}

/**
 * Runs (or resumes, or dry-runs) one redeploy. Request problems (bad --versions, unknown run id,
 * unknown flag, run already running) throw RollbotErrors before anything runs; a phase failure is
 * not thrown but returned as a `failed` result with the error and the resume command.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RedeployResult> {
  const clock = options.clock ?? Date.now;
  const { definition, store } = options;
  const env: Record<string, string | undefined> = { ...definition.envDefaults };
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined && v !== '') env[k] = v;
  const redactor = redactorFor(definition, env);
  const requestInput = { definition, versions: options.versions, flags: options.flags, runId: options.runId, resume: options.resume, verifyOnly: options.verifyOnly, store, clock };
  const request = await resolveRequest(requestInput);

  if (options.dryRun) {
    const plan = planDryRun(definition, request, env, options.cwdBase);
    const text = redactor.redact(plan.text);
    return {
      skill: 'redeploy',
      status: 'dry_run',
      run_id: request.runId,
      phases: plan.phases,
      pins_applied: {},
      summary: `Dry run of ${request.runId} for ${request.versionsText}: ${Object.values(plan.phases).filter((s) => s === 'pending').length} phases would run; nothing was executed.`,
      log: text.split('\n'),
      outputs: {},
      plan: text,
    };
  }

  const ttl = options.lockTtlMs ?? definition.lockTtlSeconds * 1000;
  const token = await store.tryAcquireRunLock(request.runId, ttl);
  if (!token) throw new RunAlreadyRunning(request.runId, ttl);
  // Renewed while alive; if this worker dies, the lock expires and the run can be resumed.
  const heartbeat = setInterval(() => void store.renewRunLock(request.runId, token, ttl).catch(() => undefined), Math.max(1000, Math.floor(ttl / 3)));
  heartbeat.unref();
  try {
    // Re-read under the lock: whoever held it before may have moved the run on.
    const fresh = options.resume !== undefined || options.runId !== undefined ? await resolveRequest(requestInput) : request;
    return await new RunExecution(options, fresh, env, redactor, clock).run();
  } finally {
    clearInterval(heartbeat);
    await store.releaseRunLock(request.runId, token).catch(() => undefined);
  }
}
