import { parseAllDocuments } from 'yaml';
import { git } from './git.js';
import type { FileChange } from './commit-builder.js';
import type { RepoTree } from './repo-tree.js';
import { findImageSitesIn, type Doc } from './sites/image-site-finder.js';
import { imageBaseName } from './sites/image-site.js';

const YAML_SPECS = ['*.yaml', '*.yml'];
/** Files without one of these words hold no image site the index needs to know (values files are found by name). */
const INDEXED_WORDS = ['HelmRelease', 'containers:', 'images:', '$imagepolicy', 'imageName'];

/** What a file declares: HelmRelease names, and the keys its image sites can be found by. */
function describeFile(text: string, file: string): { releases: string[]; keys: string[] } {
  const docs = Array.from(parseAllDocuments(text) as Iterable<Doc>);
  if (docs.some((d) => d.errors.length)) return { releases: [], keys: [] };
  const releases: string[] = [];
  for (const doc of docs) {
    const name = doc.getIn(['metadata', 'name']);
    if (doc.getIn(['kind']) === 'HelmRelease' && typeof name === 'string') releases.push(name);
  }
  const keys = new Set<string>();
  try {
    for (const site of findImageSitesIn(docs, text, file)) {
      if (site.owner.name) keys.add(`name:${site.owner.name}`);
      if (site.owner.anchor) keys.add(`name:${site.owner.anchor}`);
      if (site.container) keys.add(`container:${imageBaseName(site.container)}`);
      if (site.controller) keys.add(`container:${site.controller}`);
      const base = imageBaseName(site.repository);
      if (base) keys.add(`image:${base}`);
      if (site.setter) keys.add(`policy:${site.setter.policy}`);
    }
  } catch {
    // A file the finder refuses is reported when a rollout reads it, not while indexing.
  }
  return { releases, keys: [...keys] };
}

/**
 * Which YAML files a clone has and which HelmReleases each declares, kept per clone in memory and
 * moved forward with `git diff-tree` when the head changes: finding a service does not read the
 * whole repository on every job.
 */
export class FluxFileIndex {
  private static readonly byDir = new Map<string, FluxFileIndex>();
  private readonly releasesByFile = new Map<string, string[]>();
  private readonly filesByRelease = new Map<string, Set<string>>();
  /** values.y?ml files by each folder name on their path, and every file by its own name. */
  private readonly valuesByFolder = new Map<string, Set<string>>();
  private readonly filesByName = new Map<string, Set<string>>();
  /** Files by what their image sites can be found by: `name:`, `container:`, `image:`, `policy:`. */
  private readonly filesByKey = new Map<string, Set<string>>();
  private readonly keysByFile = new Map<string, string[]>();

  private constructor(
    private tree: RepoTree,
    files: string[],
  ) {
    for (const file of files) this.addPath(file);
  }

  /**
   * After a job's own commit: the only changes are the files it wrote, whose texts it has, so the
   * index moves forward without asking git (when it was at the commit's parent).
   */
  static recordCommit(parent: RepoTree, commit: string, changes: FileChange[]): void {
    const index = FluxFileIndex.byDir.get(parent.gitDir);
    if (index?.tree.commit !== parent.commit) return;
    index.tree = parent.at(commit);
    for (const { file, content } of changes) {
      index.forget(file);
      index.addPath(file);
      index.learn(file, content.toString());
    }
  }

  static async of(tree: RepoTree): Promise<FluxFileIndex> {
    const cached = FluxFileIndex.byDir.get(tree.gitDir);
    if (cached?.tree.commit === tree.commit) return cached;
    if (cached) {
      try {
        await cached.advance(tree);
        return cached;
      } catch {
        // An unknown old commit (the clone was made again): build from scratch.
      }
    }
    const built = await FluxFileIndex.build(tree);
    FluxFileIndex.byDir.set(tree.gitDir, built);
    return built;
  }

  private static async build(tree: RepoTree): Promise<FluxFileIndex> {
    const index = new FluxFileIndex(tree, await tree.yamlFiles());
    for (const file of await tree.grep(INDEXED_WORDS, YAML_SPECS)) await index.read(file);
    return index;
  }

  private async advance(to: RepoTree): Promise<void> {
    const diff = await git(['diff-tree', '-r', '-z', '--name-status', '--no-renames', this.tree.commit, to.commit, '--', ...YAML_SPECS], to.gitDir);
    this.tree = to;
    const fields = diff.stdout.split('\0').filter(Boolean);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [status, file] = [fields[i]!, fields[i + 1]!];
      this.forget(file);
      if (status !== 'D') {
        this.addPath(file);
        await this.read(file);
      }
    }
  }

  private async read(file: string): Promise<void> {
    this.learn(file, (await this.tree.read(file)) ?? '');
  }

  private learn(file: string, text: string): void {
    if (!INDEXED_WORDS.some((w) => text.includes(w))) return;
    const { releases, keys } = describeFile(text, file);
    if (releases.length) this.releasesByFile.set(file, releases);
    for (const name of releases) addTo(this.filesByRelease, name, file);
    if (keys.length) this.keysByFile.set(file, keys);
    for (const key of keys) addTo(this.filesByKey, key, file);
  }

  private addPath(file: string): void {
    const segments = file.split('/');
    const name = segments.pop()!;
    addTo(this.filesByName, name, file);
    if (name === 'values.yaml' || name === 'values.yml') for (const folder of segments) addTo(this.valuesByFolder, folder, file);
  }

  private forget(file: string): void {
    const segments = file.split('/');
    const name = segments.pop()!;
    this.filesByName.get(name)?.delete(file);
    for (const folder of segments) this.valuesByFolder.get(folder)?.delete(file);
    for (const name of this.releasesByFile.get(file) ?? []) this.filesByRelease.get(name)?.delete(file);
    this.releasesByFile.delete(file);
    for (const key of this.keysByFile.get(file) ?? []) this.filesByKey.get(key)?.delete(file);
    this.keysByFile.delete(file);
  }

  /** Files declaring a HelmRelease with this metadata.name, below `root` ('' for all). */
  helmReleaseFiles(name: string, root: string): string[] {
    return [...(this.filesByRelease.get(name) ?? [])].filter((f) => isUnder(f, root)).sort();
  }

  /** Files with an image site found by this key (`name:papi`, `policy:papi`, …), below `root`. */
  filesWithKey(key: string, root: string): string[] {
    return [...(this.filesByKey.get(key) ?? [])].filter((f) => isUnder(f, root)).sort();
  }

  /** values.yaml files in a folder named `folder` (any depth), below `root`. */
  valuesFilesIn(folder: string, root: string): string[] {
    return [...(this.valuesByFolder.get(folder) ?? [])].filter((f) => isUnder(f, root)).sort();
  }

  /** Files with one of these names (any folder), below `root`. */
  filesNamed(names: string[], root: string): string[] {
    return names.flatMap((n) => [...(this.filesByName.get(n) ?? [])]).filter((f) => isUnder(f, root)).sort();
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function isUnder(file: string, root: string): boolean {
  return root === '' || file.startsWith(`${root}/`);
}
