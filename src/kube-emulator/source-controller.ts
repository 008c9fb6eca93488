import { createHash } from 'node:crypto';
import { setCondition, removeCondition } from './conditions.js';
import { isSuspended, keyOf, REQUESTED_AT, splitKey, statusOf, wantsReconcile } from './flux-objects.js';
import type { GitSource } from './git-source.js';
import type { ObjectStore } from './object-store.js';
import { ReconcileLoop } from './reconcile-loop.js';
import { typeOf } from './resources.js';
import { parseGoDuration, type ScaledClock } from './scaled-clock.js';

const GIT = typeOf('GitRepository');

/**
 * source-controller for GitRepositories: on its interval or a reconcile request, fetches the branch
 * (real git) and publishes the artifact `<branch>@sha1:<commit>` with Flux's conditions.
 */
export class SourceController {
  private readonly loop: ReconcileLoop;
  private unsubscribe?: () => void;
  /** Mirrors by GitRepository key, for the kustomize-controller to read artifacts from. */
  readonly mirrors = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: ScaledClock,
    private readonly git: GitSource,
    private readonly fetchDelayMs: number,
    log: (line: string) => void,
  ) {
    this.loop = new ReconcileLoop(clock, (key) => this.reconcile(key), (key, error) => log(`source-controller ${key}: ${(error as Error).message}`));
  }

  start(): void {
    for (const repo of this.store.list(GIT)) this.loop.enqueue(keyOf(repo));
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource !== GIT) return;
      if (event.type === 'DELETED') return this.loop.forget(keyOf(event.object));
      if (wantsReconcile(event.object)) this.loop.enqueue(keyOf(event.object));
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.loop.stop();
  }

  private async reconcile(key: string): Promise<number | undefined> {
    const [namespace, name] = splitKey(key);
    const repo = this.store.get(GIT, namespace, name);
    if (!repo || isSuspended(repo)) return undefined;
    const interval = parseGoDuration(repo.spec?.interval as string | undefined, 60_000);
    const requested = repo.metadata.annotations?.[REQUESTED_AT];
    const generation = repo.metadata.generation;
    const branch = ((repo.spec?.ref as { branch?: string } | undefined)?.branch ?? 'master') as string;
    const finish = (change: (status: Record<string, unknown>) => void) =>
      this.store.update('GitRepository', namespace, name, (o) => {
        const status = statusOf(o);
        change(status);
        status.observedGeneration = generation;
        if (requested !== undefined) status.lastHandledReconcileAt = requested;
      });
    let fetched: { dir: string; sha: string };
    try {
      fetched = await this.git.fetch(namespace, name, String(repo.spec?.url ?? ''), branch);
    } catch (error) {
      const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop();
      const message = `failed to checkout and determine revision: unable to clone '${String(repo.spec?.url)}': ${detail}`;
      finish((status) => {
        setCondition(status, { type: 'Ready', status: 'False', reason: 'GitOperationFailed', message, observedGeneration: generation });
        setCondition(status, { type: 'FetchFailed', status: 'True', reason: 'GitOperationFailed', message, observedGeneration: generation });
        removeCondition(status, 'Reconciling');
      });
      return interval;
    }
    this.mirrors.set(key, fetched.dir);
    const revision = `${branch}@sha1:${fetched.sha}`;
    const current = (repo.status?.artifact as { revision?: string } | undefined)?.revision;
    if (current !== revision) {
      this.store.update('GitRepository', namespace, name, (o) => {
        const status = statusOf(o);
        const message = `building artifact: new upstream revision '${revision}'`;
        setCondition(status, { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message, observedGeneration: generation });
        setCondition(status, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message, observedGeneration: generation });
      });
      await this.clock.sleep(this.fetchDelayMs);
    }
    const path = `gitrepository/${namespace}/${name}/${fetched.sha}.tar.gz`;
    finish((status) => {
      status.artifact = {
        digest: `sha256:${createHash('sha256').update(revision).digest('hex')}`,
        lastUpdateTime: current === revision ? (status.artifact as { lastUpdateTime?: string }).lastUpdateTime : new Date().toISOString(),
        path,
        revision,
        size: 4096,
        url: `http://source-controller.flux-system.svc.cluster.local./${path}`,
      };
      const message = `stored artifact for revision '${revision}'`;
      setCondition(status, { type: 'Ready', status: 'True', reason: 'Succeeded', message, observedGeneration: generation });
      setCondition(status, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message, observedGeneration: generation });
      removeCondition(status, 'Reconciling');
      removeCondition(status, 'FetchFailed');
    });
    return interval;
  }
}
