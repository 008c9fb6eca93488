import { environmentOf } from '../../core/config/load.js';
import { InvalidInput } from '../../core/errors.js';
import { SAVE_CATALOG_ACTION } from '../../jobs/catalog-actions.js';
import { RELEASE_APPROVE_ACTION, RELEASE_RETRY_ACTION } from '../../jobs/release/release-actions.js';
import { handleApprove } from './release-handler.js';
import { handleRollback, ROLLBACK_ACTION } from './rollback-button.js';
import { servicesTable, SERVICES_PAGE_ACTION } from '../render/services-message.js';
import { ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** What a button click does to the message it was on. */
export interface ActionReply extends Reply {
  /** Replace the clicked message (pagination) instead of answering beside it. */
  replaceOriginal?: boolean;
}

function parseValue(value: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidInput('That button is out of date. Run the command again.');
}

export const HANDLED_ACTIONS = [SERVICES_PAGE_ACTION, SAVE_CATALOG_ACTION, RELEASE_APPROVE_ACTION, RELEASE_RETRY_ACTION, ROLLBACK_ACTION] as const;

export async function handleAction(deps: RouterDeps, actionId: string, value: string | undefined, ctx: RequestContext): Promise<ActionReply> {
  const payload = parseValue(value);
  switch (actionId) {
    case SERVICES_PAGE_ACTION: {
      const env = environmentOf(deps.config, String(payload.env));
      const catalog = deps.catalogs.get(env);
      if (!catalog) throw new InvalidInput(`Environment '${env.name}' has no services catalog any more.`);
      return { visibility: 'ephemeral', message: servicesTable(env.name, catalog, Number(payload.page) || 1), replaceOriginal: true };
    }
    case SAVE_CATALOG_ACTION: {
      const env = environmentOf(deps.config, String(payload.env));
      // Keyed on the preview: pressing Save twice saves once.
      const { jobId, created } = await deps.enqueuer.enqueue(
        { kind: 'catalog', action: 'save', origin: originOf(ctx), env: env.name, fromJob: String(payload.job) },
        `save-${String(payload.job)}`,
      );
      return queuedReply(created, jobId, `saving the catalog of \`${env.name}\``);
    }
    case RELEASE_APPROVE_ACTION:
      return handleApprove(deps, String(payload.id), ctx);
    case RELEASE_RETRY_ACTION: {
      const env = environmentOf(deps.config, String(payload.env));
      const { jobId, created } = await deps.enqueuer.enqueue(
        {
          kind: 'release',
          action: 'prepare',
          origin: originOf(ctx),
          env: env.name,
          service: String(payload.service),
          sha: String(payload.sha),
          tag: typeof payload.tag === 'string' ? payload.tag : undefined,
          pr: typeof payload.pr === 'number' ? payload.pr : undefined,
        },
        ctx.idempotencyKey,
      );
      return queuedReply(created, jobId, `a new check of ${String(payload.service)} for \`${env.name}\``);
    }
    case ROLLBACK_ACTION:
      return handleRollback(deps, payload, ctx);
    default:
      return ephemeral(`I don't know the button '${actionId}'.`);
  }
}
