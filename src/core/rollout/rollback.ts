import type { EnvironmentConfig } from '../config/schema.js';
import { InvalidInput, ReadOnlyEnvironment } from '../errors.js';
import { readTagHistory, shaInTag, type TagChange } from '../history/tag-history.js';
import type { Clock, ProgressSnapshot, Reporter, StepState } from '../progress.js';
import { validateImageTag, validateServiceName } from '../validate.js';
import type { RolloutEngine, RolloutResult } from './rollout-engine.js';

/** How far back `/rollback --to` looks for the tag it is asked for. */
export const ROLLBACK_SEARCH_DEPTH = 200;

export interface RollbackTarget {
  service: string;
  environment: string;
  file: string;
  /** What the environment has now. */
  fromTag: string;
  /** The entry of the history being returned to. */
  to: TagChange;
}

export interface RollbackRequest {
  service: string;
  /** A tag the service had before; the previous one when absent. */
  to?: string;
  requestedBy?: string;
  requestId?: string;
  /** Undo the change a given request made (a failed rollout's Roll back button): the tag before its commit. */
  undo?: string;
  /** PR mode: push to this branch instead. */
  branch?: string;
}

export interface RollbackResult extends RolloutResult {
  fromTag: string;
}

export function rollbackSubject(service: string, to: string, was: string | null): string {
  return `revert(${service}): roll back to ${to} (was ${was ?? '(empty)'})`;
}

/** Reads the history and picks the tag to go back to, or says clearly why there is none. */
export async function findRollbackTarget(
  engine: RolloutEngine,
  env: EnvironmentConfig,
  service: string,
  to?: string,
  requestId?: string,
  undo?: string,
): Promise<RollbackTarget> {
  const name = validateServiceName(service);
  if (to !== undefined) validateImageTag(to);
  const { history, earlier, undone } = await engine.inspect(env, name, async (workspace, located, tree) => ({
    history: await readTagHistory(tree, located, name, { limit: ROLLBACK_SEARCH_DEPTH }),
    earlier: requestId ? await workspace.findCommitByRequest(requestId, located.file, tree.commit) : null,
    undone: undo ? await workspace.findCommitByRequest(undo, located.file, tree.commit) : null,
  }));
  // A retried job whose rollback already landed: the same target again, not one step further back.
  const landed = earlier ? history.changes.find((c) => c.commit === earlier) : undefined;
  if (landed) {
    const was = / \(was (.+)\)$/.exec(landed.subject)?.[1] ?? history.changes[history.changes.indexOf(landed) + 1]?.tag ?? landed.tag;
    return { service: name, environment: env.name, file: history.file, fromTag: was, to: landed };
  }
  const current = history.changes[0];
  if (undo && current) {
    const change = history.changes.findIndex((c) => c.commit === undone);
    if (change < 0) throw new InvalidInput(`That rollout changed nothing in the Flux repo, so there is nothing to roll back: ${name} still runs \`${current.tag}\` in \`${env.name}\`.`);
    const before = history.changes[change + 1];
    if (!before) throw new InvalidInput(`There is no tag before \`${history.changes[change]!.tag}\` in ${name}'s history in \`${env.name}\` to roll back to.`);
    if (before.tag === current.tag) throw new InvalidInput(`${name} already runs \`${current.tag}\` in \`${env.name}\` again; there is nothing to roll back.`);
    return { service: name, environment: env.name, file: history.file, fromTag: current.tag, to: before };
  }
  if (!current) throw new InvalidInput(`${name} has no image tag history in \`${env.name}\` (${history.file}), so there is nothing to roll back to.`);
  if (to === current.tag) throw new InvalidInput(`${name} already runs \`${to}\` in \`${env.name}\`; there is nothing to roll back.`);
  const target = to === undefined ? history.changes.find((c) => c.tag !== current.tag) : history.changes.find((c) => c.tag === to);
  if (!target) {
    throw new InvalidInput(
      to === undefined
        ? `${name} has only ever had \`${current.tag}\` in \`${env.name}\`, so there is no earlier tag to roll back to.`
        : `${name} never had \`${to}\` in \`${env.name}\` (searched its last ${ROLLBACK_SEARCH_DEPTH} tag changes). See \`/history ${name} --env ${env.name}\` for the tags it had, or use \`/rollout\` / \`/release\` for a new one.`,
    );
  }
  return { service: name, environment: env.name, file: history.file, fromTag: current.tag, to: target };
}

/** Shows the target step in front of the engine's steps, in one progress message. */
function withTargetStep(reporter: Reporter, clock: Clock) {
  let step: StepState = { id: 'target', label: 'Find the tag to roll back to', status: 'pending' };
  let last: ProgressSnapshot = { title: '', steps: [] };
  const emit = (title = last.title) => reporter.progress({ title, steps: [step, ...last.steps] });
  return {
    reporter: { progress: (s: ProgressSnapshot) => ((last = s), emit()) } satisfies Reporter,
    start(title: string) {
      step = { ...step, status: 'running', startedAt: clock() };
      emit(title);
    },
    finish(ok: boolean, detail?: string) {
      step = { ...step, status: ok ? 'done' : 'failed', finishedAt: clock(), detail };
      emit();
    },
  };
}

/**
 * `/rollback`: back to the previous tag (or the one named) through the rollout engine, so it gets
 * the same safety (read-only, push races, exactly-once on retry, progress).
 */
export async function rollback(
  engine: RolloutEngine,
  env: EnvironmentConfig,
  request: RollbackRequest,
  reporter: Reporter,
  clock: Clock = Date.now,
): Promise<RollbackResult> {
  const service = validateServiceName(request.service);
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  const title = `Rollback of ${service} in ${env.name}`;
  const progress = withTargetStep(reporter, clock);
  progress.start(title);
  let target: RollbackTarget;
  try {
    target = await findRollbackTarget(engine, env, service, request.to, request.requestId, request.undo);
  } catch (error) {
    progress.finish(false);
    throw error;
  }
  progress.finish(true, `${target.fromTag} → ${target.to.tag} (${target.to.commit.slice(0, 7)})`);
  const result = await engine.rollout(
    env,
    {
      service,
      tag: target.to.tag,
      sha: shaInTag(target.to.tag),
      requestedBy: request.requestedBy,
      requestId: request.requestId,
      branch: request.branch,
      subject: (was) => rollbackSubject(service, target.to.tag, was),
      title: `${title} to ${target.to.tag}`,
    },
    progress.reporter,
  );
  return { ...result, fromTag: target.fromTag };
}

/** The outcome as plain text (CLI) or mrkdwn (Slack). */
export function rollbackSummary(result: RollbackResult, style: 'text' | 'mrkdwn' = 'text'): string {
  const code = (s: string) => (style === 'mrkdwn' ? `\`${s}\`` : s);
  if (result.status === 'unchanged') return `${result.service} is already at ${code(result.tag)} in ${result.environment}; nothing to roll back.`;
  const hint = `flux reconcile kustomization ${result.kustomization} --with-source`;
  return [
    `Rolled back ${result.service} in ${result.environment} to ${code(result.tag)} (was ${code(result.fromTag)})`,
    '',
    `File: ${code(result.file)}`,
    ...(result.commit ? [`Commit: ${code(result.commit.slice(0, 7))} on ${result.branch ?? result.environment}`] : []),
    '',
    'Flux will reconcile automatically. To force immediate sync:',
    style === 'mrkdwn' ? code(hint) : `  ${hint}`,
  ].join('\n');
}
