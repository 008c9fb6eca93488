import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeEmulator, type KubeEmulatorOptions, type PolicyRule } from '../../src/kube-emulator/index.js';
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

/** The Helm chart's ClusterRole rules, so tests run the follower with exactly the RBAC it ships. */
export function chartClusterRoleRules(): PolicyRule[] {
  const text = readFileSync(join(import.meta.dirname, '../../deploy/helm/rollbot/templates/clusterrole.yaml'), 'utf8');
  const plain = text.split('\n').filter((l) => !l.trim().startsWith('{{')).join('\n').replace(/\{\{[^}]*\}\}/g, 'x');
  return (parseAllDocuments(plain)[0]!.toJS() as { rules: PolicyRule[] }).rules;
}
