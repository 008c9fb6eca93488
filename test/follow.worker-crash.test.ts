import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/kube-emulator/index.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { helmRelease, removeDir, tempDir } from './support/git-fixtures.js';
import { clusterFiles, startCluster } from './support/kube-cluster.js';

// Following is a job of its own: a worker killed while it waits on the cluster loses nothing.
const CLI = join(import.meta.dirname, '..', 'bin', 'rollbot.js');
let h: BotHarness;
let kube: KubeEmulator;
let dir: string;
const workers: ResultPromise[] = [];

const spawnWorker = () => {
  const child = execa('node', [CLI, 'worker'], { env: h.workerEnv(), detached: true, reject: false, stdio: 'ignore' });
  workers.push(child);
  return child;
};
const killGroup = (child: ResultPromise) => {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};

beforeAll(async () => {
  dir = await tempDir('rollbot-follow-crash-');
  const kubeconfig = join(dir, 'kubeconfig');
  h = await BotHarness.start({
    worker: false,
    fluxFiles: clusterFiles('rdebug', { papi: helmRelease('papi', 'ps-1-0000000') }),
    envConfig: { kustomization: 'apps-papi', cluster: { kubeconfig, timeoutMinutes: 2 } },
  });
  // Wall-clock cluster with slow readiness: the follow is still waiting when the worker dies.
  kube = await startCluster(dir, h.flux.url, 'rdebug', { timeScale: 1, pullMs: 300, readyMs: 5_000, artifactMs: 100 });
  await kube.writeKubeconfig(kubeconfig);
  await kube.waitFor('Deployment', 'apps', 'papi', (d) => d.status?.availableReplicas === 2, 30_000);
}, 60_000);

afterAll(async () => {
  for (const w of workers.splice(0)) if (w.pid && w.exitCode === null) killGroup(w);
  await h?.stop();
  await kube?.stop();
  if (dir) await removeDir(dir);
});

describe('a worker killed with SIGKILL while following a rollout', () => {
  it('leaves the follow job to BullMQ: another worker picks the watches up and ends the same message live', async () => {
    const first = spawnWorker();
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env rdebug', channel: 'C_FCRASH', user: 'U_ALICE' });
    const tag = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    // Killed once the cluster has the commit but the pods are not ready yet.
    await h.waitForMessage('C_FCRASH', /✅ \*Source\* — GitRepository flux-system at/, 30_000);
    killGroup(first);
    await first;
    expect(messageText(h.botMessages('C_FCRASH')[0]!)).not.toMatch(/is live in/);

    spawnWorker();
    const done = await h.waitForMessage('C_FCRASH', new RegExp(`✅ papi ${tag} is live in rdebug — 2/2 pods ready`), 45_000);
    expect(h.botMessages('C_FCRASH').filter((m) => /Rollout of papi/.test(messageText(m)))).toHaveLength(1);
    expect(messageText(done)).toContain('✅ *Push*');
    expect((await h.flux.log()).filter((s) => s === `chore(papi): update image tag to ${tag}`)).toHaveLength(1);
  });
});
