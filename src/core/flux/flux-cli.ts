import { execa } from 'execa';
import type { FluxCommand } from '../commands/command.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { ReadOnlyEnvironment, RollbotError } from '../errors.js';

export class FluxCliMissing extends RollbotError {
  readonly code = 'flux_cli_missing';
  constructor(binary: string) {
    super(`The flux CLI ('${binary}') is not installed on the worker. Install it (see fluxcd.io/flux/installation) or set fluxCli in the config, then try again.`);
  }
}

export class FluxCliFailed extends RollbotError {
  readonly code = 'flux_cli_failed';
}

export interface FluxRunResult {
  argv: string[];
  output: string;
}

/** The flux argv for a command: argument arrays only, names already validated by the parser. */
export function fluxArgs(command: FluxCommand, env: EnvironmentConfig, namespaceOf: (name: string) => string | undefined): string[] {
  const cluster = [...(env.kubeconfig ? ['--kubeconfig', env.kubeconfig] : []), ...(env.kubeContext ? ['--context', env.kubeContext] : [])];
  if (command.action === 'get') {
    const what = { kustomizations: ['kustomizations'], helmreleases: ['helmreleases'], sources: ['sources', 'all'], all: ['all'] }[command.target];
    return ['get', ...what, '--all-namespaces', ...cluster];
  }
  const namespace = command.resource === 'helmrelease' ? (namespaceOf(command.name) ?? env.fluxNamespace) : env.fluxNamespace;
  const target = command.resource === 'source' ? ['source', 'git', command.name] : [command.resource, command.name];
  const extra = command.action === 'reconcile' && command.resource !== 'source' ? ['--with-source'] : [];
  return [command.action, ...target, ...extra, '--namespace', namespace, ...cluster];
}

/**
 * Runs the flux CLI for an environment. reconcile, suspend and resume change the cluster, so a
 * read-only environment refuses them with seed 003's sentence before anything runs.
 */
export async function runFlux(
  binary: string,
  command: FluxCommand,
  env: EnvironmentConfig,
  namespaceOf: (name: string) => string | undefined = () => undefined,
  timeoutMs = 120_000,
): Promise<FluxRunResult> {
  if (command.action !== 'get' && env.readOnly) throw new ReadOnlyEnvironment(env.name);
  const argv = fluxArgs(command, env, namespaceOf);
  const result = await execa(binary, argv, { reject: false, timeout: timeoutMs, all: true, env: { NO_COLOR: '1' } });
  // A process that never started has no exit code; execa keeps the spawn error's code.
  if (result.exitCode === undefined && !result.timedOut) {
    if ((result as { code?: string }).code === 'ENOENT') throw new FluxCliMissing(binary);
    throw new FluxCliFailed(`Could not start '${binary}' (${result.shortMessage}). Check fluxCli in the config.`);
  }
  if (result.timedOut) {
    throw new FluxCliFailed(`\`flux ${argv.slice(0, 3).join(' ')}\` took longer than ${timeoutMs / 1000} s for '${env.name}'. Check that the cluster is reachable and try again.`);
  }
  const output = String(result.all ?? '').trim();
  if (result.exitCode !== 0) {
    const reason = output.split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode}`;
    throw new FluxCliFailed(
      `\`flux ${argv.slice(0, 3).join(' ')}\` failed for '${env.name}': ${reason.replace(/^✗\s*/, '')}. Check the environment's kubeconfig and kubeContext, then try again.`,
    );
  }
  return { argv, output };
}
