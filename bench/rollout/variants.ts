import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { environmentOf, parseConfig } from '../../src/core/config/load.js';
import type { EnvironmentConfig } from '../../src/core/config/schema.js';
import type { ProgressSnapshot, Reporter } from '../../src/core/progress.js';
import type { RolloutEngine } from '../../src/core/rollout/rollout-engine.js';
import { engineFor } from '../../src/runtime/engine-factory.js';
import type { BenchService } from './flux-fixture.js';

export interface RolloutJob {
  service: BenchService;
  pr: number;
  sha: string;
  /** ps-<pr>-<sha7>, what every variant writes. */
  tag: string;
}

export interface Variant {
  readonly name: string;
  /** The bare remote this variant pushes to (one per variant, so they never race each other). */
  readonly remote: string;
  /** Untimed: clone, configure, warm caches. */
  prepare(warmup: RolloutJob): Promise<void>;
  /** Timed: one rollout. Returns rollbot's last progress snapshot, if any. */
  run(job: RolloutJob): Promise<ProgressSnapshot | undefined>;
}

async function cloneInto(remote: string, dir: string): Promise<void> {
  await execa('git', ['clone', '--quiet', remote, dir]);
  await execa('git', ['config', 'user.name', 'Bench'], { cwd: dir });
  await execa('git', ['config', 'user.email', 'bench@example.com'], { cwd: dir });
  await execa('git', ['config', 'pull.rebase', 'false'], { cwd: dir });
}

/**
 * a. rollbot: RolloutEngine.rollout through the production engine factory, warm clone cache. With
 * `alwaysFetch`, git.reuseHeadSeconds is 0: every rollout fetches first (what the reuse saves).
 */
export class RollbotVariant implements Variant {
  readonly name: string;
  readonly env: EnvironmentConfig;
  readonly engine: RolloutEngine;

  constructor(
    readonly remote: string,
    root: string,
    alwaysFetch = false,
  ) {
    this.name = alwaysFetch ? 'rollbot, fetch every time' : 'rollbot RolloutEngine';
    const dataDir = join(root, alwaysFetch ? 'rollbot-fetching-data' : 'rollbot-data');
    const git = alwaysFetch ? { reuseHeadSeconds: 0 } : {};
    const config = parseConfig({ dataDir, git, environments: { bench: { fluxGitRepo: remote } } }, join(root, 'rollbot.yaml'));
    this.env = environmentOf(config, 'bench');
    this.engine = engineFor(config);
  }

  get workspaceDir(): string {
    return this.engine.workspace(this.env).dir;
  }

  async prepare(warmup: RolloutJob): Promise<void> {
    await this.run(warmup); // first run clones; later runs find the cached clone
  }

  async run(job: RolloutJob): Promise<ProgressSnapshot | undefined> {
    let last: ProgressSnapshot | undefined;
    const reporter: Reporter = { progress: (s) => (last = s) };
    const result = await this.engine.rollout(this.env, { service: job.service.name, pr: job.pr, sha: job.sha }, reporter);
    if (result.status !== 'updated' || result.file !== job.service.tagFile || result.tag !== job.tag) {
      throw new Error(`rollbot did not update ${job.service.tagFile} to ${job.tag}: ${JSON.stringify(result)}`);
    }
    return last;
  }
}

/**
 * b. Seed 000's shell path with fixed inputs: git pull, grep for the HelmRelease, find values.yaml
 * when the release has no inline tag, edit in place, add, commit, push. Service and tag are
 * positional parameters ($1, $2), never interpolated into the script.
 */
const SEED_SCRIPT = String.raw`
set -eu
svc="$1"; tag="$2"
git pull --quiet
hr=$(grep -rl "name: $svc" --include="*.yaml" . | xargs grep -l "kind: HelmRelease" | head -1)
file="$hr"
if ! grep -q '^ *tag:' "$hr"; then file=$(find . -path "*/$svc/*" -name values.yaml | head -1); fi
sed -i -E "s|^( *tag:).*|\1 \"$tag\"|" "$file"
git add "$file"
git commit --quiet -m "chore($svc): update image tag to $tag"
git push --quiet
`;

export class ShellVariant implements Variant {
  readonly name = 'seed 000 shell path';
  readonly dir: string;

  constructor(
    readonly remote: string,
    root: string,
  ) {
    this.dir = join(root, 'shell-clone');
  }

  async prepare(warmup: RolloutJob): Promise<void> {
    await cloneInto(this.remote, this.dir);
    await this.run(warmup);
  }

  async run(job: RolloutJob): Promise<undefined> {
    await execa('bash', ['-c', SEED_SCRIPT, 'seed-rollout', job.service.name, job.tag], { cwd: this.dir });
    return undefined;
  }
}

/** c. The floor: an in-process one-line edit, `git commit -am`, `git push`. Nothing else. */
export class FloorVariant implements Variant {
  readonly name = 'floor (edit+commit+push)';
  readonly dir: string;

  constructor(
    readonly remote: string,
    root: string,
  ) {
    this.dir = join(root, 'floor-clone');
  }

  async prepare(warmup: RolloutJob): Promise<void> {
    await cloneInto(this.remote, this.dir);
    await this.run(warmup);
  }

  async run(job: RolloutJob): Promise<undefined> {
    const path = join(this.dir, job.service.tagFile);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(/^( *tag:).*$/m, `$1 "${job.tag}"`));
    await execa('git', ['commit', '--quiet', '-am', `chore(${job.service.name}): update image tag to ${job.tag}`], { cwd: this.dir });
    await execa('git', ['push', '--quiet'], { cwd: this.dir });
    return undefined;
  }
}

/** After the run: every variant's remote must hold each job's tag in the right file. */
export async function verifyRemote(variant: Variant, jobs: RolloutJob[]): Promise<string[]> {
  const problems: string[] = [];
  const latest = new Map(jobs.map((j) => [j.service.tagFile, j]));
  for (const [file, job] of latest) {
    const { stdout } = await execa('git', ['show', `main:${file}`], { cwd: variant.remote });
    if (!stdout.includes(job.tag)) problems.push(`${variant.name}: ${file} lacks ${job.tag}`);
  }
  return problems;
}
