import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { git } from './git.js';

const YAML_SPECS = ['*.yaml', '*.yml'];

interface ParsedDoc {
  errors: unknown[];
  getIn(path: string[]): unknown;
}

/** Names of the HelmReleases declared in a file (any document). */
function helmReleaseNames(text: string): string[] {
  if (!text.includes('HelmRelease')) return [];
  const names: string[] = [];
  for (const doc of parseAllDocuments(text) as Iterable<ParsedDoc>) {
    if (doc.errors.length) continue;
    const name = doc.getIn(['metadata', 'name']);
    if (doc.getIn(['kind']) === 'HelmRelease' && typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * Which YAML files a clone has and which HelmReleases each declares, kept per clone in memory and
 * moved forward with `git diff-tree` when the head changes: finding a service does not read the
 * whole repository on every job. The working tree must be at `commit` when it is read.
 */
export class FluxFileIndex {
  private static readonly byDir = new Map<string, FluxFileIndex>();
  private readonly releasesByFile = new Map<string, string[]>();
  private readonly filesByRelease = new Map<string, Set<string>>();
  /** values.y?ml files by each folder name on their path, and every file by its own name. */
  private readonly valuesByFolder = new Map<string, Set<string>>();
  private readonly filesByName = new Map<string, Set<string>>();

  private constructor(
    private readonly dir: string,
    private commit: string,
    files: string[],
  ) {
    for (const file of files) this.addPath(file);
  }

  /**
   * After a job's own commit: the only change is the file it edited, so the index moves forward
   * without asking git (when it was at the commit's parent).
   */
  static async recordCommit(dir: string, parent: string, commit: string, file: string): Promise<void> {
    const index = FluxFileIndex.byDir.get(dir);
    if (index?.commit !== parent) return;
    index.forget(file);
    index.addPath(file);
    await index.read(file);
    index.commit = commit;
  }

  static async of(dir: string, commit?: string): Promise<FluxFileIndex> {
    const head = commit ?? (await git(['rev-parse', 'HEAD'], dir)).stdout.trim();
    const cached = FluxFileIndex.byDir.get(dir);
    if (cached?.commit === head) return cached;
    if (cached) {
      try {
        await cached.advance(head);
        return cached;
      } catch {
        // An unknown old commit (the clone was made again): build from scratch.
      }
    }
    const built = await FluxFileIndex.build(dir, head);
    FluxFileIndex.byDir.set(dir, built);
    return built;
  }

  private static async build(dir: string, head: string): Promise<FluxFileIndex> {
    const files = (await git(['ls-files', '-z', '--', ...YAML_SPECS], dir)).stdout.split('\0').filter(Boolean);
    const index = new FluxFileIndex(dir, head, files);
    const grep = await git(['grep', '-l', '-z', '--fixed-strings', '-e', 'HelmRelease', '--', ...YAML_SPECS], dir, { allowFailure: true });
    for (const file of grep.stdout.split('\0').filter(Boolean)) await index.read(file);
    return index;
  }

  private async advance(head: string): Promise<void> {
    const diff = await git(['diff-tree', '-r', '-z', '--name-status', '--no-renames', this.commit, head, '--', ...YAML_SPECS], this.dir);
    const fields = diff.stdout.split('\0').filter(Boolean);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [status, file] = [fields[i]!, fields[i + 1]!];
      this.forget(file);
      if (status !== 'D') {
        this.addPath(file);
        await this.read(file);
      }
    }
    this.commit = head;
  }

  private async read(file: string): Promise<void> {
    const names = helmReleaseNames(await readFile(join(this.dir, file), 'utf8').catch(() => ''));
    if (!names.length) return;
    this.releasesByFile.set(file, names);
    for (const name of names) {
      let files = this.filesByRelease.get(name);
      if (!files) this.filesByRelease.set(name, (files = new Set()));
      files.add(file);
    }
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
  }

  /** Files declaring a HelmRelease with this metadata.name, below `root` ('' for all). */
  helmReleaseFiles(name: string, root: string): string[] {
    return [...(this.filesByRelease.get(name) ?? [])].filter((f) => isUnder(f, root)).sort();
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
