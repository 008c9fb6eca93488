import type { ClusterPort, KustomizationView, ObjectRef, SourceView } from '../../cluster/cluster-port.js';
import { revisionSha } from '../../cluster/follow-state.js';
import type { PhaseOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';

type FluxReadyPhase = PhaseOf<'flux-ready'>;

interface Verdict {
  name: string;
  ok: boolean;
  line: string;
}

/** One Kustomization: Ready=True with the source's current revision applied (watched, not polled). */
function waitReady(cluster: ClusterPort, ref: ObjectRef, deadline: number, reconcile: boolean): Promise<Verdict> {
  return new Promise((resolve) => {
    void cluster.getKustomization(ref).then(
      (ks) => {
        if (!ks) return resolve({ name: ref.name, ok: false, line: `FLUX_READY: Kustomization ${ref.namespace}/${ref.name} is not in the cluster` });
        let source: SourceView | undefined;
        let current: KustomizationView = ks;
        let finished = false;
        // With reconcile, as `flux reconcile kustomization --with-source`: the source fetches now, then
        // the Kustomization applies; each has handled its request before its state counts.
        const sourceAt = new Date().toISOString();
        const ksAt = new Date(Date.now() + 1).toISOString();
        let sourceFresh = !reconcile;
        let ksRequested = !reconcile;
        // A later request (another phase, another Kustomization on the same source) covers ours: ISO times compare as text.
        const fresh = () => !reconcile || (current.lastHandledReconcileAt ?? '') >= ksAt;
        const settle = (verdict: Verdict) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          watch.stop();
          resolve(verdict);
        };
        const check = () => {
          if (!sourceFresh && (source?.lastHandledReconcileAt ?? '') >= sourceAt) sourceFresh = true;
          if (sourceFresh && !ksRequested) {
            ksRequested = true;
            cluster.requestReconcile('Kustomization', ref, ksAt).catch((error: Error) => settle({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name}: the reconcile request was refused (${error.message})` }));
          }
          if (!sourceFresh || !fresh()) return;
          const applied = current.lastAppliedRevision;
          const ready = current.ready;
          if (ready?.status === 'True' && source?.revision && applied === source.revision) {
            settle({ name: ref.name, ok: true, line: `FLUX_READY: ${ref.name} applied ${revisionSha(applied)?.slice(0, 7)} (${ready.reason})` });
          } else if (ready?.status === 'False' && applied !== source?.revision && current.lastAttemptedRevision === source?.revision) {
            settle({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name} ${ready.reason}: ${ready.message}` });
          }
        };
        const watch = cluster.watch({ kustomization: ref }, ks.sourceRef, (event) => {
          if (event.kind === 'source') source = event.view;
          else if (event.kind === 'kustomization') current = event.view;
          else if (event.kind === 'error' && event.fatal) settle({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name}: ${event.message}` });
          check();
        });
        if (reconcile) {
          cluster.requestReconcile('GitRepository', ks.sourceRef, sourceAt).catch((error: Error) => settle({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name}: the reconcile request was refused (${error.message})` }));
        }
        const timer = setTimeout(() => {
          const state = current.ready ? `${current.ready.status} ${current.ready.reason}: ${current.ready.message}` : 'no Ready condition';
          settle({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name} not ready in time (${state})` });
        }, Math.max(0, deadline - Date.now()));
      },
      (error: Error) => resolve({ name: ref.name, ok: false, line: `FLUX_READY: ${ref.name}: the cluster could not be read (${error.message})` }),
    );
  });
}

/** VERIFY through Flux: every listed Kustomization has applied its source's latest revision. */
export async function executeFluxReady(phase: FluxReadyPhase, ctx: PhaseContext): Promise<PhaseOutcome> {
  if (!ctx.cluster) {
    throw new PhaseFailed(`Phase ${phase.name} waits on Flux, but this environment has no \`cluster:\` settings. Add them to rollbot.yaml, or use a health phase instead.`);
  }
  const deadline = Date.now() + phase.timeoutSeconds * 1000;
  const names = phase.kustomizations.map((k) => ctx.templates.text(k));
  const verdicts = await Promise.all(names.map((name) => waitReady(ctx.cluster!, { namespace: phase.namespace, name }, deadline, phase.reconcile)));
  const log = verdicts.map((v) => v.line);
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length) throw new PhaseFailed(`Flux is not ready: ${failed.map((f) => f.line.replace(/^FLUX_READY: /, '')).join('; ')}`, { log });
  return { log, detail: `${verdicts.length} Kustomization${verdicts.length === 1 ? '' : 's'} ready` };
}

export function describeFluxReady(phase: FluxReadyPhase, templates: Templates): string {
  return `${phase.reconcile ? 'ask Flux to reconcile, then ' : ''}wait until Flux has applied ${phase.kustomizations.map((k) => templates.text(k)).join(', ')} (namespace ${phase.namespace}, up to ${phase.timeoutSeconds}s)`;
}
