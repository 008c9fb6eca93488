import { fail, stringArg, type MethodContext, type MethodHandler } from './method-context.js';
import { viewRefusal } from './message-validation.js';
import type { ApiArgs, ApiResult, RecordedView } from './types.js';

/** The view as Slack echoes it back: the app's definition plus Slack-owned fields. */
export function viewJson(v: RecordedView, ctx: MethodContext): Record<string, unknown> {
  return {
    callback_id: '',
    private_metadata: '',
    external_id: '',
    ...v.view,
    id: v.id,
    team_id: ctx.identity.teamId,
    state: { values: {} },
    hash: `${v.history.length}.${v.id}`,
    root_view_id: v.id,
    app_id: ctx.identity.appId,
    app_installed_team_id: ctx.identity.teamId,
    bot_id: ctx.identity.botId,
  };
}

function definitionArg(args: ApiArgs): ApiArgs | undefined {
  const view = args.view;
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return undefined;
  return view as ApiArgs;
}

function openWith(method: 'views.open' | 'views.push'): MethodHandler {
  return (args, ctx): ApiResult => {
    const definition = definitionArg(args);
    if (!definition) return fail('invalid_arguments');
    const refused = viewRefusal(definition);
    if (refused) return refused;
    const trigger = ctx.triggers.exchange(args.trigger_id);
    if ('error' in trigger) return fail(trigger.error);
    const view: RecordedView = {
      id: ctx.nextViewId(),
      trigger_id: stringArg(args, 'trigger_id'),
      user: trigger.user,
      opened_by: method,
      view: definition,
      history: [definition],
      at: ctx.nowMs(),
    };
    ctx.store.addView(view);
    return { ok: true, view: viewJson(view, ctx) };
  };
}

const update: MethodHandler = (args, ctx) => {
  const definition = definitionArg(args);
  if (!definition) return fail('invalid_arguments');
  const refused = viewRefusal(definition);
  if (refused) return refused;
  const viewId = stringArg(args, 'view_id');
  const externalId = stringArg(args, 'external_id');
  const view = viewId
    ? ctx.store.liveView(viewId)
    : ctx.store.views().find((v) => externalId !== undefined && v.view.external_id === externalId);
  const live = view ? ctx.store.liveView(view.id) : undefined;
  if (!live) return fail('not_found');
  ctx.store.replaceView(live, definition);
  return { ok: true, view: viewJson(live, ctx) };
};

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': openWith('views.open'),
  'views.push': openWith('views.push'),
  'views.update': update,
};
