import type { Command } from '../../core/commands/command.js';
import { ephemeral, type Reply, type RouterDeps } from './router-deps.js';

/** `/audit [service]`: the latest entries of the audit stream. */
export async function handleAudit(deps: RouterDeps, command: Extract<Command, { kind: 'audit' }>): Promise<Reply> {
  const entries = await deps.audit.latest(command.limit, command.service);
  if (entries.length === 0) return ephemeral(command.service ? `Nothing in the audit log for ${command.service} yet.` : 'The audit log is empty.');
  const lines = entries.map((e) => {
    const at = new Date(e.at).toISOString().replace('T', ' ').slice(0, 19);
    const what = [e.service, e.env && `(${e.env})`].filter(Boolean).join(' ');
    return `\`${at}\` *${e.type}* by <@${e.who}>${what ? ` · ${what}` : ''}${e.detail ? ` — ${e.detail}` : ''}${e.jobId ? ` · job \`${e.jobId}\`` : ''}`;
  });
  return ephemeral([`*Audit log${command.service ? ` for ${command.service}` : ''}* (newest first)`, ...lines].join('\n'));
}
