import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogEntry } from '../catalog/catalog-file.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { InvalidInput, PushFailed, ReadOnlyEnvironment } from '../errors.js';
import { setImageTag } from '../flux/image-tag-edit.js';
import { locateServiceFile, type LocatedFile } from '../flux/locate.js';
import { FluxFileIndex } from '../flux/flux-file-index.js';
import { FluxWorkspace, type GitIdentity } from '../flux/workspace.js';
import { StepTracker, type Clock, type Reporter } from '../progress.js';
import { resolvePullRequestHead, sourceRepoOf } from '../source/source-repo.js';
import { rolloutTag } from '../tags.js';
import { validateImageTag, validatePrNumber, validateServiceName, validateSha } from '../validate.js';

export interface RolloutRequest {
  service: string;
  /** Needed for the ps-<pr>-<sha7> tag; a release passes its own `tag` instead. */
  pr?: number;
  sha?: string;
  /** Set an explicit tag instead of `ps-<pr>-<sha7>` (releases use their own tag template). */
  tag?: string;
  dryRun?: boolean;
  /** Who asked (a Slack user, a CLI user); recorded in a commit trailer. */
  requestedBy?: string;
  /** Stable id of the request; a retried job finds its own earlier commit by it. */
  requestId?: string;
  /** PR mode: push the change to this new branch instead of the environment's branch. */
  branch?: string;
  /** Commit subject instead of `chore(<service>): update image tag to <tag>`. */
  subject?: string;
  /** Progress title instead of `Rollout of <service> to <env>`. */
  title?: string;
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
}

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
 * commit and push; on a push race, fetch and re-apply on the new head, a bounded number of times.
 * Jobs on one environment's clone are serialized in this process (FluxWorkspace.exclusive); other
 * writers are handled by the race loop, so no rollout loses another's change.
 */
export class RolloutEngine {
  private readonly clock: Clock;

  constructor(private readonly options: RolloutEngineOptions) {
    this.clock = options.clock ?? Date.now;
  }

  workspace(env: EnvironmentConfig): FluxWorkspace {
    return new FluxWorkspace(env, this.options.dataDir, this.options.identity);
  }

  async rollout(env: EnvironmentConfig, request: RolloutRequest, reporter: Reporter): Promise<RolloutResult> {
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
    const fluxPath = env.services[service]?.fluxPath ?? catalog?.fluxPath;
    const kustomization = catalog?.kustomization ?? env.kustomization;
    const workspace = this.workspace(env);
    let sha: string | undefined;

    return workspace.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        let head = '';
        const located = await steps.run(
          'locate',
          async () => {
            head = await workspace.sync();
            return locateServiceFile(workspace.dir, service, { fluxPath, fluxRoot: env.fluxRoot, head });
          },
          (l) => l.file,
        );
        // After locate, so an unknown service is reported as such rather than as a missing source repo.
        // A roll back names the earlier tag itself: there is no pull request to resolve.
        if (request.tag && pr === undefined && !request.sha && sha === undefined) {
          sha = '';
          steps.skip('resolve', `tag ${request.tag} given`);
        }
        sha ??= await steps.run(
          'resolve',
          async () => (request.sha ? validateSha(request.sha) : resolvePullRequestHead(sourceRepoOf(env, service), service, pr!)),
          (s) => `${request.sha ? '--sha' : `PR #${pr} head`} ${s.slice(0, 7)}`,
        );
        const tag = request.tag ?? rolloutTag(pr!, sha);
        const base = { service, environment: env.name, fluxRepo: env.fluxGitRepo, file: located.file, tag, sha, kustomization };
        const edit = await steps.run('edit', () => this.applyEdit(workspace, located, tag), (e) =>
          e.changed ? `${e.previousTag ?? '(empty)'} → ${tag}` : `already at ${tag}`,
        );
        if (!edit.changed) {
          const earlier = request.requestId ? await workspace.findCommitByRequest(request.requestId, located.file) : null;
          steps.skip('commit', earlier ? `landed earlier: ${earlier.slice(0, 7)}` : 'nothing to commit');
          steps.skip('push', earlier ? 'already pushed' : 'nothing to push');
          return earlier
            ? { ...base, status: 'updated', previousTag: null, commit: earlier, pushAttempts: 0 }
            : { ...base, status: 'unchanged', previousTag: edit.previousTag, pushAttempts: 0 };
        }
        if (request.dryRun) {
          const diff = await workspace.diff(located.file);
          steps.skip('commit', 'dry run');
          steps.skip('push', 'dry run');
          await workspace.sync();
          return { ...base, status: 'dry-run', previousTag: edit.previousTag, diff, pushAttempts: 0 };
        }
        const trailers: Record<string, string> = {};
        if (request.requestedBy) trailers['Requested-by'] = request.requestedBy;
        if (request.requestId) trailers['Rollbot-Request'] = request.requestId;
        const commit = await steps.run(
          'commit',
          () => workspace.commitFile(located.file, request.subject ?? `chore(${service}): update image tag to ${tag}`, trailers, head),
          (c) => c.slice(0, 7),
        );
        await FluxFileIndex.recordCommit(workspace.dir, head, commit, located.file);
        const pushed = await steps.run('push', () => workspace.push(request.branch), (p) =>
          p.ok ? `${request.branch ?? env.branch} (attempt ${attempt})` : `rejected: someone pushed first (attempt ${attempt})`,
        );
        if (pushed.ok) return { ...base, status: 'updated', previousTag: edit.previousTag, commit, pushAttempts: attempt, branch: request.branch ?? env.branch };
        if (attempt >= this.options.pushAttempts) throw new PushFailed();
        await sleep(this.options.backoffMs?.(attempt) ?? 50 * attempt + Math.random() * 100);
      }
    });
  }

  private async applyEdit(workspace: FluxWorkspace, located: LocatedFile, tag: string) {
    const path = join(workspace.dir, located.file);
    const text = await readFile(path, 'utf8');
    const edit = setImageTag(text, located.location, tag, located.file);
    if (edit.changed) {
      workspace.markDirty();
      await writeFile(path, edit.text);
    }
    return edit;
  }
}

export function requirePr(raw: string | undefined, service: string): number {
  if (raw === undefined) {
    throw new InvalidInput(`Which pull request? Use \`/rollout ${service} <pr-number>\`; the tag is ps-<pr>-<sha7>.`);
  }
  return validatePrNumber(raw);
}
