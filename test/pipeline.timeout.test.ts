import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineFixture } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('command timeouts', () => {
  it('stops a command that outlives timeoutSeconds and says so, with what to do', async () => {
    await fx.setBehavior({ deploy: { stdout: 'building...\n', sleepMs: 30_000 } });
    const definition = fx.pipeline((b) => {
      b.phases[4]!.timeoutSeconds = 0.5;
    });
    const started = Date.now();
    const result = await fx.run({ definition });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe('failed');
    expect(result.failed_phase).toBe('DEPLOY');
    expect(result.error).toMatch(
      /^`.* deploy --execute --restart run=redeploy-\d{8}-[0-9a-f]{6}` timed out after 0\.5s and was stopped\. Raise timeoutSeconds for this phase in the pipeline if it needs longer, or find out why it hangs\.$/,
    );
    expect(result.outputs.DEPLOY).toBe('building...\n');
    expect(result.resume_command).toMatch(/^\/redeploy --resume redeploy-/);
  });

  it("stops a script's children with it (the whole process group)", async () => {
    const script = join(fx.root, 'slow.sh');
    const marker = join(fx.root, 'grandchild-finished');
    // The grandchild would write the marker after 2s if it survived the timeout.
    await writeFile(script, `#!/bin/sh\necho started\n(sleep 2; touch '${marker}') &\nsleep 30\n`, { mode: 0o755 });
    const definition = fx.pipeline((b) => {
      b.phases[4] = { name: 'DEPLOY', type: 'run', command: script, timeoutSeconds: 0.5 };
    });
    const result = await fx.run({ definition });
    expect(result.error).toMatch(/slow\.sh` timed out after 0\.5s and was stopped\./);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await import('node:fs')).existsSync(marker)).toBe(false);
  });

  it('a command that cannot be started is reported clearly', async () => {
    const definition = fx.pipeline((b) => {
      b.phases[4] = { name: 'DEPLOY', type: 'run', command: './scripts/deploy-runtime.sh', cwd: '{worktree}' };
    });
    const result = await fx.run({ definition });
    expect(result.failed_phase).toBe('DEPLOY');
    expect(result.error).toMatch(/^`\.\/scripts\/deploy-runtime\.sh` could not be started \(.*ENOENT.*\)\. Check that \.\/scripts\/deploy-runtime\.sh is installed and on PATH and that .* exists\.$/);
  });
});
