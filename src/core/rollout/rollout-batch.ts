import { AmbiguousImageSite, ImageTagNotEditable, PushFailed, ServiceNotFound } from '../errors.js';
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
 * request (its own subject and trailers, so history and rollbacks stay per service), each on top
 * of the one before, and one push of the last. A rejected push re-applies the still-pending requests on the new head, up to the engine's push
 * attempts. A request that fails (not found, ambiguous, no such PR) is settled alone and the others
 * go on; `settle` is called once per item, as soon as that item's outcome is known.
 *
 * A dry run or a PR-branch rollout (it does not push to the environment's branch) is a batch of one.
 * `more`, called once the first head is known (after the first fetch), adds rollouts that arrived meanwhile (their indexes
 * follow the given ones), so the fetch's time gathers them into this push rather than the next.
 */
export async function applyBatch(
  engine: RolloutEngine,
  items: PreparedRollout[],
  settle: (index: number, outcome: BatchItemOutcome) => void,
  options: { more?: () => Promise<PreparedRollout[]> } = {},
): Promise<BatchReport> {
  items = [...items];
  let gathered = !options.more;
  const report: BatchReport = { pushes: 0, rejected: 0, landed: 0 };
  if (items.length === 0) return report;
  const env = items[0]!.env;
  // A dry run or a PR branch goes alone; a batch is rollouts of one environment to its own branch.
  const alone = (item: PreparedRollout) => item.request.dryRun || item.request.branch;
  if (items.length > 1 && items.some((item) => item.env.name !== env.name || alone(item))) {
    throw new Error('internal: a batch holds non-dry-run rollouts of one environment to its own branch');
  }
  const workspace = engine.workspace(env);
  const fail = (indexes: number[], error: unknown) => indexes.forEach((i) => settle(i, { ok: false, error }));
  let pending = items.map((_, i) => i);

  try {
    await workspace.exclusive(async () => {
      // A lone rollout builds on a head seen moments ago without a fetch (see RolloutEngine.recentHead).
      // A batch fetches: one fetch is little beside its commits, and re-applying them all after a
      // refused push (another worker pushed since this one saw the head) is not.
      let recent = items.length === 1 && !items[0]!.request.dryRun ? engine.recentHead(workspace) : undefined;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const optimistic = recent !== undefined;
        let head: string;
        try {
          head = recent ?? (await workspace.sync());
        } catch (error) {
          fail(pending, error);
          pending = [];
          return;
        }
        recent = undefined;
        if (!gathered) {
          gathered = true;
          for (const extra of await options.more!()) {
            if (extra.env.name !== env.name || alone(extra) || alone(items[0]!)) throw new Error('internal: a batch holds non-dry-run rollouts of one environment to its own branch');
            pending.push(items.push(extra) - 1);
          }
        }
        const committed: Array<{ index: number; applied: CommittedRollout }> = [];
        // Settled only on a fetched head: nothing to push, or the repo's content said no.
        const recheck: number[] = [];
        for (const index of pending) {
          try {
            const applied = await engine.apply(workspace, items[index]!, async () => head);
            if (applied.kind === 'committed') {
              committed.push({ index, applied });
              head = applied.commit;
            } else if (optimistic) recheck.push(index);
            else settle(index, { ok: true, result: applied.result });
          } catch (error) {
            if (optimistic && readFromRepo(error)) recheck.push(index);
            else settle(index, { ok: false, error });
          }
        }
        if (committed.length === 0) {
          pending = recheck;
          attempt--;
          continue;
        }

        report.pushes++;
        let ok: boolean;
        try {
          ok = (await engine.push(workspace, committed.map((c) => items[c.index]!), head, attempt)).ok;
        } catch (error) {
          fail([...committed.map((c) => c.index), ...recheck], error);
          pending = [];
          return;
        }
        if (ok) {
          report.landed += committed.length;
          for (const { index, applied } of committed) settle(index, { ok: true, result: engine.pushedResult(applied, attempt) });
          pending = recheck;
          attempt = 0;
          continue;
        }
        report.rejected++;
        pending = [...committed.map((c) => c.index), ...recheck].sort((a, b) => a - b);
        if (optimistic) continue; // the remote moved since we saw it: fetch, no backoff
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
    fail(pending, error);
  }
  return report;
}

/** Failures the Flux repo's content decided (a missing or ambiguous service): a newer head may decide otherwise. */
function readFromRepo(error: unknown): boolean {
  return error instanceof ServiceNotFound || error instanceof AmbiguousImageSite || error instanceof ImageTagNotEditable;
}
