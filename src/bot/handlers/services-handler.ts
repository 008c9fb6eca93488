import type { ServicesCommand } from '../../core/commands/command.js';
import { fluxPathAnswer, namespaceAnswer } from '../../core/catalog/catalog-answers.js';
import type { CatalogData } from '../../core/catalog/catalog-file.js';
import { findService, notInCatalogSentence } from '../../core/catalog/catalog-lookup.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { InvalidInput, ReadOnlyEnvironment } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { sentenceMessage } from '../render/block-kit.js';
import { serviceDetail, servicesTable } from '../render/services-message.js';
import { assertMay, environmentFor, ephemeral, originOf, queuedReply, type Reply, type RequestContext, type RouterDeps } from './router-deps.js';

function catalogOf(deps: RouterDeps, env: EnvironmentConfig): CatalogData {
  const catalog = deps.catalogs.get(env);
  if (!catalog) {
    throw new InvalidInput(`Environment '${env.name}' has no services catalog. Add \`catalog: <path>\` to it in the config, then run \`/services regenerate --save\`.`);
  }
  return catalog;
}

/**
 * Catalog lookups answer from memory in the ack (the catalog is loaded once and reloaded when its
 * file changes); regeneration scans the Flux repo, so it is a queued job.
 */
export async function handleServices(deps: RouterDeps, command: ServicesCommand, ctx: RequestContext): Promise<Reply> {
  const env = await environmentFor(deps, ctx, command.env);
  // A question in a channel is answered for everyone; a slash command's listing only for the caller.
  const visibility = ctx.source === 'slash' ? 'ephemeral' : 'in_channel';
  switch (command.action) {
    case 'regenerate': {
      if (command.save && env.readOnly) throw new ReadOnlyEnvironment(env.name);
      await assertMay(deps, env, command.save ? 'rollout' : 'use', ctx, 'save the catalog of');
      const { jobId, created } = await deps.enqueuer.enqueue(
        { kind: 'catalog', action: 'regenerate', origin: originOf(ctx), env: env.name, save: command.save },
        ctx.idempotencyKey,
      );
      return queuedReply(created, jobId, `catalog regeneration for \`${env.name}\``);
    }
    case 'list':
      return { visibility, message: servicesTable(env.name, catalogOf(deps, env), command.page) };
    case 'show': {
      const catalog = catalogOf(deps, env);
      const found = findService(catalog, command.service);
      if (!found) return ephemeral(escapeMrkdwn(notInCatalogSentence(catalog, command.service)));
      return { visibility, message: serviceDetail(env.name, found.name, found.entry) };
    }
    case 'namespace':
    case 'where': {
      const answer = (command.action === 'namespace' ? namespaceAnswer : fluxPathAnswer)(catalogOf(deps, env), command.service);
      return { visibility: answer.found ? visibility : 'ephemeral', message: sentenceMessage(answer.text) };
    }
  }
}
