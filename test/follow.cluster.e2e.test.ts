import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/kube-emulator/index.js';
import type { RecordedMessage } from '../src/slack-emulator/types.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { helmRelease, removeDir, tempDir } from './support/git-fixtures.js';
import { chartClusterRoleRules, clusterFiles, startCluster } from './support/kube-cluster.js';
import { pushImage, startRegistry, type RegistryServer } from './support/registry-server.js';

// A rollout followed into an emulated cluster: Flux reconciles the bare repo rollbot pushes to, the
// kubelet pulls from a real registry, and the bot reads it all through @kubernetes/client-node.
let h: BotHarness;
let kube: KubeEmulator;
let registry: RegistryServer;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('rollbot-follow-');
  registry = await startRegistry(join(dir, 'registry'));
  await pushImage(registry.url, 'acme/papi', 'ps-1-0000000', { content: 'first' });
  const kubeconfig = join(dir, 'kubeconfig');
  h = await BotHarness.start({
    fluxFiles: clusterFiles('rdebug', { papi: helmRelease('papi', 'ps-1-0000000') }),
    envConfig: { kustomization: 'apps-papi', cluster: { kubeconfig, context: 'rdebug', timeoutMinutes: 2 } },
    environments: { nokube: { kustomization: 'apps-papi', cluster: { kubeconfig: join(dir, 'missing-kubeconfig') } } },
  });
  await pushImage(registry.url, 'acme/papi', `ps-42-${h.prHeads[42]!.slice(0, 7)}`, { content: 'pr 42' });
  // The API server enforces the Helm chart's ClusterRole: the follower must manage with exactly that.
  kube = await startCluster(dir, h.flux.url, 'rdebug', { registryUrl: registry.url, timeScale: 50, rules: chartClusterRoleRules() });
  await kube.writeKubeconfig(kubeconfig, 'rdebug');
  await kube.waitFor('Deployment', 'apps', 'papi', (d) => d.status?.availableReplicas === 2);
  await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_LIVE' });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await kube?.stop();
  await registry?.stop();
  if (dir) await removeDir(dir);
});

/** A message posted after `before` (a snapshot of the channel) whose text matches. */
const waitForNew = (before: Set<string>, pattern: RegExp, timeoutMs = 30_000) =>
  h.emulator.waitFor(() => h.botMessages('C_LIVE').find((m) => !before.has(m.ts) && pattern.test(messageText(m))), timeoutMs);
const snapshot = () => new Set(h.botMessages('C_LIVE').map((m) => m.ts));

const stepLine = (m: RecordedMessage, label: string) => messageText(m).split('\n').find((l) => l.includes(`*${label}*`)) ?? '';
const threadReplies = (m: RecordedMessage) => h.botMessages('C_LIVE').filter((r) => r.thread_ts === m.ts);

describe('following /rollout into the cluster', () => {
  it('ends live in the same message, with Reconcile, Source, Applied and Live steps, and mentions the requester in the thread', async () => {
    const tag = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_LIVE', user: 'U_ALICE' });
    const done = await h.waitForMessage('C_LIVE', new RegExp(`✅ papi ${tag} is live in rdebug — 2/2 pods ready, \\d+ s after the push`), 30_000);
    const commit = (await h.flux.log('main', '%H'))[0]!;
    expect(stepLine(done, 'Push')).toMatch(/^✅/);
    expect(stepLine(done, 'Reconcile')).toMatch(/^✅ \*Reconcile\* — requested/);
    expect(stepLine(done, 'Source')).toContain(`GitRepository flux-system at ${commit.slice(0, 7)}`);
    expect(stepLine(done, 'Applied')).toContain(`Kustomization apps-papi at ${commit.slice(0, 7)}`);
    expect(stepLine(done, 'Live')).toContain('Deployment papi: 2/2 pods ready');
    expect(messageText(done)).not.toContain('Flux will reconcile automatically');
    expect(h.botMessages('C_LIVE').filter((m) => /Rollout of papi/.test(messageText(m)))).toHaveLength(1);
    await h.waitForMessage('C_LIVE', new RegExp(`^<@U_ALICE> ✅ papi ${tag} is live in rdebug`));
    expect(threadReplies(done).some((r) => messageText(r).includes(`<@U_ALICE> ✅ papi ${tag} is live in rdebug`))).toBe(true);
    // The reconcile request is the flux CLI's: the annotation on the GitRepository and the Kustomization.
    expect(kube.get('GitRepository', 'flux-system', 'flux-system')!.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBeTruthy();
    expect(kube.get('Kustomization', 'flux-system', 'apps-papi')!.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBeTruthy();
    // Watches, not polls: one request per watched object (source, Kustomization, HelmRelease, 2 workload kinds, pods).
    const watches = kube.requests.filter((r) => r.verb === 'watch');
    expect(watches.length).toBeLessThanOrEqual(8);
    expect(kube.requests.filter((r) => r.verb === 'list')).toHaveLength(0);
  });

  it('answers /status from git and the cluster', async () => {
    const tag = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    const before = snapshot();
    await h.user.slashCommand({ command: '/status', text: 'papi', channel: 'C_LIVE', user: 'U_CAROL' });
    const status = await waitForNew(before, /\*Live\*/);
    const text = messageText(status);
    expect(text).toContain(`• *Git*: \`${tag}\` in \`clusters/rdebug/apps/papi/helmrelease.yaml\``);
    expect(text).toContain(`• *Live*: \`${tag}\` (2/2 ready) — Deployment apps/papi · ✅ matches git`);
    expect(text).toMatch(/• \*Flux\*: Kustomization apps-papi applied `\w{7}` ✅ ReconciliationSucceeded/);
    expect(text).toMatch(/• \*HelmRelease\* apps\/papi: v2 deployed · UpgradeSucceeded/);
    expect(text).toMatch(/• \*Last reconcile request\*: \d{4}-\d\d-\d\dT/);
  });

  it('ends in ImagePullBackOff for a tag that was never built, with a Roll back button that rolls back to the previous tag and follows that until live', async () => {
    const tag = `ps-43-${h.prHeads[43]!.slice(0, 7)}`;
    const previous = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    await h.user.slashCommand({ command: '/rollout', text: 'papi 43', channel: 'C_LIVE', user: 'U_BOB' });
    const failed = await h.waitForMessage('C_LIVE', new RegExp(`❌ papi ${tag} is not live in rdebug: pod papi-\\S+ cannot pull ghcr.io/acme/papi:${tag}: (ErrImagePull|ImagePullBackOff) — the tag ${tag} is not in the registry`), 30_000);
    expect(stepLine(failed, 'Live')).toMatch(/^❌/);
    await h.waitForMessage('C_LIVE', new RegExp(`^<@U_BOB> ❌ papi ${tag} is not live`));
    expect(threadReplies(failed).some((r) => messageText(r).startsWith(`<@U_BOB> ❌ papi ${tag}`))).toBe(true);
    const text = JSON.stringify(failed.blocks);
    expect(text).toContain(`Roll back to ${previous}`);
    const before = snapshot();
    await h.user.blockAction({ actionId: 'rollback_to', channel: 'C_LIVE', messageTs: failed.ts, user: 'U_BOB' });
    const back = await waitForNew(before, new RegExp(`✅ papi ${previous} is live in rdebug — 2/2 pods ready`));
    expect(messageText(back)).toContain('Rollback of papi');
    expect(await h.flux.log()).toContain(`revert(papi): roll back to ${previous} (was ${tag})`);
  });

  it('reports a crash loop with the container\'s last termination reason', async () => {
    const tag = `ps-43-${h.prHeads[43]!.slice(0, 7)}`;
    await pushImage(registry.url, 'acme/papi', tag, { content: 'pr 43, crashes' });
    kube.crashImage(tag, { reason: 'Error', exitCode: 3 });
    const before = snapshot();
    await h.user.slashCommand({ command: '/rollout', text: 'papi 43', channel: 'C_LIVE', user: 'U_BOB' });
    const failed = await waitForNew(before, /container papi in pod papi-\S+ is in CrashLoopBackOff after 1 restart, last exit: Error \(exit code 3\)/);
    expect(JSON.stringify(failed.blocks)).toContain('Roll back to ps-42-');
  });

  it('says the push landed but following could not start when the kubeconfig is missing', async () => {
    const before = snapshot();
    await h.user.slashCommand({ command: '/rollout', text: `papi 42 --env nokube --sha ${h.prHeads[42]}`, channel: 'C_LIVE', user: 'U_BOB' });
    const failed = await waitForNew(before, /Pushed papi ps-42-\w{7}, but rollbot could not follow it into the cluster: environments\.nokube\.cluster\.kubeconfig: \S+missing-kubeconfig does not exist/);
    expect(stepLine(failed, 'Push')).toMatch(/^✅/);
  });
});
