import { randomBytes } from 'node:crypto';
import type { LoadedConfig } from '../core/config/load.js';
import type { DemoEnvironment } from '../demo/demo-environment.js';
import { GitHubEmulator } from '../github-emulator/index.js';

export const DEMO_GITHUB_TOKEN_ENV = 'ROLLBOT_DEMO_GITHUB_TOKEN';

/** Who wrote the demo's PRs: alice one, bob two (one a draft), so `/rollout papi` shows each case. */
export const DEMO_PULLS: Record<number, { title: string; author: string; draft?: boolean; hoursAgo: number }> = {
  41: { title: 'Add health endpoint', author: 'alice', hoursAgo: 3 },
  42: { title: 'Faster config loading', author: 'bob', hoursAgo: 1 },
  43: { title: 'New cache layer', author: 'bob', draft: true, hoursAgo: 26 },
};

export interface DemoGitHub {
  emulator: GitHubEmulator;
  variables: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The GitHub emulator for local mode: a private acme/<service> repository per demo service with
 * the demo's PRs (their heads are the source repos' refs/pull/<n>/head), a token for rollbot,
 * and the console's people mapped to GitHub logins. The demo config is pointed at it in memory.
 */
export async function startDemoGitHub(demo: DemoEnvironment, config: LoadedConfig, now = Date.now()): Promise<DemoGitHub> {
  const emulator = await new GitHubEmulator().start();
  const token = `ghp_demo${randomBytes(12).toString('hex')}`;
  emulator.addToken({ token, login: 'rollbot-demo' });
  for (const [service, heads] of Object.entries(demo.pullRequests)) {
    emulator.state.addRepo({ fullName: `acme/${service}`, private: true });
    for (const [number, headSha] of Object.entries(heads)) {
      const pull = DEMO_PULLS[Number(number)];
      if (!pull) continue;
      const at = new Date(now - pull.hoursAgo * 3600_000).toISOString();
      emulator.state.addPull({ repo: `acme/${service}`, number: Number(number), title: pull.title, author: pull.author, headRef: `feature-${number}`, headSha, draft: pull.draft, createdAt: at, updatedAt: at });
    }
  }
  config.github = {
    ...config.github,
    baseUrl: emulator.baseUrl,
    tokenEnv: DEMO_GITHUB_TOKEN_ENV,
    users: { U_ALICE: 'alice', U_BOB: 'bob', ...config.github?.users },
  };
  for (const env of Object.values(config.environments)) env.githubRepo ??= 'acme/{service}';
  return { emulator, variables: { [DEMO_GITHUB_TOKEN_ENV]: token }, stop: () => emulator.stop() };
}
