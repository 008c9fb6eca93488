import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterEvent, ClusterPort, ClusterSnapshot, ClusterWatch, KustomizationView, ObjectRef, WatchTarget, WorkloadView } from '../../core/cluster/cluster-port.js';
import { ListWatch, type WatchedObject } from './list-watch.js';
import { helmReleaseView, kustomizationView, podView, sourceView, workloadView } from './views.js';

const FLUX = {
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
} as const;

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
const byName = (name: string) => `metadata.name=${name}`;
const selectorOf = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
const crPath = (kind: keyof typeof FLUX, namespace: string) => `/apis/${FLUX[kind].group}/${FLUX[kind].version}/namespaces/${encodeURIComponent(namespace)}/${FLUX[kind].plural}`;

/**
 * The Cluster port on @kubernetes/client-node: a get of the Kustomization, the reconcile request
 * as a merge patch of one annotation (what `flux reconcile` writes), and watches for everything else.
 */
export class KubernetesCluster implements ClusterPort {
  private readonly custom: CustomObjectsApi;

  constructor(private readonly config: KubeConfig) {
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  async getKustomization(ref: ObjectRef): Promise<KustomizationView | undefined> {
    try {
      const object = (await this.custom.getNamespacedCustomObject({ ...FLUX.Kustomization, namespace: ref.namespace, name: ref.name })) as WatchedObject;
      return kustomizationView(object);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  async read(target: WatchTarget): Promise<ClusterSnapshot> {
    const snapshot: ClusterSnapshot = { workloads: [], pods: {} };
    const get = async (kind: keyof typeof FLUX, ref: ObjectRef) => {
      try {
        return (await this.custom.getNamespacedCustomObject({ ...FLUX[kind], namespace: ref.namespace, name: ref.name })) as WatchedObject;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    };
    const ks = await get('Kustomization', target.kustomization);
    snapshot.kustomization = ks ? kustomizationView(ks) : undefined;
    if (snapshot.kustomization) {
      const source = await get('GitRepository', snapshot.kustomization.sourceRef);
      snapshot.source = source ? sourceView(source) : undefined;
    }
    const apps = this.config.makeApiClient(AppsV1Api);
    const core = this.config.makeApiClient(CoreV1Api);
    let namespace = target.workload?.namespace;
    let labelSelector: string | undefined;
    let fieldSelector: string | undefined;
    if (target.helmRelease) {
      const hr = await get('HelmRelease', target.helmRelease);
      snapshot.helmRelease = hr ? helmReleaseView(hr) : null;
      namespace = snapshot.helmRelease?.targetNamespace ?? target.helmRelease.namespace;
      labelSelector = `helm.toolkit.fluxcd.io/name=${target.helmRelease.name},helm.toolkit.fluxcd.io/namespace=${target.helmRelease.namespace}`;
    } else if (target.workload) fieldSelector = byName(target.workload.name);
    if (!namespace) return snapshot;
    const [deployments, statefulSets] = await Promise.all([
      apps.listNamespacedDeployment({ namespace, labelSelector, fieldSelector }),
      apps.listNamespacedStatefulSet({ namespace, labelSelector, fieldSelector }),
    ]);
    snapshot.workloads = [
      ...deployments.items.map((d) => workloadView('Deployment', d as unknown as WatchedObject)),
      ...statefulSets.items.map((s) => workloadView('StatefulSet', s as unknown as WatchedObject)),
    ];
    for (const workload of snapshot.workloads) {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selectorOf(workload.selector) });
      snapshot.pods[workload.ref.name] = pods.items.map((p) => podView(p as unknown as WatchedObject));
    }
    return snapshot;
  }

  async requestReconcile(kind: 'GitRepository' | 'Kustomization', ref: ObjectRef, at: string): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      { ...FLUX[kind], namespace: ref.namespace, name: ref.name, body: { metadata: { annotations: { [REQUESTED_AT]: at } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  watch(target: WatchTarget, source: ObjectRef, onEvent: (event: ClusterEvent) => void): ClusterWatch {
    let requests = 0;
    let stopped = false;
    const watches: ListWatch[] = [];
    const podWatches = new Map<string, { selector: string; watch: ListWatch }>();
    const onError = (message: string, fatal: boolean) => onEvent({ kind: 'error', message, fatal });
    const onRequest = () => void requests++;
    const open = (path: string, options: { labelSelector?: string; fieldSelector?: string }, onChange: (objects: WatchedObject[]) => void) => {
      // Events still in flight after stop() must not open new watches or report.
      const guarded = (objects: WatchedObject[]) => (stopped ? undefined : onChange(objects));
      const watch = new ListWatch(this.config, path, { ...options, onChange: guarded, onError, onRequest });
      if (!stopped) watch.start();
      watches.push(watch);
      return watch;
    };

    open(crPath('GitRepository', source.namespace), { fieldSelector: byName(source.name) }, (objects) => {
      if (objects[0]) onEvent({ kind: 'source', view: sourceView(objects[0]) });
    });
    open(crPath('Kustomization', target.kustomization.namespace), { fieldSelector: byName(target.kustomization.name) }, (objects) => {
      if (objects[0]) onEvent({ kind: 'kustomization', view: kustomizationView(objects[0]) });
    });

    const workloads: Record<'Deployment' | 'StatefulSet', WorkloadView[]> = { Deployment: [], StatefulSet: [] };
    const watchWorkloads = (namespace: string, options: { labelSelector?: string; fieldSelector?: string }, only?: 'Deployment' | 'StatefulSet') => {
      for (const kind of ['Deployment', 'StatefulSet'] as const) {
        if (only && only !== kind) continue;
        open(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${kind === 'Deployment' ? 'deployments' : 'statefulsets'}`, options, (objects) => {
          workloads[kind] = objects.map((o) => workloadView(kind, o));
          const views = [...workloads.Deployment, ...workloads.StatefulSet];
          for (const view of views) watchPods(view);
          onEvent({ kind: 'workloads', views });
        });
      }
    };
    const watchPods = (view: WorkloadView) => {
      const selector = selectorOf(view.selector);
      const key = `${view.kind}/${view.ref.name}`;
      const existing = podWatches.get(key);
      if (!selector || existing?.selector === selector) return;
      existing?.watch.stop();
      const watch = open(`/api/v1/namespaces/${encodeURIComponent(view.ref.namespace)}/pods`, { labelSelector: selector }, (objects) =>
        onEvent({ kind: 'pods', workload: view.ref.name, pods: objects.map(podView) }),
      );
      podWatches.set(key, { selector, watch });
    };

    if (target.helmRelease) {
      const hr = target.helmRelease;
      let workloadNamespace: string | undefined;
      open(crPath('HelmRelease', hr.namespace), { fieldSelector: byName(hr.name) }, (objects) => {
        const view = objects[0] ? helmReleaseView(objects[0]) : null;
        onEvent({ kind: 'helmrelease', view });
        // helm-controller labels what it installs with the HelmRelease's name and namespace.
        if (view && workloadNamespace === undefined) {
          workloadNamespace = view.targetNamespace;
          watchWorkloads(workloadNamespace, { labelSelector: `helm.toolkit.fluxcd.io/name=${hr.name},helm.toolkit.fluxcd.io/namespace=${hr.namespace}` });
        }
      });
    } else if (target.workload) {
      watchWorkloads(target.workload.namespace, { fieldSelector: byName(target.workload.name) }, target.workload.kind);
    }

    return {
      get requests() {
        return requests;
      },
      stop() {
        stopped = true;
        for (const watch of watches) watch.stop();
      },
    };
  }
}
