import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { demoCatalog, demoFluxFiles } from './demo-flux-layout.js';
import { DEMO_PIPELINE_YAML, DEMO_TOOLS } from './demo-redeploy.js';
import { DEMO_SERVICES, demoBuildTag } from './demo-services.js';

/**
 * A self-contained demo: a bare Flux repo with two clusters laid out like the fluxcd examples, source
 * repos with PR refs (as GitHub serves them), a services catalog, a registry folder, a redeploy
 * pipeline of harmless local commands and a rollbot.yaml pointing at all of it. Made on first start
 * and kept afterwards, so the demo remembers its history.
 */
export interface DemoEnvironment {
  root: string;
  configPath: string;
  fluxRepo: string;
  /** Where local mode runs the demo registry, and which builds it must hold. */
  registry: { dir: string; port: number; images: Array<{ name: string; tag: string }> };
  /** service -> PR number -> head SHA. */
  pullRequests: Record<string, Record<number, string>>;
  /** service -> main-branch commits, oldest first. */
  mainCommits: Record<string, string[]>;
}

const identity = ['-c', 'user.name=Demo Dev', '-c', 'user.email=dev@example.com'];

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout.trim();
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

async function pushTree(root: string, bare: string, files: Record<string, string>, message: string): Promise<void> {
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const work = `${bare}-work`;
  await git(root, 'clone', '--quiet', bare, work);
  await git(work, 'checkout', '--quiet', '-B', 'main');
  await writeFiles(work, files);
  await git(work, 'add', '-A');
  await git(work, ...identity, 'commit', '--quiet', '-m', message);
  await git(work, 'push', '--quiet', 'origin', 'main');
  await rm(work, { recursive: true, force: true });
}

async function createSourceRepo(root: string, name: string): Promise<void> {
  const url = join(root, 'sources', `${name}.git`);
  const work = join(root, 'sources', `${name}-work`);
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', url);
  await git(root, 'init', '--quiet', '--initial-branch=main', work);
  for (const change of ['initial service', 'add health endpoint', 'fix config loading']) {
    await writeFile(join(work, 'CHANGELOG.md'), `${change}\n`, { flag: 'a' });
    await git(work, 'add', '-A');
    await git(work, ...identity, 'commit', '--quiet', '-m', `feat(${name}): ${change}`);
  }
  await git(work, 'push', '--quiet', url, 'main');
  // PR #43's image is never built: rolling it out ends in ImagePullBackOff.
  for (const pr of [41, 42, 43]) {
    await git(work, 'checkout', '--quiet', '-B', `feature-${pr}`, 'main');
    await writeFile(join(work, `feature-${pr}.txt`), `PR ${pr}\n`);
    await git(work, 'add', '-A');
    await git(work, ...identity, 'commit', '--quiet', '-m', `feat(${name}): feature from PR #${pr}`);
    await git(work, 'push', '--quiet', url, `HEAD:refs/pull/${pr}/head`);
  }
  await rm(work, { recursive: true, force: true });
}

function configYaml(root: string, registryPort: number): string {
  const sources = join(root, 'sources', '{service}.git');
  return `# rollbot demo configuration (made by \`rollbot demo\` / local mode; safe to edit)
dataDir: ${join(root, 'data')}
environments:
  rdebug:
    fluxGitRepo: ${join(root, 'flux-config.git')}
    fluxRoot: clusters/rdebug
    catalog: ${join(root, 'services-catalog.json')}
    sourceRepo: ${sources}
    cluster:                  # local mode runs an emulated cluster (Flux + kubelet) for rdebug
      kubeconfig: ${join(root, 'kubeconfig')}
      context: demo-rdebug
      timeoutMinutes: 5
    redeploy:
      pipelines: ${join(root, 'redeploy.yaml')}
      workdir: ${root}
      envFile: ${join(root, '.env')}
      passEnv: [DEMO_HEALTH_URL]
      notifyChannel: C_GENERAL
  prod:
    fluxGitRepo: ${join(root, 'flux-config.git')}
    fluxRoot: clusters/prod
    catalog: ${join(root, 'services-catalog-prod.json')}
    sourceRepo: ${sources}
    allowRollout: false       # prod changes only through approved releases
    release:
      tagTemplate: main-{sha7}-{ts}
      registry: { url: "http://127.0.0.1:${registryPort}", repository: "acme/{service}" }
      approval: { required: 1, deadlineHours: 24 }
  audit:
    fluxGitRepo: ${join(root, 'flux-config.git')}
    fluxRoot: clusters/prod
    readOnly: true            # look, don't touch
    catalog: ${join(root, 'services-catalog-prod.json')}
`;
}

async function readHeads(root: string): Promise<{ pullRequests: DemoEnvironment['pullRequests']; mainCommits: DemoEnvironment['mainCommits'] }> {
  const pullRequests: DemoEnvironment['pullRequests'] = {};
  const mainCommits: DemoEnvironment['mainCommits'] = {};
  for (const svc of DEMO_SERVICES) {
    const repo = join(root, 'sources', `${svc.name}.git`);
    const refs = await git(root, 'ls-remote', repo, 'refs/pull/*/head');
    pullRequests[svc.name] = Object.fromEntries(
      refs
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [sha, ref] = line.split('\t');
          return [Number(ref!.split('/')[2]), sha!];
        }),
    );
    mainCommits[svc.name] = (await git(repo, 'rev-list', '--reverse', 'main')).split('\n');
  }
  return { pullRequests, mainCommits };
}

/** A free-ish fixed port for the demo registry, kept in the config so restarts find their images. */
function registryPortOf(configText: string): number {
  return Number(/url: "http:\/\/127\.0\.0\.1:(\d+)"/.exec(configText)?.[1] ?? 0);
}

export async function ensureDemoEnvironment(root: string, options: { registryPort?: number } = {}): Promise<DemoEnvironment> {
  const configPath = join(root, 'rollbot.yaml');
  const fluxRepo = join(root, 'flux-config.git');
  // v2: PR #43 and the emulated cluster; an older demo is made again.
  if (!existsSync(join(root, '.demo-complete-v2'))) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    for (const svc of DEMO_SERVICES) await createSourceRepo(root, svc.name);
    const { mainCommits } = await readHeads(root);
    // Prod runs each service's first main build; the later builds are in the registry, ready to release.
    await pushTree(root, fluxRepo, demoFluxFiles((service) => demoBuildTag(mainCommits[service]![0]!, 0), fluxRepo), 'Initial Flux layout');
    await pushTree(root, join(root, 'runtime-infra.git'), { 'README.md': '# runtime infra (demo)\n', 'Dockerfile.runtime': 'FROM python:3.12-slim\n' }, 'initial');
    await git(root, 'clone', '--quiet', join(root, 'runtime-infra.git'), join(root, 'runtime-infra'));
    await writeFiles(root, DEMO_TOOLS);
    await writeFile(join(root, 'redeploy.yaml'), DEMO_PIPELINE_YAML);
    await writeFile(join(root, '.env'), '# read before every demo redeploy (seed 004: source ~/.omnibase/.env)\nDEMO_DB_PASSWORD=demo-Secret-42\n');
    await writeFile(join(root, 'services-catalog.json'), demoCatalog(fluxRepo, 'rdebug'));
    await writeFile(join(root, 'services-catalog-prod.json'), demoCatalog(fluxRepo, 'prod'));
    await writeFile(configPath, configYaml(root, options.registryPort ?? 5055));
    await writeFile(join(root, '.demo-complete-v2'), new Date().toISOString());
  }
  const heads = await readHeads(root);
  const images = DEMO_SERVICES.flatMap((svc) => [
    ...heads.mainCommits[svc.name]!.map((sha, i) => ({ name: `acme/${svc.name}`, tag: demoBuildTag(sha, i) })),
    // What rdebug runs at first, and the PR builds CI made (#41, #42; #43 never built).
    { name: `acme/${svc.name}`, tag: 'ps-1-0000000' },
    ...[41, 42].map((pr) => ({ name: `acme/${svc.name}`, tag: `ps-${pr}-${heads.pullRequests[svc.name]![pr]!.slice(0, 7)}` })),
  ]);
  const port = registryPortOf(await readFile(configPath, 'utf8'));
  return { root, configPath, fluxRepo, registry: { dir: join(root, 'registry'), port, images }, ...heads };
}
