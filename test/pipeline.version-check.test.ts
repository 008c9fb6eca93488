import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HealthServer, PipelineFixture } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('version-check', () => {
  it('reports each package that does not run the requested version: "pkg: expected X, got Y"', async () => {
    await fx.setInstalled({ omniintelligence: '0.7.0', 'omninode-claude': '0.4.0', 'omninode-memory': '0.6.0' });
    const result = await fx.run({ versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1' });

    expect(result.status).toBe('failed');
    expect(result.failed_phase).toBe('VERIFY');
    expect(result.error).toBe(
      'Version mismatches: omniintelligence: expected 0.8.0, got 0.7.0; omninode-memory: expected 0.6.1, got 0.6.0. Check that the deploy picked up the new pins, then resume.',
    );
    const state = await fx.store.get(result.run_id);
    expect(state?.phases.VERIFY?.failed_versions).toEqual(['omniintelligence: expected 0.8.0, got 0.7.0', 'omninode-memory: expected 0.6.1, got 0.6.0']);
    expect(result.log).toContain('VERIFY: omninode-claude Version: 0.4.0 (expected 0.4.0) -> OK');
    expect(result.log).toContain('VERIFY: omniintelligence Version: 0.7.0 (expected 0.8.0) -> MISMATCH');
    expect(result.phases.NOTIFY).toBe('pending');
  });

  it('a package the container does not have is a failed check, with the reason', async () => {
    await fx.setInstalled({ omniintelligence: '0.8.0' });
    const result = await fx.run();
    expect(result.error).toBe(
      'Version mismatches: omninode-claude: check failed (exit 1: WARNING: Package(s) not found: omninode-claude). Check that the deploy picked up the new pins, then resume.',
    );
  });

  it('fails VERIFY on an unhealthy endpoint before checking versions, naming the endpoint and what it answered', async () => {
    fx.health.status = (path) => (path === '/intelligence/health' ? 503 : 200);
    const definition = fx.pipeline((b) => {
      const verify = b.phases[6] as { steps: Array<Record<string, unknown>> };
      verify.steps[0]!.deadlineSeconds = 0.5;
      verify.steps[0]!.intervalSeconds = 0.1;
    });
    const result = await fx.run({ definition });
    expect(result.failed_phase).toBe('VERIFY');
    expect(result.error).toMatch(
      /^Health checks failed for: intelligence-api \(http:\/\/127\.0\.0\.1:\d+\/intelligence\/health -> 503 Service Unavailable after \d+ attempts\)\. Check the services' logs; resume once they answer 2xx within 0\.5s\.$/,
    );
    expect(fx.health.hits.get('/intelligence/health')).toBeGreaterThan(1);
    expect((await fx.store.get(result.run_id))?.phases.VERIFY?.failed_health).toEqual(['intelligence-api']);
    expect(await fx.roles()).toEqual(['pins', 'deploy']);
  });

  it('a refused connection is reported as such', async () => {
    const closed = await new HealthServer().start();
    const url = closed.url('/health');
    await closed.close();
    const definition = fx.pipeline((b) => {
      const verify = b.phases[6] as { steps: Array<Record<string, unknown>> };
      verify.steps[0] = { type: 'health', endpoints: { gone: url }, deadlineSeconds: 0.2, intervalSeconds: 0.1 };
    });
    const result = await fx.run({ definition, verifyOnly: true });
    expect(result.error).toContain(`Health checks failed for: gone (${url} -> connection refused after `);
  });
});
