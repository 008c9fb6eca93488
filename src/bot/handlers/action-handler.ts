import { environmentOf } from '../../core/config/load.js';
import { InvalidInput } from '../../core/errors.js';
import { validateServiceName } from '../../core/validate.js';
import { SAVE_CATALOG_ACTION } from '../../jobs/catalog-actions.js';
import { RELEASE_APPROVE_ACTION, RELEASE_RETRY_ACTION } from '../../jobs/release/release-actions.js';
import { handleApprove } from './release-handler.js';
import { SITE_PICK_ACTION, SITE_PICK_PATTERN } from '../../jobs/site-choice.js';
import { handleSitePick } from './site-pick-handler.js';
import { handleRolloutPick } from './rollout-handler.js';
import { ROLLOUT_PICK_ACTION } from '../render/pull-request-picker.js';
import { servicesTable, SERVICES_PAGE_ACTIONS } from '../render/services-message.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps, assertMay } from './router-deps.js';
import { ROLLBACK_ACTION } from '../../jobs/guard-actions.js';
import { handleRollback } from './guard-handler.js';

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

export const HANDLED_ACTIONS = [...SERVICES_PAGE_ACTIONS, SAVE_CATALOG_ACTION, RELEASE_APPROVE_ACTION, RELEASE_RETRY_ACTION, SITE_PICK_PATTERN, ROLLOUT_PICK_ACTION, ROLLBACK_ACTION] as const;

export async function handleAction(deps: RouterDeps, actionId: string, value: string | undefined, ctx: RequestContext): Promise<ActionReply> {
  const payload = parseValue(value);
  if (actionId.startsWith(`${SITE_PICK_ACTION}_`)) return handleSitePick(deps, payload, ctx);
  if ((SERVICES_PAGE_ACTIONS as readonly string[]).includes(actionId)) {
    const env = environmentOf(deps.config, String(payload.env));
    const catalog = deps.catalogs.get(env);
    if (!catalog) throw new InvalidInput(`Environment '${env.name}' has no services catalog any more.`);
    return { visibility: 'ephemeral', message: servicesTable(env.name, catalog, Number(payload.page) || 1), replaceOriginal: true };
  }
  switch (actionId) {
    case SAVE_CATALOG_ACTION: {
      const env = environmentOf(deps.config, String(payload.env));
      // Saving writes the catalog: the same rule as /services regenerate --save.
      await assertMay(deps, env, 'rollout', ctx, 'save the catalog of');
      // Keyed on the preview: pressing Save twice saves once.
      const { jobId, created } = await deps.enqueuer.enqueue(
        { kind: 'catalog', action: 'save', origin: originOf(ctx), env: env.name, fromJob: String(payload.job) },
        `save-${String(payload.job)}`,
      );
      return queuedReply(created, jobId, `saving the catalog of \`${env.name}\``);
    }
    case RELEASE_APPROVE_ACTION:
      return handleApprove(deps, String(payload.id), ctx);
    case ROLLOUT_PICK_ACTION:
      // The queued notice replaces the list, so the same list cannot start a second rollout.
      return { ...(await handleRolloutPick(deps, payload, ctx)), replaceOriginal: true };
    case RELEASE_RETRY_ACTION: {
      const env = environmentOf(deps.config, String(payload.env));
      // A new check starts a release request: the same rule as /release.
      await assertMay(deps, env, 'release', ctx);
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
    case ROLLBACK_ACTION: {
      // The click is a `/rollback` by whoever clicked: same checks, same job.
      const to = typeof payload.to === 'string' ? payload.to : undefined;
      const undo = typeof payload.undo === 'string' ? payload.undo : undefined;
      return handleRollback(deps, { kind: 'rollback', service: validateServiceName(String(payload.service)), env: String(payload.env), to, undo, force: false }, ctx);
    }
    default:
      return ephemeral(`I don't know the button '${escapeMrkdwn(actionId)}'.`);
  }
}
