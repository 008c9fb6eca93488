import type { Command } from '../../core/commands/command.js';
import { environmentOf } from '../../core/config/load.js';
import { EnvironmentLocked } from '../../jobs/release/deploy-locks.js';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.js';
import { code, ephemeral, inChannel, type Reply, type RequestContext, type RouterDeps, assertMay } from './router-deps.js';
import { formatDuration, parseDuration } from '../../core/guard/duration.js';

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** `/lock`, `/unlock`, `/locks`: announced in the channel, and audited. */
export async function handleLock(deps: RouterDeps, command: Extract<Command, { kind: 'lock' | 'unlock' | 'locks' }>, ctx: RequestContext): Promise<Reply> {
  const now = deps.clock();
  switch (command.kind) {
    case 'lock': {
      const env = environmentOf(deps.config, command.env);
      await assertMay(deps, env, 'deploy', ctx, 'lock');
      const defaultDuration = deps.config.locks.defaultDuration;
      const durationMs = command.durationMs ?? (defaultDuration ? parseDuration(defaultDuration, 'locks.defaultDuration') : undefined);
      const until = durationMs ? now + durationMs : undefined;
      const result = await deps.locks.lock(env.name, ctx.user, command.reason, now, until);
      if (!result.ok) {
        if (result.lock.holder === ctx.user) return ephemeral(`You already hold the lock on ${code(env.name)}${result.lock.until ? ` (until ${when(result.lock.until)})` : ''}. ${code(`/unlock ${env.name}`)} first to take it again for another duration.`);
        throw new EnvironmentLocked(result.lock);
      }
      if (until) {
        // A delayed job in Redis: the lock ends on time even if the bot and workers restart meanwhile.
        await deps.enqueuer.enqueue(
          { kind: 'lock', action: 'expire', origin: { channel: ctx.channel, threadTs: ctx.threadTs, user: ctx.user }, env: env.name, holder: ctx.user, since: now },
          `lock-expire-${env.name}-${now}`,
          until - now,
        );
      }
      const detail = [durationMs ? `for ${formatDuration(durationMs)}` : '', command.reason].filter(Boolean).join(': ');
      await deps.audit.append({ type: 'lock', who: ctx.user, env: env.name, detail: detail || undefined, at: now });
      const ends = until ? ` until ${when(until)} (or ${code(`/unlock ${env.name}`)})` : ` until ${code(`/unlock ${env.name}`)}`;
      return inChannel(
        `🔒 ${mention(ctx.user)} locked ${code(env.name)}${until ? ` for ${formatDuration(durationMs!)}` : ''}${command.reason ? `: ${escapeMrkdwn(command.reason)}` : ''}. Rollouts, releases and rollbacks by others are refused${ends}.`,
      );
    }
    case 'unlock': {
      const env = environmentOf(deps.config, command.env);
      await assertMay(deps, env, 'deploy', ctx, 'unlock');
      const released = await deps.locks.unlock(env.name, ctx.user, command.force);
      const forced = released.holder !== ctx.user;
      await deps.audit.append({ type: 'unlock', who: ctx.user, env: env.name, detail: forced ? `forced; held by ${released.holder}` : undefined, at: now });
      return inChannel(`🔓 ${mention(ctx.user)} unlocked ${code(env.name)}${forced ? ` (held by ${mention(released.holder)} since ${when(released.since)})` : ''}.`);
    }
    case 'locks': {
      const locks = await deps.locks.list();
      if (locks.length === 0) return ephemeral('No environment is locked.');
      return ephemeral(
        ['*Locked environments*', ...locks.map((l) => `• ${code(l.env)} by ${mention(l.holder)} since ${when(l.since)}${l.until ? `, until ${when(l.until)}` : ''}${l.reason ? `: ${escapeMrkdwn(l.reason)}` : ''}`)].join('\n'),
      );
    }
  }
}
