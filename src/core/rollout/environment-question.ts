import type { EnvironmentConfig } from '../config/schema.js';
import { AmbiguousImageSite } from '../errors.js';
import type { EnvironmentScope } from '../flux/env-scope.js';

/**
 * An environment without a fluxRoot sees every environment's files: when the candidates belong to
 * different configured environments, the question is which environment, and each candidate says.
 */
export async function askWhichEnvironment<T>(
  env: EnvironmentConfig,
  environments: EnvironmentConfig[],
  scopeOf: (other: EnvironmentConfig) => Promise<EnvironmentScope | undefined>,
  located: Promise<T>,
): Promise<T> {
  try {
    return await located;
  } catch (error) {
    if (!(error instanceof AmbiguousImageSite) || env.fluxRoot) throw error;
    const others = environments.filter((o) => o.fluxRoot && o.fluxGitRepo === env.fluxGitRepo && o.branch === env.branch);
    const graphs = await Promise.all(others.map(async (o) => [o.name, await scopeOf(o)] as const));
    const candidates = error.candidates.map((c) => {
      const deploying = graphs.filter(([, g]) => g?.graph.has(c.file)).map(([name]) => name);
      return { ...c, environment: deploying.length === 1 ? deploying[0] : undefined };
    });
    const names = [...new Set(candidates.map((c) => c.environment).filter(Boolean))];
    if (names.length < 2) throw error;
    throw new AmbiguousImageSite(
      error.service,
      candidates,
      `'${error.service}' is deployed by several environments (${names.join(', ')}). Say which with \`--env <name>\`, or pick one below: it runs there.`,
    );
  }
}
