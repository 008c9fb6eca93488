import type { PhaseOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import { substitute } from '../placeholders.js';
import { isSkipped, type PhaseStatus } from '../state.js';
import { formatPins, versionsRecord } from '../versions.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';

type NotifyStep = PhaseOf<'notify'>;

/** Seed 004's completion message. */
export const DEFAULT_NOTIFY_TEMPLATE = '[redeploy] {run_id} complete\n  Pins: {pins}\n  Phases: {phases}';

/** "all completed", or what else happened ("all completed except INFISICAL (skipped_no_infisical)"). */
export function phaseSummary(statuses: Array<[string, PhaseStatus]>): string {
  const notCompleted = statuses.filter(([, s]) => s !== 'completed');
  if (!notCompleted.length) return 'all completed';
  if (notCompleted.every(([, s]) => isSkipped(s))) return `all completed except ${notCompleted.map(([n, s]) => `${n} (${s})`).join(', ')}`;
  return statuses.map(([n, s]) => `${n}=${s}`).join(', ');
}

function render(step: NotifyStep, ctx: Pick<PhaseContext, 'templates' | 'pins'>, phases: string): string {
  return substitute(step.template ?? DEFAULT_NOTIFY_TEMPLATE, (p) => {
    if (p.name === 'pins') return formatPins(ctx.pins);
    if (p.name === 'phases') return phases;
    return ctx.templates.text(p.raw);
  });
}

/** Produces the completion text (redacted) and hands it to the injected Notifier, if any. */
export async function executeNotify(step: NotifyStep, ctx: PhaseContext, self: string): Promise<PhaseOutcome> {
  const statuses = ctx.phaseStatuses().filter(([name]) => name !== self);
  const text = ctx.redact(render(step, ctx, phaseSummary(statuses)));
  if (ctx.notifier) {
    try {
      await ctx.notifier.notify({ runId: ctx.runId, text, pins: versionsRecord(ctx.pins), phases: Object.fromEntries(statuses) });
    } catch (error) {
      throw new PhaseFailed(`The completion notification could not be sent (${(error as Error).message ?? String(error)}). Resume to send it again.`, {
        fields: { message: text },
        output: text,
      });
    }
  }
  return { fields: { message: text }, output: text, log: text.split('\n'), detail: ctx.notifier ? 'notification sent' : 'notification text produced' };
}

export function describeNotify(step: NotifyStep, templates: Templates, pins: PhaseContext['pins']): string {
  const firstLine = render(step, { templates, pins }, '<phase summary>').split('\n')[0];
  return `notify "${firstLine}"`;
}
