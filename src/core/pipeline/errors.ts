import { RollbotError } from '../errors.js';

/**
 * Errors of the redeploy pipeline. Each `userMessage` says what went wrong and what to do next;
 * the jobs room posts it as is.
 */

/** The pipeline YAML (or object) does not validate; the message names every bad key and its fix. */
export class PipelineDefinitionError extends RollbotError {
  readonly code = 'pipeline_invalid';
}

export class PipelineNotFound extends RollbotError {
  readonly code = 'pipeline_not_found';
  constructor(what: string, known: string[]) {
    super(
      `No redeploy pipeline ${what}. Known pipelines: ${known.length ? known.join(', ') : '(none)'}; add it under 'pipelines' (or map the environment under 'environments') in the pipeline file.`,
    );
  }
}

export class RunNotFound extends RollbotError {
  readonly code = 'redeploy_run_not_found';
  constructor(runId: string) {
    super(`No redeploy run '${runId}' was found. Check the id with \`/redeploy list\`.`);
  }
}

export class RunAlreadyRunning extends RollbotError {
  readonly code = 'redeploy_run_locked';
  override readonly transient = true;
  constructor(runId: string, lockTtlMs: number) {
    const minutes = Math.max(1, Math.ceil(lockTtlMs / 60_000));
    super(
      `Redeploy run '${runId}' is already running, so it was not started again. Wait for it to finish (see \`/redeploy list\`); if the worker running it died, its lock expires within ${minutes} minute${minutes === 1 ? '' : 's'} and you can resume it then.`,
    );
  }
}

/** A resume whose request contradicts the stored run (other versions, other pipeline). */
export class ResumeMismatch extends RollbotError {
  readonly code = 'redeploy_resume_mismatch';
}

export class UnknownFlag extends RollbotError {
  readonly code = 'redeploy_unknown_flag';
  constructor(flag: string, known: string[]) {
    super(`Unknown flag '--${flag}' for this redeploy pipeline. Known flags: ${known.map((k) => `--${k}`).join(', ') || '(none)'}.`);
  }
}

/**
 * One phase failed. Carries what the phase recorded so far (results, output) so the runner can
 * store it; never escapes `runPipeline` (the failure becomes the result).
 */
export class PhaseFailed extends RollbotError {
  readonly code = 'redeploy_phase_failed';
  constructor(
    message: string,
    readonly details: { fields?: Record<string, unknown>; output?: string; log?: string[] } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
