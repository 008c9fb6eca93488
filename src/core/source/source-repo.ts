import type { EnvironmentConfig } from '../config/schema.js';
import { GitUnavailable, InvalidInput, NoPullRequest } from '../errors.js';
import { git, gitFailureDetail } from '../flux/git.js';

/** The source repository of a service: a per-service override, else the environment's template. */
export function sourceRepoOf(env: EnvironmentConfig, service: string): string {
  const url = env.services[service]?.sourceRepo ?? env.sourceRepo?.replaceAll('{service}', service);
  if (!url) {
    throw new InvalidInput(
      `Environment '${env.name}' does not say where ${service}'s source lives, so its PR head cannot be found. Add 'sourceRepo' (e.g. https://github.com/acme/{service}.git) to the environment, or pass --sha <commit>.`,
    );
  }
  return url;
}

/** The PR head commit from `refs/pull/<pr>/head`, the ref GitHub serves for every pull request. */
export async function resolvePullRequestHead(repoUrl: string, service: string, pr: number): Promise<string> {
  const ref = `refs/pull/${pr}/head`;
  const result = await git(['ls-remote', '--', repoUrl, ref], undefined, { allowFailure: true });
  if (result.exitCode !== 0) {
    throw new GitUnavailable(
      `Could not read ${service}'s source repository ${repoUrl} (${gitFailureDetail(result.stderr)}). Check its sourceRepo and credentials, then try again.`,
    );
  }
  const line = result.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  if (!line) throw new NoPullRequest(service, pr);
  return line.split('\t')[0]!;
}

