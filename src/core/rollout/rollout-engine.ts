import type { CatalogEntry } from '../catalog/catalog-file.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { InvalidInput, ReadOnlyEnvironment } from '../errors.js';
import { applyBatch, type BatchItemOutcome } from './rollout-batch.js';
import { askWhichEnvironment } from './environment-question.js';
import { editImageSites } from '../flux/sites/image-site-editor.js';
import { siteRef } from '../flux/sites/image-site.js';
import { insertImageTag, insertKustomizeImage } from '../flux/sites/image-site-insert.js';
import { environmentScope, type EnvironmentScope } from '../flux/env-scope.js';
import { locateServiceFile, type LocatedFile } from '../flux/locate.js';
import { FluxFileIndex } from '../flux/flux-file-index.js';
import { FluxWorkspace, type GitIdentity, type PushOutcome } from '../flux/workspace.js';
import type { FileChange } from '../flux/commit-builder.js';
import type { RepoTree } from '../flux/repo-tree.js';
import { StepTracker, type Clock, type Reporter } from '../progress.js';
import { resolvePullRequestHead, sourceRepoOf } from '../source/source-repo.js';
import { rolloutTag } from '../tags.js';
import { describePull } from '../pulls/pull-request-choice.js';
import { validateImageTag, validatePrNumber, validateServiceName, validateSha } from '../validate.js';
import { requirePr } from './require-pr.js';

export interface RolloutRequest {
  service: string;
  /** Needed for the ps-<pr>-<sha7> tag; a release passes its own `tag` instead. */
  pr?: number;
  sha?: string;
  /** The PR as the code host described it: its head is the commit, and progress names it. */
  pullRequest?: { number: number; title: string; author: string; headSha: string };
  /** Set an explicit tag instead of `ps-<pr>-<sha7>` (releases use their own tag template). */
  tag?: string;
  dryRun?: boolean;
  /** Who asked (a Slack user, a CLI user); recorded in a commit trailer. */
  requestedBy?: string;
  /** Stable id of the request; a retried job finds its own earlier commit by it. */
  requestId?: string;
  /** PR mode: push the change to this new branch instead of the environment's branch. */
  branch?: string;
  /** Commit subject instead of `chore(<service>): update image tag to <tag>`; a function sees the tag being replaced. */
  subject?: string | ((previousTag: string | null) => string);
  /** Progress title instead of `Rollout of <service> to <env>`. */
  title?: string;
  /** Write exactly here (`file:path`): a site a person picked after an ambiguous rollout. */
  site?: string;
}

export interface RolloutResult {
  status: 'updated' | 'unchanged' | 'dry-run';
  service: string;
  environment: string;
  fluxRepo: string;
  file: string;
  tag: string;
  sha: string;
  previousTag: string | null;
  commit?: string;
  diff?: string;
  pushAttempts: number;
  kustomization: string;
  /** The branch the commit was pushed to (the environment's, or the PR branch). */
  branch?: string;
  /** Every file written, and where in them (`file:path`). */
  files?: string[];
  sites?: string[];
}

export interface RolloutEngineOptions {
  dataDir: string;
  identity: GitIdentity;
  pushAttempts: number;
  /** Catalog lookup for the environment (fluxPath, kustomization). */
  catalogEntry?: (env: EnvironmentConfig, service: string) => CatalogEntry | undefined;
  clock?: Clock;
  /** Pause between push attempts; jittered so racing workers spread out. */
  backoffMs?: (attempt: number) => number;
  /** Every configured environment: those on the same Flux repo tell which bases are shared. */
  environments?: () => EnvironmentConfig[];
  /** Build on a remote head seen this long ago without fetching first (default 5 s; 0: always fetch). */
  reuseHeadMs?: number;
}

/** A checked request with its own progress steps, ready to apply on a clone (once or again after a race). */
export interface PreparedRollout {
  env: EnvironmentConfig;
  request: RolloutRequest;
  service: string;
  pr?: number;
  steps: StepTracker;
  fluxPath?: string;
  kustomization: string;
  /** The Flux ImagePolicy whose setter markers name the image (config override, else the catalog). */
  imagePolicy?: string;
  /** Resolved once; a re-apply after a push race keeps it. */
  sha?: string;
}

export interface CommittedRollout {
  kind: 'committed';
  commit: string;
  base: Omit<RolloutResult, 'status' | 'previousTag' | 'pushAttempts'>;
  previousTag: string | null;
  branch: string;
}

export type AppliedRollout = { kind: 'finished'; result: RolloutResult } | CommittedRollout;

export const ROLLOUT_STEPS = [
  ['locate', 'Locate flux file'],
  ['resolve', 'Resolve commit'],
  ['edit', 'Edit image tag'],
  ['commit', 'Commit'],
  ['push', 'Push'],
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seed 000's rollout as a safe multi-user service: set a service's image tag in the Flux repo,
 * commit and push; on a push race, fetch and re-apply on the new head, a bounded number of times
 * (the loop is applyBatch's, for one rollout or many).
 * Jobs on one environment's clone are serialized in this process (FluxWorkspace.exclusive); other
 * writers are handled by the race loop, so no rollout loses another's change.
 */
export class RolloutEngine {
  private readonly clock: Clock;

  constructor(private readonly options: RolloutEngineOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** The environment's own files (kustomize graph from its fluxRoot) at a commit of its clone. */
  scopeOf(env: EnvironmentConfig, tree: RepoTree): Promise<EnvironmentScope | undefined> {
    return environmentScope(tree, env, this.options.environments?.() ?? []);
  }

  workspace(env: EnvironmentConfig): FluxWorkspace {
    return new FluxWorkspace(env, this.options.dataDir, this.options.identity);
  }

  /** One rollout: a batch of one (the same fetch, commit, push and race loop as a batch). */
  async rollout(env: EnvironmentConfig, request: RolloutRequest, reporter: Reporter): Promise<RolloutResult> {
    const prepared = this.prepare(env, request, reporter);
    let outcome: BatchItemOutcome | undefined;
    await applyBatch(this, [prepared], (_, o) => (outcome = o));
    if (!outcome) throw new Error('internal: a rollout ended without an outcome');
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * Checks a request's input and starts its own progress steps. Throws for bad input (a request that
   * can never succeed), before anything touches the clone.
   */
  prepare(env: EnvironmentConfig, request: RolloutRequest, reporter: Reporter): PreparedRollout {
    const service = validateServiceName(request.service);
    if (request.tag) validateImageTag(request.tag);
    // A release brings its own tag; a rollout needs the PR for ps-<pr>-<sha7>.
    const pr = request.tag && request.pr === undefined ? undefined : requirePr(request.pr?.toString(), service);
    if (env.readOnly && !request.dryRun) throw new ReadOnlyEnvironment(env.name);

    const steps = new StepTracker(
      request.title ?? `${request.dryRun ? 'Dry run: ' : ''}Rollout of ${service} to ${env.name}`,
      ROLLOUT_STEPS,
      reporter,
      this.clock,
    );
    const catalog = this.options.catalogEntry?.(env, service);
    const override = env.services[service];
    return {
      env,
      request,
      service,
      pr,
      steps,
      fluxPath: request.site ? undefined : (override?.fluxPath ?? catalog?.fluxPath),
      kustomization: catalog?.kustomization ?? env.kustomization,
      imagePolicy: override?.imagePolicy ?? catalog?.imagePolicy,
    };
  }

  /**
   * Locate → resolve → edit → commit for one request, on top of the head `headOf` gives (the locate
   * step syncs the clone for a single rollout; a batch passes the previous rollout's commit). The
   * caller holds workspace.exclusive. Either the request is finished (unchanged, landed earlier, dry
   * run) or it made one commit on top of that head that still has to be pushed.
   */
  async apply(workspace: FluxWorkspace, p: PreparedRollout, headOf: () => Promise<string>): Promise<AppliedRollout> {
    const { env, request, service, pr, steps } = p;
    const override = env.services[service];
    const { tree, located } = await steps.run(
      'locate',
      async () => {
        const at = workspace.tree(await headOf());
        const others = this.options.environments?.() ?? [];
        const found = await askWhichEnvironment(env, others, (o) => this.scopeOf(o, at), locateServiceFile(at, service, {
          fluxPath: p.fluxPath,
          fluxRoot: env.fluxRoot,
          site: request.site,
          container: override?.container,
          imagePath: override?.imagePath,
          imagePolicy: p.imagePolicy,
          scope: await this.scopeOf(env, at),
        }));
        return { tree: at, located: found };
      },
      (r) => r.located.file,
    );
    const head = tree.commit;
    // After locate, so an unknown service is reported as such rather than as a missing source repo.
    // A rollback names a tag that was deployed before: no source commit to resolve.
    if (p.sha === undefined && request.tag && !request.sha && pr === undefined) {
      steps.skip('resolve', 'tag given');
      p.sha = '';
    }
    p.sha ??= await steps.run(
      'resolve',
      async () =>
        request.sha ? validateSha(request.sha) : request.pullRequest ? validateSha(request.pullRequest.headSha) : resolvePullRequestHead(sourceRepoOf(env, service), service, pr!),
      (s) => (request.sha ? `--sha ${s.slice(0, 7)}` : request.pullRequest ? `PR ${describePull(request.pullRequest)}` : `PR #${pr} head ${s.slice(0, 7)}`),
    );
    const sha = p.sha;
    const tag = request.tag ?? rolloutTag(pr!, sha);
    const base = {
      service,
      environment: env.name,
      fluxRepo: env.fluxGitRepo,
      file: located.file,
      files: located.files,
      sites: [...located.sites.map((s) => siteRef(s)), ...located.inserts.map((i) => siteRef({ ...i, path: i.kustomizeImage ? ['images'] : i.path }))],
      tag,
      sha,
      kustomization: p.kustomization,
    };
    const edit = await steps.run('edit', () => this.applyEdit(tree, located, tag), (e) =>
      e.changes.length ? `${e.previousTag ?? '(empty)'} → ${tag}` : `already at ${tag}`,
    );
    if (!edit.changes.length) {
      const earlier = request.requestId ? await workspace.findCommitByRequest(request.requestId, located.file, head) : null;
      steps.skip('commit', earlier ? `landed earlier: ${earlier.slice(0, 7)}` : 'nothing to commit');
      steps.skip('push', earlier ? 'already pushed' : 'nothing to push');
      const result: RolloutResult = earlier
        ? { ...base, status: 'updated', previousTag: null, commit: earlier, pushAttempts: 0 }
        : { ...base, status: 'unchanged', previousTag: edit.previousTag, pushAttempts: 0 };
      return { kind: 'finished', result };
    }
    if (request.dryRun) {
      // An unreferenced commit, only to show the diff; git's gc drops it.
      const draft = await workspace.commitFiles(edit.changes, 'dry run', {}, head);
      const diff = await workspace.diff(head, draft, located.files);
      steps.skip('commit', 'dry run');
      steps.skip('push', 'dry run');
      return { kind: 'finished', result: { ...base, status: 'dry-run', previousTag: edit.previousTag, diff, pushAttempts: 0 } };
    }
    const trailers: Record<string, string> = {};
    if (request.requestedBy) trailers['Requested-by'] = request.requestedBy;
    if (request.requestId) trailers['Rollbot-Request'] = request.requestId;
    const commit = await steps.run(
      'commit',
      () => workspace.commitFiles(edit.changes, subjectOf(request, service, tag, edit.previousTag), trailers, head),
      (c) => c.slice(0, 7),
    );
    FluxFileIndex.recordCommit(tree, commit, edit.changes);
    return { kind: 'committed', commit, base, previousTag: edit.previousTag, branch: request.branch ?? env.branch };
  }

  /**
   * Pushes `commit` (the last of a batch carries the others) once for every committed request in
   * `items`; each one's push step shows the outcome. All items must push to the same branch.
   */
  async push(workspace: FluxWorkspace, items: PreparedRollout[], commit: string, attempt: number): Promise<PushOutcome> {
    const branch = items[0]?.request.branch;
    const target = branch ?? workspace.env.branch;
    const others = items.length > 1 ? `, with ${items.length - 1} other rollout${items.length > 2 ? 's' : ''}` : '';
    const outcome = workspace.push(commit, branch);
    // Each request's own push step follows the one shared push; the outcome (or error) is returned below.
    await Promise.allSettled(
      items.map((p) =>
        p.steps.run('push', () => outcome, (o) => (o.ok ? `${target} (attempt ${attempt}${others})` : `rejected: someone pushed first (attempt ${attempt})`)),
      ),
    );
    return outcome;
  }

  pushedResult(applied: CommittedRollout, attempt: number): RolloutResult {
    return { ...applied.base, status: 'updated', previousTag: applied.previousTag, commit: applied.commit, pushAttempts: attempt, branch: applied.branch };
  }

  /**
   * A head this process saw within reuseHeadMs (rollouts in a burst): the first attempt builds on it
   * without a fetch. Anything other than a landed push is then decided again on a fetched head.
   */
  recentHead(workspace: FluxWorkspace): string | undefined {
    const ms = this.options.reuseHeadMs ?? 5_000;
    return ms > 0 ? workspace.recentHead(ms) : undefined;
  }

  /** How many times a rejected push is re-applied on the new head. */
  get pushAttempts(): number {
    return this.options.pushAttempts;
  }

  /** Pause between push attempts; jittered so racing workers spread out. */
  async backoff(attempt: number): Promise<void> {
    await sleep(this.options.backoffMs?.(attempt) ?? 50 * attempt + Math.random() * 100);
  }

  /**
   * Runs `read` on the service's file at the remote head, taking turns with rollouts on the clone
   * (`/history`, rollback targets). Locates exactly as a rollout would.
   */
  async inspect<T>(env: EnvironmentConfig, service: string, read: (workspace: FluxWorkspace, located: LocatedFile, tree: RepoTree) => Promise<T>): Promise<T> {
    const name = validateServiceName(service);
    const override = env.services[name];
    const fluxPath = override?.fluxPath ?? this.options.catalogEntry?.(env, name)?.fluxPath;
    const workspace = this.workspace(env);
    return workspace.exclusive(async () => {
      const tree = workspace.tree(await workspace.sync());
      const located = await locateServiceFile(tree, name, {
        fluxPath,
        fluxRoot: env.fluxRoot,
        container: override?.container,
        imagePath: override?.imagePath,
        imagePolicy: override?.imagePolicy,
        scope: await this.scopeOf(env, tree),
      });
      return read(workspace, located, tree);
    });
  }

  /** Splices the tag into every chosen site, file by file; the first site's old tag is reported. */
  private async applyEdit(tree: RepoTree, located: LocatedFile, tag: string): Promise<{ changes: FileChange[]; previousTag: string | null }> {
    const changes: FileChange[] = [];
    let previousTag: string | null | undefined;
    for (const file of located.files) {
      const text = (await tree.read(file)) ?? '';
      const edit = editImageSites(text, located.sites.filter((s) => s.file === file), tag);
      previousTag ??= edit.edits[0]?.previous ?? null;
      let next = edit.text;
      // An overlay without a tag yet gets one (in reverse document order, so offsets stay valid).
      for (const insert of located.inserts.filter((i) => i.file === file).sort((a, b) => b.docIndex - a.docIndex)) {
        next = insert.kustomizeImage ? insertKustomizeImage(next, insert.kustomizeImage, tag, file) : insertImageTag(next, insert.docIndex, insert.path, tag, file);
      }
      if (next !== text) changes.push({ file, content: next });
    }
    return { changes, previousTag: previousTag ?? null };
  }
}

function subjectOf(request: RolloutRequest, service: string, tag: string, previousTag: string | null): string {
  if (typeof request.subject === 'function') return request.subject(previousTag);
  return request.subject ?? `chore(${service}): update image tag to ${tag}`;
}

export { requirePr } from './require-pr.js';
