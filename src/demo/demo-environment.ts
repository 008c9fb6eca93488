import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/**
 * A self-contained demo: a bare Flux repo laid out like the fluxcd examples, source repos with PR
 * refs (as GitHub serves them), a services catalog and a rollbot.yaml pointing at all of it. Made on
 * first start; kept afterwards so the demo remembers its history.
 */
export interface DemoEnvironment {
  root: string;
  configPath: string;
  fluxRepo: string;
  /** PR number -> head SHA, per service. */
  pullRequests: Record<string, Record<number, string>>;
}

const SERVICES: Array<{ name: string; description: string; layout: 'helmrelease' | 'values' }> = [
  { name: 'papi', description: 'Platform API - core backend service', layout: 'values' },
  { name: 'frontend', description: 'Web frontend application', layout: 'helmrelease' },
  { name: 'runner', description: 'Task runner service', layout: 'helmrelease' },
  { name: 'gateway', description: 'Public API gateway', layout: 'helmrelease' },
  { name: 'auth', description: 'Login and tokens', layout: 'values' },
  { name: 'billing', description: 'Invoices and payments', layout: 'helmrelease' },
];

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

function helmReleaseYaml(name: string): string {
  return `# ${name}: deployed by Flux from the charts HelmRepository
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: runwhen-local
spec:
  interval: 5m
  chart:
    spec:
      chart: ${name}
      version: ">=1.0.0"
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  values:
    replicaCount: 2
    image:
      repository: ghcr.io/acme/${name} # built by CI
      tag: "ps-1-0000000"
`;
}

function valuesYaml(name: string): string {
  return `# Helm values for ${name} (the HelmRelease reads them through valuesFrom)
image:
  repository: ghcr.io/acme/${name}
  tag: ps-1-0000000 # set by rollbot
service:
  port: 8080
`;
}

function fluxFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'clusters/rdebug/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: main
  url: ssh://git@example.com/acme/flux-config
`,
  };
  for (const svc of SERVICES) {
    const dir = `clusters/rdebug/apps/${svc.name}`;
    files[`${dir}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - helmrelease.yaml
`;
    if (svc.layout === 'helmrelease') files[`${dir}/helmrelease.yaml`] = helmReleaseYaml(svc.name);
    else {
      files[`${dir}/values.yaml`] = valuesYaml(svc.name);
      files[`${dir}/helmrelease.yaml`] = helmReleaseYaml(svc.name)
        .replace(/  values:\n[\s\S]*$/, `  valuesFrom:\n    - kind: ConfigMap\n      name: ${svc.name}-values\n`);
    }
  }
  return files;
}

function catalog(fluxRepo: string): string {
  const services = Object.fromEntries(
    SERVICES.map((s) => [
      s.name,
      {
        description: s.description,
        namespace: 'runwhen-local',
        fluxPath: `clusters/rdebug/apps/${s.name}/`,
        helmRelease: s.name,
        kustomization: `apps-${s.name}`,
      },
    ]),
  );
  return JSON.stringify({ version: '1.0', generatedFrom: { cluster: 'rdebug-demo', fluxRepo, generatedAt: new Date().toISOString() }, services }, null, 2) + '\n';
}

async function createSourceRepo(root: string, name: string): Promise<Record<number, string>> {
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
  const heads: Record<number, string> = {};
  for (const pr of [41, 42]) {
    await git(work, 'checkout', '--quiet', '-B', `feature-${pr}`, 'main');
    await writeFile(join(work, `feature-${pr}.txt`), `PR ${pr}\n`);
    await git(work, 'add', '-A');
    await git(work, ...identity, 'commit', '--quiet', '-m', `feat(${name}): feature from PR #${pr}`);
    heads[pr] = await git(work, 'rev-parse', 'HEAD');
    await git(work, 'push', '--quiet', url, `HEAD:refs/pull/${pr}/head`);
  }
  await rm(work, { recursive: true, force: true });
  return heads;
}

function configYaml(root: string): string {
  return `# rollbot demo configuration (made by \`rollbot demo\`; safe to edit)
dataDir: ${join(root, 'data')}
defaultEnvironment: rdebug
environments:
  rdebug:
    fluxGitRepo: ${join(root, 'flux-config.git')}
    branch: main
    catalog: ${join(root, 'services-catalog.json')}
    sourceRepo: ${join(root, 'sources', '{service}.git')}
  prod:
    fluxGitRepo: ${join(root, 'flux-config.git')}
    branch: main
    readOnly: true
    catalog: ${join(root, 'services-catalog.json')}
    sourceRepo: ${join(root, 'sources', '{service}.git')}
`;
}

async function readHeads(root: string): Promise<Record<string, Record<number, string>>> {
  const result: Record<string, Record<number, string>> = {};
  for (const svc of SERVICES) {
    const refs = await git(root, 'ls-remote', join(root, 'sources', `${svc.name}.git`), 'refs/pull/*/head');
    result[svc.name] = Object.fromEntries(
      refs.split('\n').filter(Boolean).map((line) => {
        const [sha, ref] = line.split('\t');
        return [Number(ref!.split('/')[2]), sha!];
      }),
    );
  }
  return result;
}

export async function ensureDemoEnvironment(root: string): Promise<DemoEnvironment> {
  const configPath = join(root, 'rollbot.yaml');
  const fluxRepo = join(root, 'flux-config.git');
  if (!existsSync(join(root, '.demo-complete'))) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', fluxRepo);
    const work = join(root, 'flux-work');
    await git(root, 'clone', '--quiet', fluxRepo, work);
    await git(work, 'checkout', '--quiet', '-B', 'main');
    await writeFiles(work, fluxFiles());
    await git(work, 'add', '-A');
    await git(work, ...identity, 'commit', '--quiet', '-m', 'Initial Flux layout');
    await git(work, 'push', '--quiet', 'origin', 'main');
    await rm(work, { recursive: true, force: true });
    for (const svc of SERVICES) await createSourceRepo(root, svc.name);
    await writeFile(join(root, 'services-catalog.json'), catalog(fluxRepo));
    await writeFile(configPath, configYaml(root));
    await writeFile(join(root, '.demo-complete'), new Date().toISOString());
  }
  return { root, configPath, fluxRepo, pullRequests: await readHeads(root) };
}
