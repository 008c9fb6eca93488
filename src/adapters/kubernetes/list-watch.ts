import { Watch, type KubeConfig } from '@kubernetes/client-node';

export interface WatchedObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  [key: string]: unknown;
}

export interface ListWatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** The set of matching objects, after every change. */
  onChange: (objects: WatchedObject[]) => void;
  /** A refusal (401, 403) is fatal; anything else is retried with back-off. */
  onError: (message: string, fatal: boolean) => void;
  /** Counts every watch request made. */
  onRequest: () => void;
}

/**
 * One watch, kept open: starts with the current state (a watch without resourceVersion sends every
 * object as ADDED), resumes from the last resourceVersion when the server closes the stream, starts
 * over after 410 Gone, and backs off on errors. No polling.
 */
export class ListWatch {
  private readonly objects = new Map<string, WatchedObject>();
  private resourceVersion?: string;
  private controller?: AbortController;
  private stopped = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly config: KubeConfig,
    private readonly path: string,
    private readonly options: ListWatchOptions,
  ) {}

  start(): this {
    void this.open();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.controller?.abort();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.options.onRequest();
    let expired = false;
    const params: Record<string, string> = { allowWatchBookmarks: 'true' };
    if (this.options.labelSelector) params.labelSelector = this.options.labelSelector;
    if (this.options.fieldSelector) params.fieldSelector = this.options.fieldSelector;
    if (this.resourceVersion) params.resourceVersion = this.resourceVersion;
    else this.objects.clear();
    try {
      this.controller = await new Watch(this.config).watch(
        this.path,
        params,
        (type: string, object: WatchedObject & { code?: number }) => {
          if (type === 'ERROR') {
            if (object.code === 410) expired = true;
            return;
          }
          this.failures = 0;
          if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
          if (type === 'BOOKMARK') return;
          if (type === 'DELETED') this.objects.delete(object.metadata.name);
          else this.objects.set(object.metadata.name, object);
          this.options.onChange([...this.objects.values()]);
        },
        (error: unknown) => this.closed(error, expired),
      );
    } catch (error) {
      this.closed(error, expired);
    }
  }

  private closed(error: unknown, expired: boolean): void {
    if (this.stopped) return;
    if (expired) this.resourceVersion = undefined;
    const status = (error as { statusCode?: number; code?: number } | null)?.statusCode;
    if (status === 401 || status === 403) {
      this.options.onError(`the cluster refused to watch ${this.path} (HTTP ${status}${status === 403 ? ': forbidden — check the ClusterRole' : ': check the kubeconfig credentials'})`, true);
      return;
    }
    if (error && !(error instanceof Error && error.name === 'AbortError')) {
      this.failures++;
      this.options.onError(`watch of ${this.path} interrupted: ${(error as Error).message ?? String(error)}`, false);
    }
    const delay = error ? Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)) : 0;
    this.retry = setTimeout(() => void this.open(), delay);
  }
}
