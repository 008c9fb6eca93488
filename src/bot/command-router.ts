import type { Command } from '../core/commands/command.js';
import { parseCommand } from '../core/commands/parse.js';
import { usageText } from '../core/commands/usage.js';
import { isRollbotError, userMessageOf } from '../core/errors.js';
import { errorMrkdwn, escapeMrkdwn } from '../core/mrkdwn.js';
import { handleAction, type ActionReply } from './handlers/action-handler.js';
import { handleFlux } from './handlers/flux-handler.js';
import { handleLock } from './handlers/lock-handler.js';
import { handleAudit } from './handlers/audit-handler.js';
import { handleStatus } from './handlers/status-handler.js';
import { handleRelease, handleReject } from './handlers/release-handler.js';
import { handleRedeploy } from './handlers/redeploy-handler.js';
import { handleRollout } from './handlers/rollout-handler.js';
import { ephemeral, type Reply, type RequestContext, type RouterDeps } from './handlers/router-deps.js';
import { handleRwenv } from './handlers/rwenv-handler.js';
import { handleServices } from './handlers/services-handler.js';
import { handleFreeze, handleHistory, handleRollback } from './handlers/guard-handler.js';

export type { Reply, RequestContext } from './handlers/router-deps.js';

/**
 * Turns a request from any door into a reply, enqueuing work when there is some. Everything here
 * is quick (parse, a Redis read or write, an in-memory lookup): the ack stays well under 3 seconds.
 */
export class CommandRouter {
  constructor(private readonly deps: RouterDeps) {}

  async handle(text: string, ctx: RequestContext, slashCommand?: string): Promise<Reply> {
    return this.guard(() => this.dispatch(parseCommand(text, { slashCommand }), ctx));
  }

  async handleAction(actionId: string, value: string | undefined, ctx: RequestContext): Promise<ActionReply> {
    return this.guard(() => handleAction(this.deps, actionId, value, ctx));
  }

  async handleRejection(approvalId: string, reason: string, ctx: RequestContext): Promise<Reply> {
    return this.guard(() => handleReject(this.deps, approvalId, reason, ctx));
  }

  /** User errors become an ephemeral sentence; anything else is a bug and propagates. */
  async guard<R extends Reply>(work: () => Promise<R>): Promise<R | Reply> {
    try {
      return await work();
    } catch (error) {
      if (!isRollbotError(error)) throw error;
      return ephemeral(`❌ ${errorMrkdwn(error, userMessageOf(error))}`);
    }
  }

  private dispatch(command: Command, ctx: RequestContext): Promise<Reply> {
    switch (command.kind) {
      case 'help':
        // Usage lines hold `<service>` and the reason may quote the user: both escaped.
        return Promise.resolve(ephemeral(escapeMrkdwn([command.reason, usageText(command.topic)].filter(Boolean).join('\n'))));
      case 'rwenv':
        return handleRwenv(this.deps, command, ctx);
      case 'rollout':
        return handleRollout(this.deps, command, ctx);
      case 'services':
        return handleServices(this.deps, command, ctx);
      case 'flux':
        return handleFlux(this.deps, command, ctx);
      case 'release':
        return handleRelease(this.deps, command, ctx);
      case 'redeploy':
        return handleRedeploy(this.deps, command, ctx);
      case 'lock':
      case 'unlock':
      case 'locks':
        return handleLock(this.deps, command, ctx);
      case 'audit':
        return handleAudit(this.deps, command);
      case 'history':
        return handleHistory(this.deps, command, ctx);
      case 'rollback':
        return handleRollback(this.deps, command, ctx);
      case 'freeze':
      case 'unfreeze':
      case 'freezes':
        return handleFreeze(this.deps, command, ctx);
      case 'status':
        return handleStatus(this.deps, command, ctx);
    }
  }

}
