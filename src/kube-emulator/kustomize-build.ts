import { posix } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { KubeObject } from './object-store.js';
import type { GitTree } from './git-source.js';

export class BuildError extends Error {}

const isYaml = (p: string) => p.endsWith('.yaml') || p.endsWith('.yml');
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function documents(text: string, file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new BuildError(`kustomize build failed: ${file}: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS() as KubeObject | null;
    if (value && typeof value === 'object' && value.apiVersion && value.kind) objects.push(value);
  }
  return objects;
}

async function kustomizationFile(tree: GitTree, dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const path = dir ? `${dir}/${name}` : name;
    if (await tree.exists(path)) return path;
  }
  return undefined;
}

interface KustomizeConfig {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Array<{ name: string; namespace?: string; files?: string[]; literals?: string[]; options?: GeneratorOptions }>;
  generatorOptions?: GeneratorOptions;
}

interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
}

async function buildDir(tree: GitTree, dir: string, seen: Set<string>): Promise<KubeObject[]> {
  if (seen.has(dir)) throw new BuildError(`kustomize build failed: cycle detected: ${dir}`);
  seen.add(dir);
  const file = await kustomizationFile(tree, dir);
  if (!file) {
    // kustomize-controller generates a kustomization of every manifest below the path.
    const objects: KubeObject[] = [];
    const nested = new Set<string>();
    for (const path of [...(await tree.paths())].sort()) {
      if (!path.startsWith(dir ? `${dir}/` : '') || !isYaml(path)) continue;
      const parent = posix.dirname(path);
      if (parent !== dir && [...nested].some((n) => parent === n || parent.startsWith(`${n}/`))) continue;
      if (parent !== dir && (await kustomizationFile(tree, parent))) {
        nested.add(parent);
        objects.push(...(await buildDir(tree, parent, seen)));
        continue;
      }
      objects.push(...documents(await tree.read(path), path));
    }
    return objects;
  }
  let config: KustomizeConfig;
  try {
    config = (parseYaml(await tree.read(file)) ?? {}) as KustomizeConfig;
  } catch (error) {
    throw new BuildError(`kustomize build failed: ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const objects: KubeObject[] = [];
  for (const resource of config.resources ?? []) {
    const path = posix.normalize(posix.join(dir, resource));
    if (await tree.exists(path)) objects.push(...documents(await tree.read(path), path));
    else if (await tree.isDir(path)) objects.push(...(await buildDir(tree, path, seen)));
    else throw new BuildError(`kustomize build failed: accumulating resources: accumulation err='accumulating resources from '${resource}': open ${path}: no such file or directory'`);
  }
  for (const generator of config.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const entry of generator.files ?? []) {
      const [key, source] = entry.includes('=') ? entry.split('=', 2) : [posix.basename(entry), entry];
      const path = posix.normalize(posix.join(dir, source!));
      if (!(await tree.exists(path))) throw new BuildError(`kustomize build failed: configMapGenerator ${generator.name}: open ${path}: no such file or directory`);
      data[key!] = await tree.read(path);
    }
    for (const literal of generator.literals ?? []) {
      const [key, value] = literal.split('=', 2);
      data[key!] = value ?? '';
    }
    // Name suffix hashes are not emulated: layouts that HelmReleases read by name disable them anyway.
    const labels = { ...config.generatorOptions?.labels, ...generator.options?.labels };
    const annotations = { ...config.generatorOptions?.annotations, ...generator.options?.annotations };
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name, ...(generator.namespace ? { namespace: generator.namespace } : {}), ...(Object.keys(labels).length ? { labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
      data,
    });
  }
  if (config.namespace) for (const object of objects) object.metadata.namespace = config.namespace;
  return objects;
}

/** `kustomize build <path>` at one commit, as much of it as Flux's sample layouts use. */
export async function kustomizeBuild(tree: GitTree, path: string): Promise<KubeObject[]> {
  const dir = posix.normalize(path.replace(/^\.?\/+/, '')).replace(/\/+$/, '').replace(/^\.$/, '');
  if (dir && !(await tree.isDir(dir))) throw new BuildError(`kustomization path not found: stat /tmp/kustomization/${dir}: no such file or directory`);
  return buildDir(tree, dir, new Set());
}
