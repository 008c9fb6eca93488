/**
 * One record per run (seed 004's state file), written after every phase transition so a run can
 * be resumed after any failure or crash. Field names follow the seed (snake_case) so a state file
 * reads the same as the seed's.
 */

export type PhaseStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped_by_flag' | `skipped_${string}`;

export interface PhaseRecord {
  status: PhaseStatus;
  /** Time of the last transition (ISO). */
  ts?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** How many times the phase was started (resumes and crash recovery add one each). */
  attempts?: number;
  /** One short line for progress displays ("skipped by --skip-sync", "reused worktree"). */
  detail?: string;
  error?: string;
  /** Combined stdout/stderr, truncated and redacted, for a thread reply. */
  output?: string;
  missing?: string[];
  pins_applied?: Record<string, unknown>;
  json?: unknown;
  failed_health?: string[];
  failed_versions?: string[];
  /** worktree phase: where it is and whether it already existed. */
  path?: string;
  reused?: boolean;
  /** notify phase: the text that was sent. */
  message?: string;
}

export type RunStatus = 'running' | 'success' | 'failed';

export interface RunState {
  schema: 1;
  run_id: string;
  pipeline: string;
  mode: 'full' | 'verify_only';
  status: RunStatus;
  worktree_ticket: string;
  worktree_path: string | null;
  versions_requested: Record<string, string>;
  /** Canonical `a=0.8.0,b=0.4.0`; the ordered source of truth on resume. */
  versions_str: string;
  /** Pipeline flags in effect (skip flags, worktree-ticket), repeated in the resume hint. */
  flags: Record<string, string | true>;
  started_at: string;
  updated_at: string;
  finished_at?: string;
  failed_phase?: string;
  error?: string;
  phases: Record<string, PhaseRecord>;
}

/**
 * Where run states live. Core ships an in-memory store (tests) and a JSON-file store (one host);
 * the jobs room adds a Redis one. A lock marks a run as being executed: it is taken with a TTL and
 * renewed while the run is alive, so a crashed worker's run becomes resumable once it expires.
 */
export interface RunStateStore {
  get(runId: string): Promise<RunState | undefined>;
  put(state: RunState): Promise<void>;
  /** Most recently started first. */
  listRecent(limit: number): Promise<RunState[]>;
  /** Returns a token when the lock was free (or expired), undefined when someone holds it. */
  tryAcquireRunLock(runId: string, ttlMs: number): Promise<string | undefined>;
  /** Extends a lock this token holds; false when it was lost (expired and taken). */
  renewRunLock(runId: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if this token still holds it. */
  releaseRunLock(runId: string, token: string): Promise<void>;
}

export function isSkipped(status: PhaseStatus): boolean {
  return status.startsWith('skipped_');
}
