import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile, selectPipeline } from '../src/core/pipeline/definition.js';
import { knownFlags } from '../src/core/pipeline/flags.js';
import { MemoryRunStateStore } from '../src/core/pipeline/memory-state-store.js';
import { runPipeline } from '../src/core/pipeline/runner.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'redeploy-seed004.yaml');

describe('examples/redeploy-seed004.yaml', () => {
  it("parses, and expresses seed 004's eight phases", () => {
    const file = loadPipelineFile(EXAMPLE);
    const pipeline = selectPipeline(file, { environment: 'local' });
    expect(pipeline.phases.map((p) => [p.name, p.type])).toEqual([
      ['SYNC', 'run'],
      ['ENV_CHECK', 'env-check'],
      ['WORKTREE', 'worktree'],
      ['PIN_UPDATE', 'run'],
      ['DEPLOY', 'run'],
      ['INFISICAL', 'sequence'],
      ['VERIFY', 'sequence'],
      ['NOTIFY', 'notify'],
    ]);
    expect(pipeline.phases.filter((p) => p.verify).map((p) => p.name)).toEqual(['VERIFY']);
    expect(knownFlags(pipeline)).toEqual(expect.arrayContaining(['skip-sync', 'skip-dockerfile-update', 'skip-infisical', 'worktree-ticket']));
  });

  it("dry-runs to the seed's plan", async () => {
    const definition = selectPipeline(loadPipelineFile(EXAMPLE));
    const result = await runPipeline({
      definition,
      versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1',
      dryRun: true,
      runId: 'redeploy-20260301-abc123',
      env: {},
      store: new MemoryRunStateStore(),
      cwdBase: '/srv',
    });
    const lines = result.plan!.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '[DRY RUN] redeploy run_id=redeploy-20260301-abc123',
      '  SYNC:       bash /Volumes/PRO-G40/Code/omni_home/docs/tools/pull-all.sh',
      '  ENV_CHECK:  verify POSTGRES_PASSWORD, KAFKA_BOOTSTRAP_SERVERS; if INFISICAL_ADDR is set and --skip-infisical is not given: INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET',
      '  WORKTREE:   git worktree add /Volumes/PRO-G40/Code/omni_worktrees/redeploy-20260301-abc123/omnibase_infra -b redeploy-20260301-abc123',
      '  PIN_UPDATE: uv run python /Volumes/PRO-G40/Code/omni_worktrees/redeploy-20260301-abc123/omnibase_infra/scripts/update-plugin-pins.py --versions "omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1" --dockerfile /Volumes/PRO-G40/Code/omni_worktrees/redeploy-20260301-abc123/omnibase_infra/docker/Dockerfile.runtime',
      '  DEPLOY:     ./scripts/deploy-runtime.sh --execute --restart',
    ]);
    expect(lines[6]).toMatch(/^ {2}INFISICAL: {2}\[conditional\] .*\(would be skipped_no_infisical: INFISICAL_ADDR is not set\)$/);
    expect(lines[7]).toBe(
      '  VERIFY:     GET http://localhost:8085/health, http://localhost:8053/health, http://localhost:8091/health (2xx within 120s) + docker exec omninode-runtime uv pip show omniintelligence (per package: omniintelligence, omninode-claude, omninode-memory)',
    );
    expect(lines[8]).toBe('  NOTIFY:     notify "[redeploy] redeploy-20260301-abc123 complete"');
  });
});
