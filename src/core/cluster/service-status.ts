import type { ClusterSnapshot } from './cluster-port.js';
import { revisionSha } from './follow-state.js';
import { escapeMrkdwn } from '../mrkdwn.js';

export interface GitState {
  tag: string | null;
  file: string;
  head: string;
}

const tagOf = (image: string) => {
  const plain = image.split('@')[0]!;
  const slash = plain.lastIndexOf('/');
  const colon = plain.lastIndexOf(':');
  return colon > slash ? plain.slice(colon + 1) : 'latest';
};
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : '?');

/** `/status papi`: what git says, what the cluster runs, how ready it is, and Flux's last reconcile, in mrkdwn. */
export function serviceStatusText(service: string, environment: string, git: GitState, cluster: ClusterSnapshot): string {
  const lines = [`*${service}* in \`${environment}\``, `• *Git*: \`${git.tag ?? '(no tag)'}\` in \`${git.file}\` at \`${short(git.head)}\``];
  const workload = cluster.workloads[0];
  if (!workload) {
    lines.push(`• *Cluster*: no Deployment or StatefulSet of ${service} found${cluster.helmRelease === null ? ' (its HelmRelease is not in the cluster)' : ''}`);
  } else {
    const pods = cluster.pods[workload.ref.name] ?? [];
    const wanted = [...new Set(workload.images.map(tagOf))];
    // What runs is what the ready pods run; the template may be ahead of them (a rollout in progress).
    const readyByTag = new Map<string, number>();
    for (const pod of pods.filter((p) => p.ready)) for (const tag of new Set(pod.containers.map((c) => tagOf(c.image)))) readyByTag.set(tag, (readyByTag.get(tag) ?? 0) + 1);
    const live = [...readyByTag.entries()].map(([tag, n]) => `\`${tag}\` (${n}/${workload.desired} ready)`).join(', ') || 'nothing ready';
    const rolledOut = workload.observedGeneration >= workload.generation && workload.updated === workload.desired && workload.available === workload.desired && workload.total === workload.desired;
    const match = git.tag && wanted.includes(git.tag) && rolledOut && readyByTag.has(git.tag) ? '✅ matches git' : git.tag && wanted.includes(git.tag) ? `⏳ rolling out \`${git.tag}\`` : '⚠️ differs from git';
    lines.push(`• *Live*: ${live} — ${workload.kind} ${workload.ref.namespace}/${workload.ref.name} · ${match}`);
    const stuck = pods.flatMap((p) => p.containers.filter((c) => c.waiting && c.waiting.reason !== 'ContainerCreating').map((c) => `${p.name}: ${c.waiting!.reason}`));
    if (stuck.length) lines.push(`• *Pods*: ${escapeMrkdwn(stuck.slice(0, 5).join(', '))}`);
  }
  const ks = cluster.kustomization;
  if (ks) {
    const ready = ks.ready ? `${ks.ready.status === 'True' ? '✅' : ks.ready.status === 'False' ? '❌' : '⏳'} ${escapeMrkdwn(ks.ready.reason)}` : '';
    lines.push(`• *Flux*: Kustomization ${ks.ref.name} applied \`${short(revisionSha(ks.lastAppliedRevision))}\` ${ready}`.trimEnd());
    const hr = cluster.helmRelease;
    if (hr) lines.push(`• *HelmRelease* ${hr.ref.namespace}/${hr.ref.name}: ${hr.latest ? `v${hr.latest.version} ${hr.latest.status}` : 'not released'}${hr.ready ? ` · ${escapeMrkdwn(hr.ready.reason)}` : ''}`);
    const last = [cluster.source?.lastHandledReconcileAt, ks.lastHandledReconcileAt].filter(Boolean).sort().pop();
    lines.push(`• *Last reconcile request*: ${last ?? 'none (Flux is on its interval)'}${cluster.source?.revision ? ` · source at \`${short(revisionSha(cluster.source.revision))}\`` : ''}`);
  } else lines.push('• *Flux*: the Kustomization is not in the cluster');
  return lines.join('\n');
}
