import type { FollowOutcome } from '../../core/cluster/follow-state.js';
import { FOLLOW_STEPS } from '../../core/cluster/follow-state.js';
import type { StepState } from '../../core/progress.js';

/** Text from the cluster goes into mrkdwn: `&`, `<` and `>` must be escaped. */
import { escapeMrkdwn } from '../../core/mrkdwn.js';

export { escapeMrkdwn };

// The Roll back button under a change that did not go live is `/rollback --to <previous tag>`.
export { ROLLBACK_ACTION } from '../guard-actions.js';

export function pendingFollowSteps(reconcile: boolean): StepState[] {
  return FOLLOW_STEPS.map(([id, label]) => ({ id, label, status: id === 'reconcile' && !reconcile ? 'skipped' : 'pending' }));
}

export function escapedSteps(steps: StepState[]): StepState[] {
  return steps.map((s) => (s.detail ? { ...s, detail: escapeMrkdwn(s.detail) } : s));
}

/** "✅ papi ps-42-abc1234 is live in rdebug — 3/3 pods ready, 48 s after the push" */
export function liveLine(service: string, tag: string, env: string, outcome: Extract<FollowOutcome, { ok: true }>, afterPushMs: number): string {
  return `✅ ${service} ${tag} is live in ${env} — ${outcome.ready}/${outcome.desired} pods ready, ${Math.round(afterPushMs / 1000)} s after the push`;
}

export function notLiveLine(service: string, tag: string, env: string, outcome: Extract<FollowOutcome, { ok: false }>): string {
  return `❌ ${service} ${tag} is not live in ${env}: ${escapeMrkdwn(outcome.reason)}`;
}
