import type { EnvironmentConfig } from '../../core/config/schema.js';
import type { ActiveFreeze } from '../../core/guard/freeze-windows.js';
import { describeFreeze } from '../../jobs/guard/freeze-guard.js';
import { inChannel, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

/** Refuses during a freeze unless `--force` comes from break-glass; returns the freeze that was forced. */
export function checkFreeze(deps: RouterDeps, env: EnvironmentConfig, ctx: RequestContext, force: boolean | undefined, what: string): Promise<ActiveFreeze | undefined> {
  return deps.freezes.check(env, ctx.user, force === true, deps.clock(), what);
}

/** A forced action is audited and told to the whole channel, not just the person who forced it. */
export async function announceForced(deps: RouterDeps, env: EnvironmentConfig, ctx: RequestContext, freeze: ActiveFreeze, what: string, queued: Reply, service?: string): Promise<Reply> {
  await deps.audit.append({ type: 'freeze.forced', who: ctx.user, env: env.name, service, detail: `${what} through the freeze ${describeFreeze(freeze).replace(/<@([A-Z0-9_]+)>/g, '$1')}`, at: deps.clock() });
  const queuedText = queued.message.text.replace(/^⏳ /, '');
  return inChannel(`🚨 <@${ctx.user}> used \`--force\`: the ${what} in \`${env.name}\` goes through the freeze ${describeFreeze(freeze)}. ${queuedText}`);
}
