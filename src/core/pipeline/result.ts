import type { PipelineDefinition } from './definition-schema.js';
import { renderFlags } from './flags.js';
import type { PhaseStatus, RunState } from './state.js';

/**
 * Seed 004's skill result (`skill`, `status`, `run_id`, `phases`, `pins_applied`) plus what a chat
 * front end needs: a one-line summary, the error and exact resume command on failure, the seed-style
 * log, and each phase's output for a thread reply. Everything in it is redacted.
 */
export interface RedeployResult {
  skill: 'redeploy';
  status: 'success' | 'failed' | 'dry_run';
  run_id: string;
  phases: Record<string, PhaseStatus>;
  pins_applied: Record<string, string>;
  failed_phase?: string;
  error?: string;
  resume_command?: string;
  /** One line for the channel; long output is in `outputs`, never here. */
  summary: string;
  log: string[];
  /** Phase name -> output (truncated, redacted) of the phases that ran in this invocation. */
  outputs: Record<string, string>;
  /** The notify phase's text, when it ran. */
  notification?: string;
  /** Dry run: seed 004's `[DRY RUN]` plan. */
  plan?: string;
}

/** The fields seed 004 writes to redeploy.json (plus error and resume command on failure). */
export function skillResultJson(result: RedeployResult): Record<string, unknown> {
  const { skill, status, run_id, phases, pins_applied, error, resume_command } = result;
  return { skill, status, run_id, phases, pins_applied, ...(error ? { error, resume_command } : {}) };
}

/** `Resume with: /redeploy --resume <run_id> --versions "<versions_str>" [other flags]` (seed 004). */
export function resumeCommand(state: Pick<RunState, 'run_id' | 'versions_str' | 'flags' | 'mode'>, commandName = '/redeploy'): string {
  const mode = state.mode === 'verify_only' ? ' --verify-only' : '';
  return `${commandName} --resume ${state.run_id} --versions "${state.versions_str}"${renderFlags(state.flags)}${mode}`;
}

/**
 * What was pinned, as `pkg -> version`. The pin updater reports `{pkg: {from, to, matched}}`;
 * plain `{pkg: "0.8.0"}` is accepted too. Entries with `matched: false` were not applied.
 */
export function pinsAppliedOf(state: RunState): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const record of Object.values(state.phases)) {
    const raw = record.pins_applied;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    for (const [pkg, value] of Object.entries(raw)) {
      if (typeof value === 'string') pins[pkg] = value;
      else if (value && typeof value === 'object') {
        const v = value as { to?: unknown; matched?: unknown };
        if (typeof v.to === 'string' && v.matched !== false) pins[pkg] = v.to;
      }
    }
  }
  return pins;
}

export function phaseStatuses(definition: PipelineDefinition, state: RunState): Record<string, PhaseStatus> {
  return Object.fromEntries(definition.phases.map((p) => [p.name, state.phases[p.name]?.status ?? 'pending']));
}

function firstSentence(text: string, max = 200): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function summaryOf(state: RunState, definition: PipelineDefinition, resume?: string): string {
  const statuses = Object.values(phaseStatuses(definition, state));
  const completed = statuses.filter((s) => s === 'completed').length;
  const skipped = statuses.filter((s) => s.startsWith('skipped_')).length;
  if (state.status === 'failed') {
    return `Redeploy ${state.run_id} failed at ${state.failed_phase}: ${firstSentence(state.error ?? 'unknown error')} Resume with: ${resume}`;
  }
  const what = state.mode === 'verify_only' ? 'Verify-only redeploy' : 'Redeploy';
  return `${what} ${state.run_id} succeeded for ${state.versions_str} (${completed} phase${completed === 1 ? '' : 's'} completed, ${skipped} skipped).`;
}
