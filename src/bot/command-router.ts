import { parseCommand, type CommandSource } from '../core/commands/parse.js';
import type { Command, RolloutCommand } from '../core/commands/command.js';
import { usageText } from '../core/commands/usage.js';
import { environmentOf, type LoadedConfig } from '../core/config/load.js';
import { selectEnvironment } from '../core/config/select-environment.js';
import { isRollbotError, ReadOnlyEnvironment, userMessageOf } from '../core/errors.js';
import { requirePr } from '../core/rollout/rollout-engine.js';
import type { ChannelBindings } from '../jobs/channel-bindings.js';
import type { JobEnqueuer } from '../jobs/job-enqueuer.js';
import { plainMessage, type SlackMessage } from './render/block-kit.js';

export interface RequestContext {
  source: CommandSource;
  channel: string;
  user: string;
  threadTs?: string;
  /** Same for every delivery of one Slack request (trigger_id, event_id). */
  idempotencyKey: string;
}

export interface Reply {
  /** ephemeral: only the caller sees it (help, errors); in_channel: everyone does. */
  visibility: 'ephemeral' | 'in_channel';
  message: SlackMessage;
}

const ephemeral = (text: string): Reply => ({ visibility: 'ephemeral', message: plainMessage(text) });
const inChannel = (text: string): Reply => ({ visibility: 'in_channel', message: plainMessage(text) });

/**
 * Turns a request from any door into a reply, enqueuing work when there is some. Everything here
 * is quick (parse, a Redis read or write): the ack path stays well under Slack's 3 seconds.
 */
export class CommandRouter {
  constructor(
    private readonly deps: { config: LoadedConfig; enqueuer: JobEnqueuer; bindings: ChannelBindings },
  ) {}

  async handle(text: string, ctx: RequestContext, slashCommand?: string): Promise<Reply> {
    try {
      return await this.dispatch(parseCommand(text, { slashCommand }), ctx);
    } catch (error) {
      if (!isRollbotError(error)) throw error;
      return ephemeral(`❌ ${userMessageOf(error)}`);
    }
  }

  private async dispatch(command: Command, ctx: RequestContext): Promise<Reply> {
    switch (command.kind) {
      case 'help':
        return ephemeral([command.reason, usageText(command.topic)].filter(Boolean).join('\n'));
      case 'rwenv':
        return this.rwenv(command, ctx);
      case 'rollout':
        return this.rollout(command, ctx);
    }
  }

  private async rwenv(command: Extract<Command, { kind: 'rwenv' }>, ctx: RequestContext): Promise<Reply> {
    const { config, bindings } = this.deps;
    switch (command.action) {
      case 'list': {
        const bound = await bindings.get(ctx.channel);
        const lines = Object.entries(config.environments).map(
          ([name, env]) => `• \`${name}\`${env.readOnly ? ' (read-only)' : ''}${name === bound ? ' ← this channel' : ''}`,
        );
        return ephemeral(['*Environments*', ...lines].join('\n'));
      }
      case 'cur': {
        const bound = (await bindings.get(ctx.channel)) ?? config.defaultEnvironment;
        if (!bound) return ephemeral('No rwenv set. Use `/rwenv-set` first.');
        const env = config.environments[bound];
        return ephemeral(`This channel uses \`${bound}\`${env?.readOnly ? ' (read-only)' : ''}.`);
      }
      case 'set': {
        const env = environmentOf(config, command.env);
        await bindings.set(ctx.channel, env.name);
        return inChannel(`<@${ctx.user}> set this channel's rwenv to \`${env.name}\`${env.readOnly ? ' (read-only)' : ''}.`);
      }
    }
  }

  private async rollout(command: RolloutCommand, ctx: RequestContext): Promise<Reply> {
    const pr = requirePr(command.pr?.toString(), command.service);
    const env = selectEnvironment(this.deps.config, command.env, await this.deps.bindings.get(ctx.channel));
    if (env.readOnly && !command.dryRun) throw new ReadOnlyEnvironment(env.name);
    const { jobId, created } = await this.deps.enqueuer.enqueue(
      {
        kind: 'rollout',
        origin: { channel: ctx.channel, threadTs: ctx.threadTs, user: ctx.user },
        env: env.name,
        service: command.service,
        pr,
        sha: command.sha,
        dryRun: command.dryRun,
      },
      ctx.idempotencyKey,
    );
    const what = `${command.dryRun ? 'dry-run ' : ''}rollout of ${command.service} #${pr} to \`${env.name}\``;
    return ephemeral(created ? `⏳ Queued ${what} (job \`${jobId}\`).` : `This request is already queued as job \`${jobId}\`.`);
  }
}
