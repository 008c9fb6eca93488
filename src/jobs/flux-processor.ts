import type { CatalogStore } from '../core/catalog/catalog-store.js';
import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import { runFlux } from '../core/flux/flux-cli.js';
import { codeBlock } from '../core/mrkdwn.js';
import { StepTracker } from '../core/progress.js';
import type { FluxJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';

const MAX_OUTPUT = 2800;

/** `/flux get|reconcile|suspend|resume`: the flux CLI's table, shown as a monospace block. */
export function fluxProcessor(deps: { config: LoadedConfig; catalogs: CatalogStore }): JobProcessor<FluxJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      const label = data.command.action === 'get' ? `flux get ${data.command.target}` : `flux ${data.command.action} ${data.command.resource} ${data.command.name}`;
      const steps = new StepTracker(`${label} in ${env.name}`, [['run', `Run ${label}`]], reporter);
      const result = await steps.run('run', () =>
        runFlux(deps.config.fluxCli, data.command, env, (name) => deps.catalogs.entry(env, name)?.namespace),
      );
      // One section holds 3,000 characters (https://api.slack.com/reference/block-kit/blocks#section).
      await reporter.succeed(result.output.trim() ? codeBlock(result.output, MAX_OUTPUT) : '_flux printed nothing._');
      return { argv: result.argv };
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
