import type { FluxCommand } from '../../core/commands/command.js';
import { ReadOnlyEnvironment } from '../../core/errors.js';
import { assertMay, environmentFor, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** `/flux …`: runs the flux CLI in a worker; changes are refused at once in read-only environments. */
export async function handleFlux(deps: RouterDeps, command: FluxCommand, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  if (command.action !== 'get' && env.readOnly) throw new ReadOnlyEnvironment(env.name);
  await assertMay(deps, env, command.action === 'get' ? 'use' : 'rollout', ctx, `run flux ${command.action} in`);
  const { jobId, created } = await deps.enqueuer.enqueue({ kind: 'flux', origin: originOf(ctx), env: env.name, command }, ctx.idempotencyKey);
  const what = command.action === 'get' ? `flux get ${command.target}` : `flux ${command.action} ${command.resource} ${command.name}`;
  return queuedReply(created, jobId, `\`${what}\` in \`${env.name}\``);
}
