import type { ProgressSnapshot, StepStatus } from '../progress.js';
import type { PipelineDefinition } from './definition-schema.js';
import { isSkipped, type PhaseStatus, type RunState } from './state.js';

export function stepStatusOf(status: PhaseStatus): StepStatus {
  if (status === 'completed') return 'done';
  if (status === 'running' || status === 'failed' || status === 'pending') return status;
  return isSkipped(status) ? 'skipped' : 'pending';
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** One step per phase, in pipeline order; details are already redacted in the state. */
export function progressSnapshot(definition: PipelineDefinition, state: RunState): ProgressSnapshot {
  const mode = state.mode === 'verify_only' ? ' (verify only)' : '';
  return {
    title: `Redeploy ${state.run_id}${mode}: ${state.versions_str}`,
    steps: definition.phases.map((phase) => {
      const record = state.phases[phase.name] ?? { status: 'pending' as const };
      const detail = record.status === 'failed' ? record.error : (record.detail ?? (isSkipped(record.status) ? record.status : undefined));
      return {
        id: phase.name,
        label: phase.label ?? phase.name,
        status: stepStatusOf(record.status),
        ...(detail !== undefined ? { detail } : {}),
        ...(record.startedAt !== undefined ? { startedAt: ms(record.startedAt) } : {}),
        ...(record.finishedAt !== undefined ? { finishedAt: ms(record.finishedAt) } : {}),
      };
    }),
  };
}
