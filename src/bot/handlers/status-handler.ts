import type { Command } from '../../core/commands/command.js';
import { environmentFor, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** `/status <service> [--env]`: read in a worker; the reply there says what runs. */
export async function handleStatus(deps: RouterDeps, command: Extract<Command, { kind: 'status' }>, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  const { jobId, created } = await deps.enqueuer.enqueue({ kind: 'status', origin: originOf(ctx), env: env.name, service: command.service }, ctx.idempotencyKey);
  return queuedReply(created, jobId, `a look at ${command.service} in \`${env.name}\``);
}
