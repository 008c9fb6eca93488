import type { Command } from '../../core/commands/command.js';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.js';
import { code, ephemeral, type Reply, type RouterDeps } from './router-deps.js';

/** `/audit [service]`: the latest entries of the audit stream. */
export async function handleAudit(deps: RouterDeps, command: Extract<Command, { kind: 'audit' }>): Promise<Reply> {
  const entries = await deps.audit.latest(command.limit, command.service);
  const service = command.service ? escapeMrkdwn(command.service) : undefined;
  if (entries.length === 0) return ephemeral(service ? `Nothing in the audit log for ${service} yet.` : 'The audit log is empty.');
  const lines = entries.map((e) => {
    const at = new Date(e.at).toISOString().replace('T', ' ').slice(0, 19);
    const what = escapeMrkdwn([e.service, e.env && `(${e.env})`].filter(Boolean).join(' '));
    return `\`${at}\` *${escapeMrkdwn(e.type)}* by ${mention(e.who)}${what ? ` · ${what}` : ''}${e.detail ? ` — ${escapeMrkdwn(e.detail)}` : ''}${e.jobId ? ` · job ${code(e.jobId)}` : ''}`;
  });
  return ephemeral([`*Audit log${service ? ` for ${service}` : ''}* (newest first)`, ...lines].join('\n'));
}
