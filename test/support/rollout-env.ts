import { join } from 'node:path';
import { parseConfig, environmentOf } from '../../src/core/config/load.js';
import type { EnvironmentConfig } from '../../src/core/config/schema.js';
import { RolloutEngine } from '../../src/core/rollout/rollout-engine.js';
import type { ProgressSnapshot, Reporter } from '../../src/core/progress.js';

export function recordingReporter(): Reporter & { snapshots: ProgressSnapshot[]; last(): ProgressSnapshot } {
  const snapshots: ProgressSnapshot[] = [];
  return {
    snapshots,
    progress: (s) => snapshots.push(s),
    last: () => snapshots[snapshots.length - 1]!,
  };
}

export function makeEnv(root: string, fluxGitRepo: string, extra: Record<string, unknown> = {}): EnvironmentConfig {
  const config = parseConfig(
    { dataDir: join(root, 'data'), environments: { rdebug: { fluxGitRepo, ...extra } } },
    join(root, 'rollbot.yaml'),
  );
  return environmentOf(config, 'rdebug');
}

export function makeEngine(root: string, pushAttempts = 5): RolloutEngine {
  return new RolloutEngine({
    dataDir: join(root, 'data'),
    identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
    pushAttempts,
    backoffMs: () => 5,
  });
}
