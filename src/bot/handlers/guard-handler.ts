import type { FreezeCommand, HistoryCommand, RollbackCommand } from '../../core/commands/guard-commands.js';
import { environmentOf } from '../../core/config/load.js';
import { releaseSettings } from '../../core/config/environment-settings.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { configFreezeAt, momentText, nextConfigFreeze } from '../../core/guard/freeze-windows.js';
import { formatDuration, utcText } from '../../core/guard/duration.js';
import { describeFreeze } from '../../jobs/guard/freeze-guard.js';
import { announceForced, checkFreeze } from './freeze-check.js';
import { environmentFor, ephemeral, inChannel, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** `/history`: a worker reads the Flux repo's git history (the bot never touches git). */
export async function handleHistory(deps: RouterDeps, command: HistoryCommand, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  const { jobId, created } = await deps.enqueuer.enqueue(
    { kind: 'history', origin: originOf(ctx), env: env.name, service: command.service, limit: command.limit },
    ctx.idempotencyKey,
  );
  return queuedReply(created, jobId, `history of ${command.service} in \`${env.name}\``);
}

/**
 * `/rollback` and the Roll back buttons: refused at once when read-only, locked or frozen; the
 * target is found by the worker (it reads the Flux repo), which also asks for approval where needed.
 */
export async function handleRollback(deps: RouterDeps, command: RollbackCommand & { undo?: string }, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  if (env.readOnly) throw new ReadOnlyEnvironment(env.name);
  if (!env.allowRollout) releaseSettings(env); // approvals need the release settings
  await deps.locks.assertMayDeploy(env.name, ctx.user);
  const what = `rollback of ${command.service}`;
  const forced = await checkFreeze(deps, env, ctx, command.force, what);
  const { jobId, created } = await deps.enqueuer.enqueue(
    {
      kind: 'rollback',
      origin: originOf(ctx),
      env: env.name,
      service: command.service,
      to: command.to,
      undo: command.undo,
      ...(forced ? { force: true } : {}),
    },
    ctx.idempotencyKey,
  );
  const target = command.to ? ` to \`${command.to}\`` : '';
  const reply = queuedReply(created, jobId, `${what} in \`${env.name}\`${target}${env.allowRollout ? '' : ' (it needs approval here)'}`);
  return forced && created ? announceForced(deps, env, ctx, forced, what, reply, command.service) : reply;
}

/** `/freeze`, `/unfreeze`, `/freezes`: manual freezes live in Redis; the config's windows are read-only here. */
export async function handleFreeze(deps: RouterDeps, command: FreezeCommand, ctx: RequestContext): Promise<Reply> {
  const now = deps.clock();
  switch (command.kind) {
    case 'freeze': {
      const env = environmentOf(deps.config, command.env);
      const until = now + command.durationMs;
      await deps.freezeStore.set({ env: env.name, by: ctx.user, reason: command.reason, since: now, until });
      await deps.audit.append({ type: 'freeze', who: ctx.user, env: env.name, detail: `${command.duration}${command.reason ? `: ${command.reason}` : ''}`, at: now });
      return inChannel(
        `🧊 <@${ctx.user}> froze \`${env.name}\` for ${formatDuration(command.durationMs)} (until ${momentText(until, env.freeze?.timezone ?? 'UTC')})${command.reason ? `: ${command.reason}` : ''}. Rollouts, releases and rollbacks are refused until then or \`/unfreeze ${env.name}\`.`,
      );
    }
    case 'unfreeze': {
      const env = environmentOf(deps.config, command.env);
      const current = await deps.freezeStore.get(env.name, now);
      const configured = configFreezeAt(env.freeze, now);
      if (!current) {
        if (configured) {
          throw new InvalidInput(
            `\`${env.name}\` is frozen ${describeFreeze(configured)}, which comes from the config and cannot be lifted from Slack. Someone in its break-glass list can use \`--force\`.`,
          );
        }
        return ephemeral(`\`${env.name}\` is not frozen.`);
      }
      const breakGlass = env.freeze?.breakGlass ?? [];
      if (current.by !== ctx.user && !(breakGlass.length > 0 && (breakGlass.includes(ctx.user) || (await deps.approvers.isMember(breakGlass, ctx.user))))) {
        throw new InvalidInput(`\`${env.name}\` was frozen by <@${current.by}>; only they or someone in its break-glass list can unfreeze it.`);
      }
      await deps.freezeStore.remove(env.name, now);
      await deps.audit.append({ type: 'unfreeze', who: ctx.user, env: env.name, detail: current.by !== ctx.user ? `frozen by ${current.by}` : undefined, at: now });
      const still = configured ? ` It is still frozen ${describeFreeze(configured)}.` : '';
      return inChannel(`☀️ <@${ctx.user}> unfroze \`${env.name}\`${current.by !== ctx.user ? ` (frozen by <@${current.by}> since ${utcText(current.since)})` : ''}.${still}`);
    }
    case 'freezes': {
      const lines: string[] = [];
      for (const name of Object.keys(deps.config.environments)) {
        const env = environmentOf(deps.config, name);
        const active = await deps.freezes.active(env, now);
        const next = nextConfigFreeze(env.freeze, active?.until ?? now);
        if (active) lines.push(`• \`${name}\` 🧊 frozen ${describeFreeze(active)}`);
        if (next) lines.push(`• \`${name}\` next freeze from ${momentText(next.since, next.timezone)} until ${momentText(next.until, next.timezone)}${next.reason ? ` (${next.reason})` : ''}`);
      }
      return ephemeral(lines.length ? ['*Freezes*', ...lines].join('\n') : 'No environment is frozen, and no freeze windows are configured.');
    }
  }
}
