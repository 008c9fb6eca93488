import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { RepoTree } from './repo-tree.js';

/** How a file is part of an environment: under its root, a kustomize resource, a patch, or generator input. */
export type Reach = 'root' | 'resource' | 'patch' | 'generator';

export interface ReachedFile {
  via: Reach;
  /** generator: the ConfigMap it becomes (HelmRelease valuesFrom names it). */
  configMap?: string;
  /** The kustomization.yaml that pulled it in (none for files under the root). */
  parent?: string;
}

/**
 * The files one environment deploys, found by following the kustomize graph from its fluxRoot:
 * Flux Kustomizations' spec.path, then each folder's kustomization.yaml (resources, components,
 * patches, patchesStrategicMerge, configMapGenerator files); a folder without one counts whole, as
 * Flux applies it.
 */
export class EnvironmentGraph {
  private constructor(readonly files: Map<string, ReachedFile>) {}

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The kustomization files that pull `file` in, nearest first. */
  ancestors(file: string): string[] {
    const chain: string[] = [];
    for (let at = this.files.get(file)?.parent; at && !chain.includes(at); at = this.files.get(at)?.parent) chain.push(at);
    return chain;
  }

  /** Files the environment reaches through a patch or a generator: its own overlay. */
  overlayFiles(): string[] {
    return [...this.files].filter(([, r]) => r.via === 'patch' || r.via === 'generator').map(([f]) => f);
  }

  static async build(tree: RepoTree, fluxRoot: string): Promise<EnvironmentGraph> {
    const all = await tree.yamlFiles();
    const byDir = new Map<string, string[]>();
    for (const file of all) {
      for (let d = posix.dirname(file); ; d = posix.dirname(d)) {
        byDir.set(d, [...(byDir.get(d) ?? []), file]);
        if (d === '.' || d === '') break;
      }
    }
    const known = new Set(all);
    const files = new Map<string, ReachedFile>();
    const seenDirs = new Set<string>();
    const queue: Array<{ dir: string; via: Reach; parent?: string }> = [];
    const artifacts = new Map<string, Array<{ from: string; to: string }>>();
    const reach = (file: string, reached: ReachedFile) => {
      if (!known.has(file)) return;
      const before = files.get(file);
      // A patch or generator input is the environment's own, whatever else also pulls it in.
      if (!before || (before.via !== 'patch' && before.via !== 'generator')) files.set(file, reached);
    };
    const texts = new Map<string, string>();
    const read = async (file: string) => {
      if (!texts.has(file)) texts.set(file, (await tree.read(file)) ?? '');
      return texts.get(file)!;
    };

    const root = fluxRoot.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
    queue.push({ dir: root, via: 'root' });
    while (queue.length) {
      const { dir, via, parent } = queue.shift()!;
      const seenKey = via === 'root' ? `root:${dir}` : dir;
      if (seenDirs.has(seenKey)) continue;
      seenDirs.add(seenKey);
      const kustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((n) => (dir === '.' ? n : `${dir}/${n}`)).find((f) => known.has(f));
      const members: string[] = [];
      if (kustomization && via !== 'root') {
        members.push(kustomization);
        const k = documents(await read(kustomization))[0];
        for (const ref of [...strings(k, 'resources'), ...strings(k, 'components'), ...strings(k, 'bases')]) {
          const target = posix.normalize(posix.join(dir, ref));
          if (known.has(target)) {
            reach(target, { via: 'resource', parent: kustomization });
            members.push(target);
          } else if (byDir.has(target)) queue.push({ dir: target, via: 'resource', parent: kustomization });
        }
        for (const ref of [...patchPaths(k), ...strings(k, 'patchesStrategicMerge')]) reach(posix.normalize(posix.join(dir, ref)), { via: 'patch', parent: kustomization });
        for (const [configMap, inputs] of generatorFiles(k)) {
          for (const input of inputs) reach(posix.normalize(posix.join(dir, input)), { via: 'generator', configMap, parent: kustomization });
        }
        reach(kustomization, { via: 'resource', parent });
      } else {
        for (const file of byDir.get(dir) ?? []) {
          reach(file, { via: via === 'root' ? 'root' : 'resource', parent });
          members.push(file);
          // Below the root, kustomizations are followed too (their bases and patches live elsewhere).
          if (via === 'root' && /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(file)) queue.push({ dir: posix.dirname(file), via: 'resource' });
        }
      }
      // Flux ArtifactGenerators among them map artifact folders back to the repo (Flux 2.7+).
      for (const file of members) {
        const text = await read(file);
        if (!text.includes('ArtifactGenerator')) continue;
        for (const doc of documents(text)) if (doc.get('kind') === 'ArtifactGenerator') addArtifactCopies(doc, artifacts);
      }
      // Flux Kustomizations among them apply further folders.
      for (const file of members) {
        const text = await read(file);
        if (!text.includes('kustomize.toolkit.fluxcd.io')) continue;
        for (const doc of documents(text)) {
          if (doc.get('kind') !== 'Kustomization' || !String(doc.get('apiVersion') ?? '').startsWith('kustomize.toolkit.fluxcd.io')) continue;
          const path = doc.getIn(['spec', 'path']);
          if (typeof path !== 'string') continue;
          const inSource = posix.normalize(path.replace(/^\.\/+/, '')).replace(/\/+$/, '').replace(/^\.$/, '');
          const external = doc.getIn(['spec', 'sourceRef', 'kind']) === 'ExternalArtifact' ? String(doc.getIn(['spec', 'sourceRef', 'name'])) : undefined;
          const dirs = external ? fromArtifact(artifacts.get(external) ?? [], inSource) : [inSource || '.'];
          for (const target of dirs) queue.push({ dir: target, via: 'resource', parent: file });
        }
      }
    }
    return new EnvironmentGraph(files);
  }
}

function documents(text: string): Document.Parsed[] {
  return Array.from(parseAllDocuments(text) as Iterable<Document.Parsed>).filter((d) => d.errors.length === 0 && isMap(d.contents));
}

function strings(doc: Document.Parsed | undefined, key: string): string[] {
  const node = doc?.get(key, true);
  return isSeq(node) ? node.items.filter(isScalar).map((s) => String(s.value)) : [];
}

/** `patches: [{ path: file }]` (inline `patch:` bodies name no file). */
function patchPaths(doc: Document.Parsed | undefined): string[] {
  const node = doc?.get('patches', true);
  if (!isSeq(node)) return [];
  return node.items.flatMap((item) => (isMap(item) && typeof item.get('path') === 'string' ? [String(item.get('path'))] : []));
}

/** configMapGenerator entries: the ConfigMap name and its input files (`key=file` gives file). */
function generatorFiles(doc: Document.Parsed | undefined): Array<[string, string[]]> {
  const node = doc?.get('configMapGenerator', true);
  if (!isSeq(node)) return [];
  return node.items.flatMap((item) => {
    if (!isMap(item)) return [];
    const files = item.get('files', true);
    const inputs = isSeq(files) ? files.items.filter(isScalar).map((s) => String(s.value).split('=').pop()!) : [];
    return [[String(item.get('name') ?? ''), inputs] as [string, string[]]];
  });
}

/** ArtifactGenerator `copy: [{ from: "@repo/apps/staging/**", to: "@artifact/staging/" }]` per artifact name. */
function addArtifactCopies(doc: Document.Parsed, into: Map<string, Array<{ from: string; to: string }>>): void {
  const list = doc.getIn(['spec', 'artifacts'], true);
  if (!isSeq(list)) return;
  for (const artifact of list.items) {
    if (!isMap(artifact)) continue;
    const copies = artifact.get('copy', true);
    if (!isSeq(copies)) continue;
    const strip = (value: unknown, prefix: RegExp) => String(value ?? '').replace(prefix, '').replace(/\*\*.*$/, '').replace(/\/+$/, '');
    const mapped = copies.items.flatMap((c) => (isMap(c) ? [{ from: strip(c.get('from'), /^@[^/]+\/?/), to: strip(c.get('to'), /^@artifact\/?/) }] : []));
    into.set(String(artifact.get('name')), [...(into.get(String(artifact.get('name'))) ?? []), ...mapped]);
  }
}

/** A path inside an artifact, as the repo folders it was copied from. */
function fromArtifact(copies: Array<{ from: string; to: string }>, path: string): string[] {
  return copies.flatMap(({ from, to }) => {
    if (to === '') return [posix.join(from, path) || '.'];
    if (path === to || path.startsWith(`${to}/`)) return [posix.join(from, path.slice(to.length)) || '.'];
    return [];
  });
}
