import { InvalidInput } from '../errors.js';
import type { PipelineDefinition } from './definition-schema.js';
import { PipelineDefinitionError, ResumeMismatch, RunNotFound } from './errors.js';
import { validateFlags, validateTicket, type RedeployFlags } from './flags.js';
import { newRunId, validateRunId } from './run-id.js';
import type { RunState, RunStateStore } from './state.js';
import { formatVersions, parseVersions, sameVersions, type VersionPin } from './versions.js';
import type { Clock } from '../progress.js';

export interface RequestInput {
  definition: PipelineDefinition;
  versions?: string;
  flags?: RedeployFlags;
  runId?: string;
  resume?: string;
  verifyOnly?: boolean;
  store: RunStateStore;
  clock: Clock;
}

/** What a run (or a dry run) works with once the request and any stored state are reconciled. */
export interface ResolvedRequest {
  runId: string;
  pins: VersionPin[];
  versionsText: string;
  flags: Record<string, string | true>;
  ticket: string;
  verifyOnly: boolean;
  /** The stored run being continued, if any. */
  existing?: RunState;
}

/**
 * A resume continues the stored run: its versions (a different --versions is refused), its
 * flags plus any given now, its mode. A `runId` whose state exists is continued the same way, so
 * a retried job resumes its own run instead of starting over.
 */
export async function resolveRequest(input: RequestInput): Promise<ResolvedRequest> {
  const { definition } = input;
  let runId: string;
  let existing: RunState | undefined;
  if (input.resume !== undefined) {
    runId = validateRunId(input.resume);
    existing = await input.store.get(runId);
    if (!existing) throw new RunNotFound(runId);
  } else if (input.runId !== undefined) {
    runId = validateRunId(input.runId);
    existing = await input.store.get(runId);
  } else {
    runId = newRunId(input.clock);
  }

  let pins: VersionPin[];
  if (existing) {
    if (existing.pipeline !== definition.name) {
      throw new ResumeMismatch(
        `Run '${runId}' was started with pipeline '${existing.pipeline}', not '${definition.name}'. Resume it with the same pipeline (environment), or start a new run.`,
      );
    }
    pins = parseVersions(existing.versions_str);
    if (input.versions !== undefined && !sameVersions(parseVersions(input.versions), pins)) {
      throw new ResumeMismatch(
        `Run '${runId}' was started with --versions "${existing.versions_str}", not "${input.versions.trim()}". Resume it with the same versions, or start a new run for the new ones.`,
      );
    }
  } else {
    if (input.versions === undefined) {
      throw new InvalidInput('--versions is required, for example `/redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"`.');
    }
    pins = parseVersions(input.versions);
  }

  const flags = { ...(existing?.flags ?? {}), ...(input.flags ?? {}) };
  validateFlags(definition, flags);
  const givenTicket = flags['worktree-ticket'];
  const ticket = typeof givenTicket === 'string' ? givenTicket : (existing?.worktree_ticket ?? runId);
  if (existing && ticket !== existing.worktree_ticket && existing.worktree_path) {
    throw new ResumeMismatch(
      `Run '${runId}' already prepared its worktree for ticket '${existing.worktree_ticket}'. Resume it without --worktree-ticket (or with the same one), or start a new run.`,
    );
  }
  validateTicket(ticket);
  const verifyOnly = input.verifyOnly === true || existing?.mode === 'verify_only';
  if (verifyOnly && !definition.phases.some((p) => p.verify)) {
    throw new PipelineDefinitionError(
      `Pipeline '${definition.name}' has no phase marked verify: true, so --verify-only has nothing to run. Mark its checks with verify: true in the pipeline file.`,
    );
  }
  return {
    runId,
    pins,
    versionsText: formatVersions(pins),
    flags,
    ticket,
    verifyOnly,
    existing,
  };
}
