import type { Queue } from 'bullmq';
import type { CatalogStore } from '../core/catalog/catalog-store.js';
import { regenerateCatalog, regenerateSummary, saveRegeneratedCatalog, type RegeneratedCatalog } from '../core/catalog/catalog-regenerate.js';
import type { LoadedConfig } from '../core/config/load.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { environmentOf } from '../core/config/load.js';
import { InvalidInput } from '../core/errors.js';
import { StepTracker } from '../core/progress.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import type { CatalogJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';
import { SAVE_CATALOG_ACTION } from './catalog-actions.js';


/**
 * `/services regenerate`: shows the diff first; saving is a second step (a button, or --save).
 * The save job reads the preview from the regenerate job's result, so what is saved is what was shown.
 */
export function catalogProcessor(deps: { config: LoadedConfig; engine: RolloutEngine; catalogs: CatalogStore; queue: () => Queue }): JobProcessor<CatalogJobData> {
  const workspaceFor = (env: EnvironmentConfig) => deps.engine.workspace(env);
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      if (data.action === 'save') {
        const source = data.fromJob ? await deps.queue().getJob(data.fromJob) : undefined;
        const preview = source?.returnvalue as RegeneratedCatalog | undefined;
        if (!preview?.catalog) throw new InvalidInput('That catalog preview has expired. Run `/services regenerate` again, then press Save.');
        const steps = new StepTracker(`Save the services catalog of ${env.name}`, [['save', 'Save catalog']], reporter);
        const places = await steps.run('save', () => saveRegeneratedCatalog(env, preview.catalog, workspaceFor), (p) => p.join(', '));
        await reporter.succeed(escapeMrkdwn(`Saved ${Object.keys(preview.catalog.services).length} services to ${places.map((p) => `\`${p}\``).join(' and ')}.`));
        return { places };
      }
      const result = await regenerateCatalog(env, deps.engine.workspace(env), deps.catalogs.get(env), reporter);
      // The summary is a plain text of names and paths: escaped as a whole, as are the notes below.
      let summary = escapeMrkdwn(regenerateSummary(result));
      if (data.save) {
        const places = await saveRegeneratedCatalog(env, result.catalog, workspaceFor);
        summary += escapeMrkdwn(`\n💾 Saved to ${places.map((p) => `\`${p}\``).join(' and ')}.`);
        await reporter.succeed(summary);
      } else if (env.readOnly) {
        await reporter.succeed(`${summary}\n_${escapeMrkdwn(env.name)} is read-only: this preview cannot be saved._`);
      } else if (!env.catalog && !env.catalogRepo) {
        await reporter.succeed(`${summary}\n_${escapeMrkdwn(`Add \`catalog: <path>\` or \`catalogRepo\` to ${env.name} in the config to be able to save it.`)}_`);
      } else {
        await reporter.succeed(summary, {
          buttons: [{ actionId: SAVE_CATALOG_ACTION, text: 'Save catalog', value: JSON.stringify({ env: env.name, job: attempt.jobId }), style: 'primary' }],
        });
      }
      return result;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
