import type { Command } from '../../core/commands/command.js';
import { environmentOf } from '../../core/config/load.js';
import { mention } from '../../core/mrkdwn.js';
import { code, ephemeral, inChannel, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';
import { assertChannel } from '../../core/permissions/environment-access.js';

/** `/rwenv list|cur|set`: quick Redis reads and writes, answered in the ack. */
export async function handleRwenv(deps: RouterDeps, command: Extract<Command, { kind: 'rwenv' }>, ctx: RequestContext): Promise<Reply> {
  const { config, bindings } = deps;
  switch (command.action) {
    case 'list': {
      const bound = await bindings.get(ctx.channel);
      const lines = Object.entries(config.environments).map(
        ([name, env]) => `• ${code(name)}${env.readOnly ? ' (read-only)' : ''}${name === bound ? ' ← this channel' : ''}`,
      );
      return ephemeral(['*Environments*', ...lines].join('\n'));
    }
    case 'cur': {
      const bound = (await bindings.get(ctx.channel)) ?? config.defaultEnvironment;
      if (!bound) return ephemeral('No rwenv set. Use `/rwenv-set` first.');
      return ephemeral(`This channel uses ${code(bound)}${config.environments[bound]?.readOnly ? ' (read-only)' : ''}.`);
    }
    case 'set': {
      const env = environmentOf(config, command.env);
      // Binding a channel the environment may not be used from would only lead to refusals.
      assertChannel(env, ctx.channel);
      await bindings.set(ctx.channel, env.name);
      return inChannel(`${mention(ctx.user)} set this channel's rwenv to ${code(env.name)}${env.readOnly ? ' (read-only)' : ''}.`);
    }
  }
}
