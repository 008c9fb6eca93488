import { join } from 'node:path';
import { KubeEmulator, type KubeEmulatorOptions } from '../../src/kube-emulator/index.js';
import { fluxKustomization } from '../../src/demo/demo-flux-layout.js';

/** The Flux layout of one cluster the emulator reconciles: a Kustomization per app folder. */
export function clusterFiles(cluster: string, apps: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, helmReleaseYaml] of Object.entries(apps)) {
    files[`clusters/${cluster}/flux/apps-${name}.yaml`] = fluxKustomization(`apps-${name}`, `./clusters/${cluster}/apps/${name}`);
    files[`clusters/${cluster}/apps/${name}/helmrelease.yaml`] = helmReleaseYaml;
  }
  return files;
}

/** An emulated cluster bootstrapped from `fluxRepo` at `clusters/<cluster>`, on a fast clock. */
export async function startCluster(root: string, fluxRepo: string, cluster: string, options: Partial<KubeEmulatorOptions> = {}): Promise<KubeEmulator> {
  const kube = await new KubeEmulator({ dataDir: join(root, 'kube'), timeScale: 50, pullMs: 500, readyMs: 500, artifactMs: 250, ...options }).start();
  kube.bootstrapFlux({ url: fluxRepo, path: `./clusters/${cluster}` });
  return kube;
}
