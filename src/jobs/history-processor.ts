import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import { historyRowMrkdwn } from '../core/history/history-format.js';
import { readTagHistory } from '../core/history/tag-history.js';
import { StepTracker } from '../core/progress.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { ROLLBACK_ACTION, rollbackButtonValue } from './guard-actions.js';
import type { HistoryJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import type { ResultRow } from './job-reporter.js';
import { reportFailure } from './user-errors.js';

/** `/history`: the tags a service had, newest first, each older one with a Roll back button. */
export function historyProcessor(deps: { config: LoadedConfig; engine: RolloutEngine }): JobProcessor<HistoryJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      const steps = new StepTracker(`History of ${data.service} in ${env.name}`, [['read', 'Read the Flux repo history']], reporter);
      const history = await steps.run(
        'read',
        () => deps.engine.inspect(env, data.service, (_workspace, located, tree) => readTagHistory(tree, located, data.service, { limit: data.limit })),
        (h) => `${h.changes.length} tag change${h.changes.length === 1 ? '' : 's'} in ${h.file}`,
      );
      const current = history.changes[0];
      if (!current) {
        await reporter.succeed(`${data.service} has no image tag history in \`${env.name}\` (\`${history.file}\`).`);
        return history;
      }
      // A read-only environment shows its history but offers nothing that would change it.
      const offerButtons = !env.readOnly;
      const rows: ResultRow[] = history.changes.map((change) => ({
        text: historyRowMrkdwn(change),
        button:
          offerButtons && change.tag !== current.tag
            ? { actionId: ROLLBACK_ACTION, text: 'Roll back to this', value: rollbackButtonValue(env.name, data.service, change.tag) }
            : undefined,
      }));
      const notes = [
        history.truncated ? '_Older commits were not read._' : '',
        env.readOnly ? `_\`${env.name}\` is read-only: nothing can be rolled back here._` : !env.allowRollout ? '_Roll backs here need approval, like a release._' : '',
      ].filter(Boolean);
      await reporter.succeed(
        [`*${data.service}* in \`${env.name}\`: the last ${history.changes.length} tag${history.changes.length === 1 ? '' : 's'}, newest first, from \`${history.file}\`.`, ...notes].join('\n'),
        { rows },
      );
      return history;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
