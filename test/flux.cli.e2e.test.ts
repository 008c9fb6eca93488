import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import { tempDir } from './support/git-fixtures.js';

let h: BotHarness;
let binDir: string;
const originalPath = process.env.PATH;

/** A stand-in `flux` first on PATH: records its argv, prints a table, fails when asked to. */
async function installFakeFlux(): Promise<void> {
  binDir = join(await tempDir('fake-flux-'), 'bin');
  await mkdir(binDir);
  await writeFile(
    join(binDir, 'flux'),
    `#!/bin/sh
printf '%s\\n' "$*" >> "${binDir}/argv.log"
if [ -n "$FAKE_FLUX_FAIL" ] || echo "$*" | grep -q broken; then
  echo '✗ Kubernetes cluster unreachable: dial tcp 10.0.0.1:6443: connect: connection refused' >&2
  exit 1
fi
echo 'NAMESPACE  	NAME      	REVISION          	SUSPENDED	READY	MESSAGE'
echo 'flux-system	apps-papi 	main@sha1:0123abcd	False    	True 	Applied revision: main@sha1:0123abcd'
`,
  );
  await chmod(join(binDir, 'flux'), 0o755);
  process.env.PATH = `${binDir}:${originalPath}`;
}

async function recordedArgv(): Promise<string[]> {
  return (await readFile(join(binDir, 'argv.log'), 'utf8')).trim().split('\n');
}

beforeAll(async () => {
  await installFakeFlux();
  h = await BotHarness.start({ catalog: true, envConfig: { kubeContext: 'rdebug-61' } });
});
afterAll(async () => {
  process.env.PATH = originalPath;
  await h?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

describe('/flux runs the flux CLI with argument arrays', () => {
  it('get kustomizations: exact argv, output shown as a table', async () => {
    await h.user.slashCommand({ command: '/flux', text: 'get kustomizations --env rdebug', channel: 'C_FLUX' });
    const done = await h.waitForMessage('C_FLUX', /✅ flux get kustomizations in rdebug/);
    expect(messageText(done)).toContain('```\nNAMESPACE');
    expect(messageText(done)).toContain('apps-papi');
    expect(await recordedArgv()).toContain('get kustomizations --all-namespaces --context rdebug-61');
  });

  it('reconcile kustomization: with source, in the flux namespace', async () => {
    await h.user.slashCommand({ command: '/flux', text: 'reconcile ks apps-papi --env rdebug', channel: 'C_FLUX2' });
    await h.waitForMessage('C_FLUX2', /✅ flux reconcile kustomization apps-papi/);
    expect(await recordedArgv()).toContain('reconcile kustomization apps-papi --with-source --namespace flux-system --context rdebug-61');
  });

  it('reconcile helmrelease uses the namespace from the catalog', async () => {
    await h.user.slashCommand({ command: '/flux', text: 'reconcile hr papi --env rdebug', channel: 'C_FLUX3' });
    await h.waitForMessage('C_FLUX3', /✅ flux reconcile helmrelease papi/);
    expect(await recordedArgv()).toContain('reconcile helmrelease papi --with-source --namespace runwhen-local --context rdebug-61');
  });

  it.each(['reconcile', 'suspend', 'resume'])('%s is refused in a read-only environment with the seed sentence, and flux never runs', async (action) => {
    const before = (await recordedArgv()).length;
    const ack = await h.user.slashCommand({ command: '/flux', text: `${action} kustomization apps-papi --env prod`, channel: 'C_FLUXRO' });
    expect(ackText(ack)).toContain("rwenv 'prod' is read-only. Cannot modify Flux repo or trigger reconciliation.");
    expect((await recordedArgv()).length).toBe(before);
  });

  it('get is allowed in a read-only environment', async () => {
    await h.user.slashCommand({ command: '/flux', text: 'get helmreleases --env prod', channel: 'C_FLUXRO2' });
    await h.waitForMessage('C_FLUXRO2', /✅ flux get helmreleases in prod/);
  });

  it('an unreachable cluster is a clear message, not a crash', async () => {
    await h.user.slashCommand({ command: '/flux', text: 'reconcile kustomization broken --env rdebug', channel: 'C_FLUXERR' });
    const failed = await h.waitForMessage('C_FLUXERR', /❌ flux reconcile kustomization broken/);
    expect(messageText(failed)).toContain("failed for 'rdebug': Kubernetes cluster unreachable: dial tcp 10.0.0.1:6443: connect: connection refused. Check the environment's kubeconfig and kubeContext");
  });

  it('bad arguments say what is allowed', async () => {
    expect(ackText(await h.user.slashCommand({ command: '/flux', text: 'get pods', channel: 'C_FLUX' }))).toContain(
      "'pods' is not a flux resource list: use kustomizations, helmreleases, sources, all.",
    );
    expect(ackText(await h.user.slashCommand({ command: '/flux', text: 'reconcile kustomization', channel: 'C_FLUX' }))).toContain('Which kustomization?');
  });
});

describe('without the flux CLI', () => {
  it('says how to install it', async () => {
    process.env.PATH = '/usr/bin:/bin';
    try {
      await h.user.slashCommand({ command: '/flux', text: 'get all --env rdebug', channel: 'C_NOFLUX' });
      const failed = await h.waitForMessage('C_NOFLUX', /❌ flux get all/);
      expect(messageText(failed)).toContain("The flux CLI ('flux') is not installed on the worker.");
    } finally {
      process.env.PATH = `${binDir}:${originalPath}`;
    }
  });
});
