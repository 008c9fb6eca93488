import { join } from 'node:path';
import type { DemoEnvironment } from '../demo/demo-environment.js';
import { KubeEmulator } from '../kube-emulator/index.js';
import type { RegistryServer } from './registry-process.js';

/** Cluster time runs this much faster in local mode: Flux's 1 min source interval passes in 6 s. */
export const DEMO_TIME_SCALE = 10;

/**
 * The demo's rdebug cluster: the Kubernetes emulator bootstrapped from the demo Flux repo, pulling
 * images from the demo registry, reached through the kubeconfig the demo config names.
 */
export async function startDemoCluster(demo: DemoEnvironment, registry: RegistryServer, log: (line: string) => void): Promise<KubeEmulator> {
  const kube = await new KubeEmulator({ dataDir: join(demo.root, 'kube'), registryUrl: registry.url, timeScale: DEMO_TIME_SCALE }).start();
  kube.bootstrapFlux({ url: demo.fluxRepo, path: './clusters/rdebug' });
  await kube.writeKubeconfig(join(demo.root, 'kubeconfig'), 'demo-rdebug');
  // Ready once Flux has applied the cluster folder: every app's Kustomization exists to be followed.
  const ready = (o: { status?: Record<string, unknown> }) => (o.status?.conditions as Array<{ type: string; status: string }> | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  await kube.waitFor('Kustomization', 'flux-system', 'flux-system', ready, 60_000);
  log(`kubernetes: ${kube.url} (emulated rdebug cluster: Flux and a kubelet, clock ×${DEMO_TIME_SCALE})`);
  return kube;
}
