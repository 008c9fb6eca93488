import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/kube-emulator/index.js';
import type { RecordedMessage } from '../src/slack-emulator/types.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { removeDir, tempDir } from './support/git-fixtures.js';
import { chartClusterRoleRules, startCluster } from './support/kube-cluster.js';

// An approved release followed into the emulated cluster: the approval card shows the live state.
let h: BotHarness;
let kube: KubeEmulator;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('rollbot-follow-release-');
  const kubeconfig = join(dir, 'kubeconfig');
  h = await BotHarness.start({ release: true, liveEnvConfig: { kustomization: 'apps-papi', cluster: { kubeconfig, timeoutMinutes: 2 } } });
  // papi's values reach its HelmRelease as a generated ConfigMap helm-controller watches.
  await h.flux.commitFiles({
    'clusters/rdebug/apps/papi/kustomization.yaml': `namespace: runwhen-local
resources:
  - helmrelease.yaml
configMapGenerator:
  - name: papi-values
    files: [values.yaml]
generatorOptions:
  disableNameSuffixHash: true
  labels: { reconcile.fluxcd.io/watch: Enabled }
`,
  }, 'papi values as a ConfigMap');
  kube = await startCluster(dir, h.flux.url, 'rdebug', { registryUrl: h.release!.registry.url, rules: chartClusterRoleRules() });
  await kube.writeKubeconfig(kubeconfig);
  await kube.waitFor('Deployment', 'runwhen-local', 'papi', (d) => d.status?.availableReplicas === 1);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await kube?.stop();
  if (dir) await removeDir(dir);
});

function button(message: RecordedMessage, actionId: string): string {
  for (const block of (message.blocks ?? []) as Array<{ elements?: Array<{ action_id: string; value: string }> }>) {
    const found = block.elements?.find((e) => e.action_id === actionId);
    if (found) return found.value;
  }
  throw new Error(`no ${actionId} on ${messageText(message)}`);
}

describe('an applied release, followed into the cluster', () => {
  it('shows the live state on the approval card and ends the apply message live', async () => {
    const [, , third] = h.sourceMain;
    const tag = h.release!.tagOf(third!);
    await h.user.slashCommand({ command: '/release', text: `papi ${third} --env live`, channel: 'C_RELK', user: 'U_ALICE' });
    const card = await h.waitForMessage('C_RELK', /Release papi to live/);
    await h.user.blockAction({ actionId: 'release_approve', value: button(card, 'release_approve'), channel: 'C_RELK', messageTs: card.ts, user: 'U_BOB' });
    const live = new RegExp(`✅ papi ${tag} is live in live — 1/1 pods ready, \\d+ s after the push`);
    await h.emulator.waitFor(() => live.test(messageText(h.emulator.findMessage('C_RELK', card.ts)!)), 30_000);
    expect(messageText(h.emulator.findMessage('C_RELK', card.ts)!)).toMatch(/🚀 \*Applied\*: commit `\w{7}` pushed to `main`\n✅ papi/);
    const apply = await h.waitForMessage('C_RELK', /Apply release of papi/);
    await h.emulator.waitFor(() => live.test(messageText(h.emulator.findMessage('C_RELK', apply.ts)!)), 30_000);
    expect(messageText(h.emulator.findMessage('C_RELK', apply.ts)!)).toContain(`Released papi \`${tag}\` to live.`);
  });
});
