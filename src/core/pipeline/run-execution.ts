import { RollbotError, userMessageOf } from '../errors.js';
import { silentReporter, type Clock, type Reporter } from '../progress.js';
import { PhaseFailed } from './errors.js';
import { DEFAULT_OUTPUT_LIMIT, truncateOutput } from './output.js';
import { progressSnapshot } from './phase-progress.js';
import { makeTemplates, type PhaseContext } from './phases/context.js';
import { executePhase } from './phases/index.js';
import type { Redactor } from './redaction.js';
import type { ResolvedRequest } from './request.js';
import { phaseStatuses, pinsAppliedOf, resumeCommand, summaryOf, type RedeployResult } from './result.js';
import type { RunPipelineOptions } from './runner.js';
import { decideSkip, type SkipDecision } from './skip.js';
import type { PhaseRecord, RunState } from './state.js';
import { versionsRecord } from './versions.js';

/** One invocation of a run: walks the phases, records every transition, builds the result. */
export class RunExecution {
  private readonly state: RunState;
  private readonly log: string[] = [];
  private readonly ranNow = new Set<string>();
  private readonly reporter: Reporter;
  private readonly outputLimit: number;
  private notification?: string;

  constructor(
    private readonly options: RunPipelineOptions,
    private readonly request: ResolvedRequest,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly redactor: Redactor,
    private readonly clock: Clock,
  ) {
    this.reporter = options.reporter ?? silentReporter;
    this.outputLimit = options.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
    this.state = request.existing ? this.reopen(request.existing) : this.fresh();
  }

  private iso(ms: number = this.clock()): string {
    return new Date(ms).toISOString();
  }

  private fresh(): RunState {
    const { runId, pins, versionsText, flags, ticket, verifyOnly } = this.request;
    const now = this.iso();
    return {
      schema: 1,
      run_id: runId,
      pipeline: this.options.definition.name,
      mode: verifyOnly ? 'verify_only' : 'full',
      status: 'running',
      worktree_ticket: ticket,
      worktree_path: null,
      versions_requested: versionsRecord(pins),
      versions_str: versionsText,
      flags: { ...flags },
      started_at: now,
      updated_at: now,
      phases: Object.fromEntries(this.options.definition.phases.map((p) => [p.name, { status: 'pending' as const }])),
    };
  }

  private reopen(existing: RunState): RunState {
    const state: RunState = { ...existing, status: 'running', flags: { ...this.request.flags }, worktree_ticket: this.request.ticket };
    if (this.request.verifyOnly) state.mode = 'verify_only';
    delete state.error;
    delete state.failed_phase;
    delete state.finished_at;
    const completed: string[] = [];
    for (const phase of this.options.definition.phases) {
      const record = state.phases[phase.name];
      if (!record) state.phases[phase.name] = { status: 'pending' };
      else if (record.status === 'completed') completed.push(phase.name);
      else {
        if (record.status === 'running') {
          // Its lock is gone, so whoever ran it died mid-phase: run it again, like a failure.
          this.log.push(`${phase.name} was left running by an interrupted run; running it again.`);
        }
        // Failed, interrupted and skipped phases are decided again (the seed re-executes them).
        state.phases[phase.name] = { status: 'pending', ...(record.attempts ? { attempts: record.attempts } : {}) };
      }
    }
    this.log.unshift(`Resuming ${state.run_id}: skipping completed phases [${completed.join(', ')}]`);
    return state;
  }

  private async save(): Promise<void> {
    this.state.updated_at = this.iso();
    await this.options.store.put(this.redactor.redactValue(this.state));
    try {
      this.reporter.progress(this.redactor.redactValue(progressSnapshot(this.options.definition, this.state)));
    } catch {
      // A display that fails must not fail (or stop halfway through) a deploy.
    }
  }

  private context(): PhaseContext {
    const { request, state, options } = this;
    return {
      runId: request.runId,
      ticket: request.ticket,
      pins: request.pins,
      versionsText: request.versionsText,
      env: this.env,
      flags: request.flags,
      cwdBase: options.cwdBase,
      templates: makeTemplates(
        () => ({ ...request, env: this.env, worktreePath: state.worktree_path, cwdBase: options.cwdBase }),
        'strict',
      ),
      phaseStatuses: () => options.definition.phases.map((p) => [p.name, state.phases[p.name]?.status ?? 'pending']),
      notifier: options.notifier,
      cluster: options.cluster,
      redact: (text) => this.redactor.redact(text),
    };
  }

  async run(): Promise<RedeployResult> {
    await this.save();
    for (const phase of this.options.definition.phases) {
      const previous = this.state.phases[phase.name] ?? { status: 'pending' };
      if (previous.status === 'completed') continue;
      const ctx = this.context();
      let skip: SkipDecision | undefined;
      try {
        skip = decideSkip(phase, { verifyOnly: this.request.verifyOnly, flags: this.request.flags, env: this.env, resolvePath: (t) => ctx.templates.path(t) });
      } catch (error) {
        // A condition that cannot be evaluated (e.g. a path using an unset variable) fails the phase.
        return this.fail(phase.name, error, { ts: this.iso(), attempts: previous.attempts });
      }
      if (skip) {
        this.state.phases[phase.name] = { status: skip.status, ts: this.iso(), detail: skip.detail };
        this.log.push(`${phase.name}: ${skip.status} (${skip.detail})`);
        await this.save();
        continue;
      }
      const startedMs = this.clock();
      const running: PhaseRecord = { status: 'running', ts: this.iso(startedMs), startedAt: this.iso(startedMs), attempts: (previous.attempts ?? 0) + 1 };
      this.state.phases[phase.name] = running;
      this.ranNow.add(phase.name);
      await this.save();
      const finish = () => {
        const finishedMs = this.clock();
        const finishedAt = this.iso(finishedMs);
        return { ts: finishedAt, startedAt: running.startedAt, finishedAt, durationMs: finishedMs - startedMs, attempts: running.attempts };
      };
      try {
        const outcome = await executePhase(phase, ctx);
        if (outcome.worktreePath) this.state.worktree_path = outcome.worktreePath;
        if (phase.type === 'notify' && typeof outcome.fields?.message === 'string') this.notification = outcome.fields.message;
        this.state.phases[phase.name] = {
          status: 'completed',
          ...finish(),
          ...(outcome.detail ? { detail: this.redactor.redact(outcome.detail) } : {}),
          ...(outcome.output ? { output: this.keep(outcome.output) } : {}),
          ...this.redactor.redactValue(outcome.fields ?? {}),
        };
        this.log.push(...(outcome.log ?? []).map((l) => this.redactor.redact(l)));
        await this.save();
      } catch (error) {
        return this.fail(phase.name, error, finish());
      }
    }
    this.state.status = 'success';
    this.state.finished_at = this.iso();
    await this.save();
    return this.result();
  }

  private async fail(name: string, error: unknown, timing: Partial<PhaseRecord>): Promise<RedeployResult> {
    const message = this.redactor.redact(error instanceof RollbotError ? error.userMessage : userMessageOf(error));
    const details = error instanceof PhaseFailed ? error.details : {};
    this.state.phases[name] = {
      status: 'failed',
      ...timing,
      ...this.redactor.redactValue(details.fields ?? {}),
      error: message,
      ...(details.output ? { output: this.keep(details.output) } : {}),
    };
    this.state.status = 'failed';
    this.state.failed_phase = name;
    this.state.error = message;
    this.state.finished_at = this.iso();
    this.log.push(...(details.log ?? []).map((l) => this.redactor.redact(l)));
    this.log.push(`ERROR in ${name}: ${message}`, `Resume with: ${this.resumeCommand()}`);
    await this.save();
    return this.result();
  }

  private keep(output: string): string {
    return truncateOutput(this.redactor.redact(output), this.outputLimit);
  }

  private resumeCommand(): string {
    return resumeCommand(this.state, this.options.commandName);
  }

  private result(): RedeployResult {
    const { state } = this;
    const failed = state.status === 'failed';
    const resume = failed ? this.resumeCommand() : undefined;
    const outputs: Record<string, string> = {};
    for (const name of this.ranNow) {
      const output = state.phases[name]?.output;
      if (output) outputs[name] = output;
    }
    return this.redactor.redactValue({
      skill: 'redeploy' as const,
      status: failed ? ('failed' as const) : ('success' as const),
      run_id: state.run_id,
      phases: phaseStatuses(this.options.definition, state),
      pins_applied: pinsAppliedOf(state),
      ...(failed ? { failed_phase: state.failed_phase, error: state.error, resume_command: resume } : {}),
      summary: summaryOf(state, this.options.definition, resume),
      log: [...this.log],
      outputs,
      ...(this.notification !== undefined ? { notification: this.notification } : {}),
    });
  }
}
