import { escapeMrkdwn } from '../mrkdwn.js';
import type { RolloutResult } from './rollout-engine.js';

/**
 * Seed 000 step 7, as plain text (the CLI) or Slack mrkdwn (code spans; paths, tags and the diff
 * escaped, since a `<` or `&` in them would be read as Slack markup).
 */
export function rolloutSummary(result: RolloutResult, style: 'text' | 'mrkdwn' = 'text'): string {
  const text = summaryText(result, style);
  return style === 'mrkdwn' ? escapeMrkdwn(text) : text;
}

function summaryText(result: RolloutResult, style: 'text' | 'mrkdwn'): string {
  const code = (s: string) => (style === 'mrkdwn' ? `\`${s}\`` : s);
  const hint = `flux reconcile kustomization ${result.kustomization} --with-source`;
  const reconcile = [
    'Flux will reconcile automatically. To force immediate sync:',
    style === 'mrkdwn' ? `\`${hint}\`` : `  ${hint}`,
  ];
  const details = [`Flux repo: ${code(result.fluxRepo)}`, `File: ${code(result.file)}`, `Tag: ${code(result.tag)}`];
  switch (result.status) {
    case 'updated':
      return [
        `Updated ${result.service} to ${result.tag}`,
        '',
        ...details,
        ...(result.commit ? [`Commit: ${code(result.commit.slice(0, 7))} on ${result.environment}`] : []),
        '',
        ...reconcile,
      ].join('\n');
    case 'unchanged':
      return [`${result.service} is already at ${result.tag} in ${result.environment}; nothing to commit.`, '', ...details].join('\n');
    case 'dry-run':
      return [
        `Dry run: would update ${result.service} to ${result.tag} in ${result.environment} (nothing was changed)`,
        '',
        ...details,
        '',
        style === 'mrkdwn' ? '```\n' + (result.diff ?? '').trimEnd().replace(/```/g, '`\u200b``') + '\n```' : (result.diff ?? '').trimEnd(),
      ].join('\n');
  }
}
