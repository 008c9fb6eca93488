import { chmod, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export async function run(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execa('git', args, { cwd, env: { GIT_TERMINAL_PROMPT: '0' } });
  return stdout.trim();
}

const identity = ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com'];

export async function tempDir(prefix = 'rollbot-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A bare "remote" seeded with files, plus a helper clone for pushing from "someone else". */
export class BareRepo {
  private constructor(
    readonly root: string,
    readonly url: string,
    readonly branch: string,
  ) {}

  static async create(root: string, files: Record<string, string>, branch = 'main'): Promise<BareRepo> {
    const url = join(root, 'remote.git');
    await run(root, 'init', '--quiet', '--bare', `--initial-branch=${branch}`, url);
    const repo = new BareRepo(root, url, branch);
    await repo.commitFiles(files, 'initial layout');
    return repo;
  }

  /** Clones, writes files, commits and pushes: another person pushing to the same repo. */
  async commitFiles(files: Record<string, string>, message: string): Promise<string> {
    const work = await mkdtemp(join(this.root, 'clone-'));
    await run(this.root, 'clone', '--quiet', this.url, work);
    await run(work, 'checkout', '--quiet', '-B', this.branch);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await run(work, 'add', '-A');
    await run(work, ...identity, 'commit', '--quiet', '--allow-empty', '-m', message);
    await run(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${this.branch}`);
    const sha = await run(work, 'rev-parse', 'HEAD');
    await rm(work, { recursive: true, force: true });
    return sha;
  }

  /** Counts the pushes the remote accepts from now on (a post-receive hook; refused pushes never reach it). */
  async countPushes(): Promise<() => Promise<number>> {
    const log = join(this.root, `pushes-${Date.now()}.log`);
    const hook = join(this.url, 'hooks', 'post-receive');
    await writeFile(hook, `#!/bin/sh\necho push >> "${log}"\n`);
    await chmod(hook, 0o755);
    return async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  }

  async show(path: string, rev = this.branch): Promise<string> {
    return run(this.url, 'show', `${rev}:${path}`);
  }

  async log(rev = this.branch, format = '%s'): Promise<string[]> {
    return (await run(this.url, 'log', `--format=${format}`, rev)).split('\n');
  }

  async commitCount(): Promise<number> {
    return Number(await run(this.url, 'rev-list', '--count', this.branch));
  }

  /** The diff of one commit, without headers: just the changed lines. */
  async changedLines(rev = this.branch): Promise<string[]> {
    const diff = await run(this.url, 'show', '--format=', '--unified=0', rev);
    return diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l));
  }

  async headMessage(rev = this.branch): Promise<string> {
    return run(this.url, 'log', '-1', '--format=%B', rev);
  }
}

/** A service's source repo with PR refs, as GitHub serves them (`refs/pull/<n>/head`). */
export async function createSourceRepo(root: string, name: string, prs: Record<number, number>): Promise<{ url: string; heads: Record<number, string>; main: string[] }> {
  const url = join(root, `${name}.git`);
  const work = join(root, `${name}-work`);
  await run(root, 'init', '--quiet', '--bare', '--initial-branch=main', url);
  await run(root, 'init', '--quiet', '--initial-branch=main', work);
  const main: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await writeFile(join(work, 'app.txt'), `v${i}\n`);
    await run(work, 'add', '-A');
    await run(work, ...identity, 'commit', '--quiet', '-m', `feat: change ${i} of ${name}`);
    main.push(await run(work, 'rev-parse', 'HEAD'));
  }
  await run(work, 'push', '--quiet', url, 'main');
  const heads: Record<number, string> = {};
  for (const [pr, commits] of Object.entries(prs)) {
    await run(work, 'checkout', '--quiet', '-B', `pr-${pr}`, 'main');
    for (let i = 0; i < commits; i++) {
      await writeFile(join(work, `pr-${pr}.txt`), `${i}\n`);
      await run(work, 'add', '-A');
      await run(work, ...identity, 'commit', '--quiet', '-m', `PR ${pr} commit ${i}`);
    }
    heads[Number(pr)] = await run(work, 'rev-parse', 'HEAD');
    await run(work, 'push', '--quiet', url, `HEAD:refs/pull/${pr}/head`);
  }
  await run(work, 'checkout', '--quiet', 'main');
  return { url, heads, main };
}

export const helmRelease = (name: string, tag: string, extra = '') => `# ${name} release: managed by Flux
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  interval: 5m
  chart:
    spec:
      chart: ${name}
      sourceRef:
        kind: HelmRepository
        name: charts
  values:
    replicaCount: 2
    image:
      repository: ghcr.io/acme/${name} # pinned by rollbot
      tag: "${tag}"
      pullPolicy: IfNotPresent${extra}
`;

export const valuesFile = (name: string, tag: string) => `# values for ${name}
image:
  repository: ghcr.io/acme/${name}
  tag: ${tag}  # updated by CI
resources:
  limits: { cpu: 500m }
`;

/** A HelmRelease whose values come from a values.yaml next to it (no inline tag). */
export const helmReleaseWithValuesFrom = (name: string, namespace: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  chart:
    spec:
      chart: ${name}
  valuesFrom:
    - kind: ConfigMap
      name: ${name}-values
`;

export { fluxKustomization } from '../../src/demo/demo-flux-layout.js';
