import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * A bare remote for one bench run, cloned from the fixture, that counts the pushes it accepts
 * (post-receive runs once per accepted push; a rejected one never reaches it).
 */
export class BenchRemote {
  private constructor(
    readonly path: string,
    private readonly pushLog: string,
  ) {}

  static async create(fixture: string, root: string, name: string): Promise<BenchRemote> {
    const path = join(root, `${name}.git`);
    const pushLog = join(root, `${name}-pushes.log`);
    await execa('git', ['clone', '--quiet', '--bare', fixture, path]);
    const hook = join(path, 'hooks', 'post-receive');
    await writeFile(hook, `#!/bin/sh\necho push >> "${pushLog}"\n`);
    await chmod(hook, 0o755);
    return new BenchRemote(path, pushLog);
  }

  async acceptedPushes(): Promise<number> {
    return (await readFile(this.pushLog, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  }

  async commitCount(): Promise<number> {
    return Number((await execa('git', ['rev-list', '--count', 'main'], { cwd: this.path })).stdout.trim());
  }

  async show(file: string): Promise<string> {
    return (await execa('git', ['show', `main:${file}`], { cwd: this.path })).stdout;
  }
}

/**
 * Makes a clone's fetches and pushes slow, as against a hosted remote: remote.origin.uploadpack and
 * receivepack point at scripts that sleep, then exec the real git-upload-pack / git-receive-pack.
 */
export async function slowDownRemote(clone: string, root: string, delayMs: number): Promise<void> {
  const seconds = (delayMs / 1000).toFixed(3);
  for (const [key, program] of [
    ['remote.origin.uploadpack', 'git-upload-pack'],
    ['remote.origin.receivepack', 'git-receive-pack'],
  ] as const) {
    const script = join(root, `slow-${program}.sh`);
    await writeFile(script, `#!/bin/sh\nsleep ${seconds}\nexec ${program} "$@"\n`);
    await chmod(script, 0o755);
    await execa('git', ['config', key, script], { cwd: clone });
  }
}
