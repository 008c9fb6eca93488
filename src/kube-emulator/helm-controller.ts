import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { removeCondition, setCondition } from './conditions.js';
import { isSuspended, keyOf, REQUESTED_AT, splitKey, statusOf, wantsReconcile } from './flux-objects.js';
import type { KubeObject, ObjectStore } from './object-store.js';
import { ReconcileLoop } from './reconcile-loop.js';
import { typeOf } from './resources.js';
import { parseGoDuration, type ScaledClock } from './scaled-clock.js';
import { isRolledOut } from './workload-status.js';

const HR = typeOf('HelmRelease');
const CM = typeOf('ConfigMap');
const WATCH_LABEL = 'reconcile.fluxcd.io/watch';

type Values = Record<string, unknown>;

interface Snapshot {
  name: string;
  namespace: string;
  version: number;
  status: 'deployed' | 'superseded' | 'failed';
  chartName: string;
  chartVersion: string;
  appVersion: string;
  configDigest: string;
  digest: string;
  firstDeployed: string;
  lastDeployed: string;
}

class ValuesError extends Error {}

function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prior && typeof prior === 'object' && !Array.isArray(prior)
        ? deepMerge(prior as Values, value as Values)
        : value;
  }
  return out;
}

const digestOf = (data: unknown) => `sha256:${createHash('sha256').update(JSON.stringify(data)).digest('hex')}`;

/**
 * helm-controller with a built-in chart: composes the values (valuesFrom ConfigMaps, then inline
 * values), "installs" or "upgrades" a Deployment named after the release running
 * `image.repository:image.tag` with `replicaCount` pods, waits for it like `helm --wait`, and
 * records the outcome in Flux's conditions and the release history.
 */
export class HelmController {
  private readonly loop: ReconcileLoop;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: ScaledClock,
    log: (line: string) => void,
  ) {
    this.loop = new ReconcileLoop(clock, (key) => this.reconcile(key), (key, error) => log(`helm-controller ${key}: ${(error as Error).message}`));
  }

  start(): void {
    for (const hr of this.store.list(HR)) this.loop.enqueue(keyOf(hr));
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource === HR) {
        if (event.type === 'DELETED') return this.loop.forget(keyOf(event.object));
        if (wantsReconcile(event.object)) this.loop.enqueue(keyOf(event.object));
      } else if (event.resource === CM && event.object.metadata.labels?.[WATCH_LABEL] === 'Enabled') {
        // helm-controller watches ConfigMaps labelled reconcile.fluxcd.io/watch=Enabled.
        for (const hr of this.store.list(HR, event.object.metadata.namespace)) {
          const refs = (hr.spec?.valuesFrom as Array<{ kind?: string; name?: string }> | undefined) ?? [];
          if (refs.some((r) => r.kind === 'ConfigMap' && r.name === event.object.metadata.name)) this.loop.enqueue(keyOf(hr));
        }
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.loop.stop();
  }

  private values(hr: KubeObject): Values {
    let values: Values = {};
    for (const ref of (hr.spec?.valuesFrom as Array<{ kind: string; name: string; valuesKey?: string; optional?: boolean }> | undefined) ?? []) {
      const key = ref.valuesKey ?? 'values.yaml';
      const where = `${hr.metadata.namespace}/${ref.name}`;
      const source = ref.kind === 'ConfigMap' ? this.store.get(CM, hr.metadata.namespace, ref.name) : undefined;
      if (!source) {
        if (ref.optional) continue;
        throw new ValuesError(`could not resolve ${ref.kind} chart values reference '${where}' with key '${key}': ${ref.kind.toLowerCase()}s "${ref.name}" not found`);
      }
      const text = source.data?.[key];
      if (text === undefined) throw new ValuesError(`could not resolve ${ref.kind} chart values reference '${where}' with key '${key}': key not found`);
      values = deepMerge(values, (parseYaml(text) ?? {}) as Values);
    }
    return deepMerge(values, (hr.spec?.values as Values | undefined) ?? {});
  }

  private async reconcile(key: string): Promise<number | undefined> {
    const [namespace, name] = splitKey(key);
    const hr = this.store.get(HR, namespace, name);
    if (!hr || isSuspended(hr)) return undefined;
    const interval = parseGoDuration(hr.spec?.interval as string | undefined, 600_000);
    const timeoutMs = parseGoDuration(hr.spec?.timeout as string | undefined, 300_000);
    const generation = hr.metadata.generation;
    const requested = hr.metadata.annotations?.[REQUESTED_AT];
    const chart = ((hr.spec?.chart as { spec?: { chart?: string; version?: string } } | undefined)?.spec ?? {}) as { chart?: string; version?: string };
    const chartName = chart.chart ?? name;
    const chartVersion = chart.version && /^\d+\.\d+\.\d+$/.test(chart.version) ? chart.version : '1.0.0';
    const release = String(hr.spec?.releaseName ?? name);
    const releaseNs = String(hr.spec?.targetNamespace ?? namespace);
    const finish = (change: (status: Record<string, unknown>) => void) =>
      this.store.update('HelmRelease', namespace, name, (o) => {
        const status = statusOf(o);
        change(status);
        status.observedGeneration = generation;
        if (requested !== undefined) status.lastHandledReconcileAt = requested;
      });
    let values: Values;
    try {
      values = this.values(hr);
    } catch (error) {
      if (!(error instanceof ValuesError)) throw error;
      finish((status) => {
        setCondition(status, { type: 'Ready', status: 'False', reason: 'InitFailed', message: error.message, observedGeneration: generation });
        removeCondition(status, 'Reconciling');
      });
      return interval;
    }
    const configDigest = digestOf(values);
    const history = ((hr.status?.history as Snapshot[] | undefined) ?? []).slice();
    const latest = history[0];
    const workload = this.store.get(typeOf('Deployment'), releaseNs, release);
    if (latest?.status === 'deployed' && latest.configDigest === configDigest && latest.chartVersion === chartVersion && workload) {
      finish((status) => {
        setCondition(status, { type: 'Ready', status: 'True', reason: latest.version === 1 ? 'InstallSucceeded' : 'UpgradeSucceeded', message: `Helm ${latest.version === 1 ? 'install' : 'upgrade'} succeeded for release ${releaseNs}/${release}.v${latest.version} with chart ${chartName}@${chartVersion}`, observedGeneration: generation });
      });
      return interval;
    }
    const action = latest ? 'upgrade' : 'install';
    const Action = action === 'install' ? 'Install' : 'Upgrade';
    this.store.update('HelmRelease', namespace, name, (o) => {
      const status = statusOf(o);
      const message = `Running '${action}' action with timeout of ${String(hr.spec?.timeout ?? '5m0s')}`;
      setCondition(status, { type: 'Reconciling', status: 'True', reason: 'Progressing', message, observedGeneration: generation });
      setCondition(status, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message, observedGeneration: generation });
      Object.assign(status, { lastAttemptedGeneration: generation, lastAttemptedConfigDigest: configDigest, lastAttemptedReleaseAction: action, lastAttemptedRevision: chartVersion, helmChart: `${namespace}/${namespace}-${name}`, storageNamespace: releaseNs });
    });
    this.store.apply(renderDeployment({ release, namespace: releaseNs, chartName, chartVersion, hrName: name, hrNamespace: namespace, values }));
    const ok = await this.waitForRollout(releaseNs, release, timeoutMs);
    const now = new Date().toISOString();
    const version = (latest?.version ?? 0) + 1;
    const snapshot: Snapshot = {
      name: release, namespace: releaseNs, version, status: ok ? 'deployed' : 'failed', chartName, chartVersion, appVersion: chartVersion,
      configDigest, digest: digestOf({ release, version, configDigest }), firstDeployed: history.at(-1)?.firstDeployed ?? now, lastDeployed: now,
    };
    if (ok && latest?.status === 'deployed') latest.status = 'superseded';
    history.unshift(snapshot);
    finish((status) => {
      status.history = history.slice(0, 5);
      removeCondition(status, 'Reconciling');
      if (ok) {
        const message = `Helm ${action} succeeded for release ${releaseNs}/${release}.v${version} with chart ${chartName}@${chartVersion}`;
        setCondition(status, { type: 'Ready', status: 'True', reason: `${Action}Succeeded`, message, observedGeneration: generation });
        setCondition(status, { type: 'Released', status: 'True', reason: `${Action}Succeeded`, message, observedGeneration: generation });
        status.failures = 0;
      } else {
        const message = `Helm ${action} failed for release ${releaseNs}/${release} with chart ${chartName}@${chartVersion}: context deadline exceeded`;
        setCondition(status, { type: 'Ready', status: 'False', reason: `${Action}Failed`, message, observedGeneration: generation });
        setCondition(status, { type: 'Released', status: 'False', reason: `${Action}Failed`, message, observedGeneration: generation });
        status[action === 'install' ? 'installFailures' : 'upgradeFailures'] = 1;
      }
    });
    return interval;
  }

  /** `helm --wait`: until the Deployment has rolled out, or the release's timeout passes. */
  private async waitForRollout(namespace: string, name: string, timeoutMs: number): Promise<boolean> {
    const step = 1_000;
    for (let waited = 0; waited <= timeoutMs; waited += step) {
      const deployment = this.store.get(typeOf('Deployment'), namespace, name);
      if (deployment && isRolledOut(deployment)) return true;
      await this.clock.sleep(step);
    }
    return false;
  }
}

export function renderDeployment(o: { release: string; namespace: string; chartName: string; chartVersion: string; hrName: string; hrNamespace: string; values: Values }): KubeObject {
  const image = (o.values.image ?? {}) as { repository?: string; tag?: string | number };
  const selector = { 'app.kubernetes.io/name': o.chartName, 'app.kubernetes.io/instance': o.release };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.release,
      namespace: o.namespace,
      labels: {
        ...selector,
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': `${o.chartName}-${o.chartVersion}`,
        'helm.toolkit.fluxcd.io/name': o.hrName,
        'helm.toolkit.fluxcd.io/namespace': o.hrNamespace,
      },
      annotations: { 'meta.helm.sh/release-name': o.release, 'meta.helm.sh/release-namespace': o.namespace },
    },
    spec: {
      replicas: Number(o.values.replicaCount ?? 1),
      selector: { matchLabels: selector },
      progressDeadlineSeconds: Number(o.values.progressDeadlineSeconds ?? 600),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: selector },
        spec: {
          containers: [{ name: o.chartName, image: `${image.repository ?? o.chartName}:${image.tag ?? 'latest'}`, ports: [{ containerPort: 8080, name: 'http' }] }],
        },
      },
    },
  };
}
