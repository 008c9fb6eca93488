import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/core/config/load.js';

/**
 * The deployment files: the Helm chart (rendered with `helm template` where helm is installed,
 * checked structurally everywhere), the Flux example, the Dockerfile and docker-compose.yml.
 */

const ROOT = resolve('.');
const CHART = join(ROOT, 'deploy/helm/rollbot');
const TEMPLATES = join(CHART, 'templates');
const FLUX_EXAMPLE = join(ROOT, 'deploy/flux/rollbot-helmrelease.yaml');

type Yaml = Record<string, any>;

const read = (path: string) => readFileSync(path, 'utf8');
const chart = parseYaml(read(join(CHART, 'Chart.yaml'))) as Yaml;
const values = parseYaml(read(join(CHART, 'values.yaml'))) as Yaml;
const templateFiles = readdirSync(TEMPLATES).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
const templates = Object.fromEntries(templateFiles.map((f) => [f, read(join(TEMPLATES, f))])) as Record<string, string>;
const allTemplates = Object.values(templates).join('\n');

function hasPath(obj: unknown, path: string[]): boolean {
  let node: unknown = obj;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !(key in (node as object))) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { stdio: 'ignore' }).status === 0;
}

describe('Helm chart deploy/helm/rollbot', () => {
  it('has a valid Chart.yaml', () => {
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'rollbot', type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/);
    expect(String(chart.appVersion)).toMatch(/^\d+\.\d+\.\d+/);
    expect(chart.description).toBeTruthy();
  });

  it('has the values the templates and the README promise', () => {
    expect(values.image).toMatchObject({ repository: expect.any(String), pullPolicy: 'IfNotPresent' });
    expect(values.slack).toEqual(expect.objectContaining({ existingSecret: '', botToken: '', signingSecret: '', appToken: '' }));
    expect(values.redis).toEqual(expect.objectContaining({ url: '', existingSecret: '' }));
    expect(values.bot.port).toBe(3000);
    expect(typeof values.worker.replicaCount).toBe('number');
    expect(values.bot.resources.requests).toBeDefined();
    expect(values.worker.resources.requests).toBeDefined();
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it("ships a default rollbot.yaml that rollbot's own config validation accepts", () => {
    const config = parseConfig(values.config, '/config/rollbot.yaml');
    expect(config.dataDir).toBe('/data');
    expect(Object.keys(config.environments).length).toBeGreaterThan(0);
  });

  it('references only values that exist in values.yaml', () => {
    const referenced = new Set([...allTemplates.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1]!.slice(1)));
    expect(referenced.size).toBeGreaterThan(20);
    const missing = [...referenced].filter((path) => !hasPath(values, path.split('.')));
    expect(missing).toEqual([]);
  });

  it('balances every template action block', () => {
    for (const [file, text] of Object.entries(templates)) {
      const opens = [...text.matchAll(/\{\{-?\s*(if|range|with|define|block)\b/g)].length;
      const ends = [...text.matchAll(/\{\{-?\s*end\s*-?\}\}/g)].length;
      expect({ file, opens }).toEqual({ file, opens: ends });
      expect({ file, braces: (text.match(/\{\{/g) ?? []).length }).toEqual({ file, braces: (text.match(/\}\}/g) ?? []).length });
    }
  });

  it('runs the bot and a scalable worker Deployment, with a Service for the bot', () => {
    const bot = templates['bot-deployment.yaml']!;
    const worker = templates['worker-deployment.yaml']!;
    expect(bot).toMatch(/kind: Deployment/);
    expect(bot).toContain('args: ["bot"]');
    expect(bot).toContain('containerPort: {{ .Values.bot.port }}');
    expect(worker).toMatch(/kind: Deployment/);
    expect(worker).toContain('args: ["worker"]');
    expect(worker).toContain('replicas: {{ .Values.worker.replicaCount }}');
    expect(worker).toContain('WORKER_CONCURRENCY');
    expect(worker).toMatch(/mountPath: \/data/);
    expect(templates['bot-service.yaml']).toMatch(/kind: Service[\s\S]*targetPort: http[\s\S]*app.kubernetes.io\/component: bot/);
  });

  it('wires liveness to /healthz and readiness to /readyz on the bot port', () => {
    const bot = templates['bot-deployment.yaml']!;
    expect(bot).toMatch(/livenessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/healthz\s*\n\s*port: http/);
    expect(bot).toMatch(/readinessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/readyz\s*\n\s*port: http/);
    expect(bot).toMatch(/- name: http\s*\n\s*containerPort: \{\{ \.Values\.bot\.port \}\}/);
    expect(bot).toMatch(/- name: PORT\s*\n\s*value: \{\{ \.Values\.bot\.port \| quote \}\}/);
  });

  it('keeps the Slack credentials in a Secret (or yours), under the names rollbot reads', () => {
    const secret = templates['secret.yaml']!;
    expect(secret).toMatch(/^\{\{- if not \.Values\.slack\.existingSecret \}\}/);
    expect(secret).toContain('kind: Secret');
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) {
      expect(secret).toContain(`${key}:`);
      expect(allTemplates).toMatch(new RegExp(`- name: ${key}\\s*\\n\\s*valueFrom:\\s*\\n\\s*secretKeyRef:`));
    }
    expect(templates['_helpers.tpl']).toContain('.Values.slack.existingSecret');
    expect(allTemplates).not.toMatch(/SLACK_(BOT_TOKEN|SIGNING_SECRET|APP_TOKEN)\s*\n\s*value:/);
  });

  it('connects to a Redis given by URL or by Secret, without bundling one', () => {
    const helpers = templates['_helpers.tpl']!;
    expect(helpers).toMatch(/- name: REDIS_URL/);
    expect(helpers).toContain('.Values.redis.url');
    expect(helpers).toContain('.Values.redis.existingSecret');
    expect(existsSync(join(CHART, 'charts'))).toBe(false);
    expect(chart.dependencies).toBeUndefined();
  });

  it('mounts rollbot.yaml from a ConfigMap built from values', () => {
    expect(templates['configmap.yaml']).toMatch(/kind: ConfigMap[\s\S]*rollbot\.yaml: \|\s*\n\s*\{\{- toYaml \.Values\.config \| nindent 4 \}\}/);
    expect(templates['_helpers.tpl']).toMatch(/- name: ROLLBOT_CONFIG\s*\n\s*value: \/config\/rollbot\.yaml/);
    expect(templates['_helpers.tpl']).toMatch(/mountPath: \/config\s*\n\s*readOnly: true/);
  });

  it('runs as non-root with a restricted security context', () => {
    for (const file of ['bot-deployment.yaml', 'worker-deployment.yaml']) {
      expect(templates[file]).toContain('{{- toYaml .Values.podSecurityContext | nindent 8 }}');
      expect(templates[file]).toContain('{{- toYaml .Values.securityContext | nindent 12 }}');
      expect(templates[file]).toMatch(/resources:\s*\n\s*\{\{- toYaml \.Values\.(bot|worker)\.resources/);
    }
    expect(values.podSecurityContext.runAsNonRoot).toBe(true);
    expect(values.podSecurityContext.runAsUser).not.toBe(0);
    expect(values.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('renders with helm where helm is installed', () => {
    if (!onPath('helm')) return; // helm is not in Debian; the structural checks above stand in for it.
    const rendered = spawnSync(
      'helm',
      ['template', 'rollbot', CHART, '--set', 'slack.botToken=xoxb-test', '--set', 'slack.signingSecret=s', '--set', 'redis.url=redis://redis:6379'],
      { encoding: 'utf8' },
    );
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as Yaml).filter(Boolean);
    const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
    const deployments = byKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['rollbot-bot', 'rollbot-worker']);
    const bot = deployments.find((d) => d.metadata.name === 'rollbot-bot')!.spec.template.spec;
    expect(bot.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
    expect(bot.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(bot.securityContext.runAsNonRoot).toBe(true);
    const worker = deployments.find((d) => d.metadata.name === 'rollbot-worker')!;
    expect(worker.spec.replicas).toBe(values.worker.replicaCount);
    expect(Object.keys(byKind('Secret')[0]!.data).sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    const configMap = byKind('ConfigMap')[0]!;
    expect(parseYaml(configMap.data['rollbot.yaml'])).toEqual(values.config);
  });
});

describe('Flux example deploy/flux/rollbot-helmrelease.yaml', () => {
  const docs = parseAllDocuments(read(FLUX_EXAMPLE)).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Yaml;
  });
  const find = (kind: string) => docs.find((d) => d?.kind === kind);

  it('has a GitRepository for rollbot and a HelmRelease of the chart in it', () => {
    const source = find('GitRepository')!;
    const release = find('HelmRelease')!;
    expect(source.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(source.spec.url).toMatch(/^(https|ssh):\/\//);
    expect(source.spec.ref.tag ?? source.spec.ref.branch).toBeTruthy();
    expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    const chartRef = release.spec.chart.spec;
    expect(chartRef.sourceRef).toEqual({ kind: 'GitRepository', name: source.metadata.name, namespace: source.metadata.namespace });
    expect(existsSync(join(ROOT, chartRef.chart, 'Chart.yaml'))).toBe(true);
    expect(chartRef.reconcileStrategy).toBe('Revision');
    // The source keeps the chart (its ignore rules re-include deploy/helm).
    expect(source.spec.ignore).toContain('!/deploy/helm/');
  });

  it('passes values the chart knows, with credentials from Secrets and a config rollbot accepts', () => {
    const release = find('HelmRelease')!;
    const given = release.spec.values as Yaml;
    const leafPaths = (obj: Yaml, prefix: string[] = []): string[][] =>
      Object.entries(obj).flatMap(([k, v]) =>
        k === 'config' && prefix.length === 0
          ? [[k]]
          : v && typeof v === 'object' && !Array.isArray(v) ? leafPaths(v as Yaml, [...prefix, k]) : [[...prefix, k]],
      );
    const unknown = leafPaths(given).filter((path) => !hasPath(values, path)).map((p) => p.join('.'));
    expect(unknown).toEqual([]);
    expect(given.slack.existingSecret).toBeTruthy();
    expect(given.slack.botToken).toBeUndefined();
    expect(() => parseConfig(given.config, '/config/rollbot.yaml')).not.toThrow();
    expect(release.spec.targetNamespace).toBe(find('Namespace')!.metadata.name);
  });
});

describe('Dockerfile and docker-compose.yml', () => {
  it('builds in stages and runs as a non-root user', () => {
    const dockerfile = read(join(ROOT, 'Dockerfile'));
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]![2]).toBeTruthy();
    expect(dockerfile).toMatch(/^COPY --from=\S+/m);
    const finalStage = dockerfile.slice(stages.at(-1)!.index);
    const users = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:.*)?$/);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    // node flags (V8 sized for a small service) may stand between node and the CLI.
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", (?:"--[^"]+", )*"bin\/rollbot\.js"\]$/m);
  });

  it('runs redis with a volume and a healthcheck, the bot, and a scalable worker', () => {
    const compose = parseYaml(read(join(ROOT, 'docker-compose.yml'))) as Yaml;
    const { redis, bot, worker } = compose.services;
    expect(redis.volumes.some((v: string) => /^[\w-]+:\/data$/.test(v))).toBe(true);
    const volumeName = (redis.volumes as string[]).find((v) => v.endsWith(':/data'))!.split(':')[0]!;
    expect(Object.keys(compose.volumes ?? {})).toContain(volumeName);
    expect(redis.healthcheck.test.join(' ')).toMatch(/redis-cli ping/);
    expect(bot.command).toEqual(['bot']);
    expect(bot.environment.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
    expect(bot.depends_on.redis.condition).toBe('service_healthy');
    expect(worker.command).toEqual(['worker']);
    // `docker compose up --scale worker=N` needs no fixed container name and no fixed host port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.depends_on.redis.condition).toBe('service_healthy');
  });
});

describe('the chart\'s ClusterRole for following rollouts', () => {
  const plain = templates['clusterrole.yaml']!.split('\n').filter((l) => !l.trim().startsWith('{{')).join('\n').replace(/\{\{[^}]*\}\}/g, 'x');
  const role = parseAllDocuments(plain)[0]!.toJS() as Yaml;
  const rules = role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;

  it('reads and watches, and patches only Flux sources and Kustomizations', () => {
    expect(role.kind).toBe('ClusterRole');
    for (const rule of rules) expect(rule.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch']));
    const patching = rules.filter((r) => r.verbs.includes('patch'));
    expect(patching.map((r) => r.apiGroups).flat().sort()).toEqual(['kustomize.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io']);
    expect(rules.flatMap((r) => r.verbs).filter((v) => !['get', 'list', 'watch', 'patch'].includes(v))).toEqual([]);
  });

  it('is exactly what the emulated API server needs to let the follower work', async () => {
    const { allows } = await import('../src/kube-emulator/rbac.js');
    expect(allows(rules, 'patch', 'source.toolkit.fluxcd.io', 'gitrepositories')).toBe(true);
    expect(allows(rules, 'patch', 'kustomize.toolkit.fluxcd.io', 'kustomizations')).toBe(true);
    expect(allows(rules, 'watch', 'helm.toolkit.fluxcd.io', 'helmreleases')).toBe(true);
    expect(allows(rules, 'watch', '', 'pods')).toBe(true);
    expect(allows(rules, 'patch', 'helm.toolkit.fluxcd.io', 'helmreleases')).toBe(false);
    expect(allows(rules, 'patch', 'apps', 'deployments')).toBe(false);
  });
});
