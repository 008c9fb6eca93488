import { PushFailed } from '../errors.js';
import type { CommittedRollout, PreparedRollout, RolloutEngine, RolloutResult } from './rollout-engine.js';

export type BatchItemOutcome = { ok: true; result: RolloutResult } | { ok: false; error: unknown };

export interface BatchReport {
  /** Push attempts made (0 when nothing needed pushing). */
  pushes: number;
  /** Pushes the remote refused because someone pushed first; each one re-applied the batch. */
  rejected: number;
  /** Commits in the push that landed. */
  landed: number;
}

/**
 * Applies several rollouts of one environment on one clone and pushes them together: one commit per
 * request (its own subject and trailers, so history and rollbacks stay per service), all written by
 * one fast-import (FluxWorkspace.startCommits), and one push. A
 * rejected push re-applies the still-pending requests on the new head, up to the engine's push
 * attempts. A request that fails (not found, ambiguous, no such PR) is settled alone and the others
 * go on; `settle` is called once per item, as soon as that item's outcome is known.
 *
 * Dry runs and PR-branch rollouts are not batched (they do not push to the environment's branch).
 * `more`, called once after the first fetch, adds rollouts that arrived meanwhile (their indexes
 * follow the given ones), so the fetch's time gathers them into this push rather than the next.
 */
export async function applyBatch(
  engine: RolloutEngine,
  items: PreparedRollout[],
  settle: (index: number, outcome: BatchItemOutcome) => void,
  options: { more?: () => Promise<PreparedRollout[]> } = {},
): Promise<BatchReport> {
  items = [...items];
  const report: BatchReport = { pushes: 0, rejected: 0, landed: 0 };
  if (items.length === 0) return report;
  const env = items[0]!.env;
  for (const item of items) {
    if (item.env.name !== env.name || item.request.dryRun || item.request.branch) {
      throw new Error('internal: a batch holds non-dry-run rollouts of one environment to its own branch');
    }
  }
  const workspace = engine.workspace(env);
  const fail = (indexes: number[], error: unknown) => indexes.forEach((i) => settle(i, { ok: false, error }));
  let pending = items.map((_, i) => i);

  try {
    await workspace.exclusive(async () => {
      for (let attempt = 1; pending.length > 0; attempt++) {
        let head: string;
        try {
          head = await workspace.sync();
        } catch (error) {
          fail(pending, error);
          pending = [];
          return;
        }
        if (attempt === 1 && options.more) {
          for (const extra of await options.more()) {
            if (extra.env.name !== env.name || extra.request.dryRun || extra.request.branch) throw new Error('internal: a batch holds non-dry-run rollouts of one environment to its own branch');
            pending.push(items.push(extra) - 1);
          }
        }
        const committed: Array<{ index: number; applied: CommittedRollout }> = [];
        let anyFailed = false;
        workspace.startCommits();
        for (const index of pending) {
          try {
            const applied = await engine.apply(workspace, items[index]!, async () => head);
            if (applied.kind === 'finished') {
              settle(index, { ok: true, result: applied.result });
            } else {
              committed.push({ index, applied });
              head = applied.commit;
            }
          } catch (error) {
            anyFailed = true;
            settle(index, { ok: false, error });
          }
        }
        pending = committed.map((c) => c.index);
        if (committed.length === 0) {
          workspace.abortCommits();
          if (anyFailed) workspace.markDirty();
          return;
        }
        try {
          await workspace.finishCommits();
        } catch (error) {
          workspace.abortCommits();
          workspace.markDirty();
          fail(pending, error);
          pending = [];
          return;
        }
        // A failed request may have left its edit in the tree (not in any commit): the next sync drops it.
        if (anyFailed) workspace.markDirty();

        report.pushes++;
        let ok: boolean;
        try {
          ok = (await engine.push(workspace, pending.map((i) => items[i]!), attempt)).ok;
        } catch (error) {
          fail(pending, error);
          pending = [];
          return;
        }
        if (ok) {
          report.landed = committed.length;
          for (const { index, applied } of committed) settle(index, { ok: true, result: engine.pushedResult(applied, attempt) });
          pending = [];
          return;
        }
        report.rejected++;
        if (attempt >= engine.pushAttempts) {
          fail(pending, new PushFailed());
          pending = [];
          return;
        }
        await engine.backoff(attempt);
      }
    });
  } catch (error) {
    // The clone could not be taken (lock file): every request still waiting gets the error.
    workspace.abortCommits();
    workspace.markDirty();
    fail(pending, error);
  }
  return report;
}
