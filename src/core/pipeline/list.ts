import type { RunState, RunStateStore } from './state.js';

/** One line per run for `/redeploy list`: id, outcome, versions, start time. */
export function formatRunLine(state: RunState): string {
  const outcome =
    state.status === 'failed'
      ? `failed at ${state.failed_phase ?? '?'}`
      : state.status === 'running'
        ? `running ${Object.entries(state.phases).find(([, r]) => r.status === 'running')?.[0] ?? ''}`.trim()
        : 'succeeded';
  const mode = state.mode === 'verify_only' ? ' (verify only)' : '';
  return `${state.run_id}  ${outcome}${mode}  ${state.versions_str}  started ${state.started_at.replace(/\.\d+Z$/, 'Z')}`;
}

export async function listRecentRuns(store: RunStateStore, limit = 10): Promise<string> {
  const states = await store.listRecent(limit);
  if (!states.length) return 'No redeploy runs yet. Start one with `/redeploy --versions "pkg=1.2.3"`.';
  return states.map(formatRunLine).join('\n');
}
