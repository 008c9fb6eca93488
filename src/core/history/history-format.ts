import type { TagChange } from './tag-history.js';

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function how(change: TagChange): string {
  switch (change.kind) {
    case 'rollout':
      return change.pr ? `rollout of PR #${change.pr}` : 'rollout';
    case 'release':
      return 'release';
    case 'rollback':
      return 'rollback';
    case 'manual':
      return change.pr ? `commit (PR #${change.pr})` : 'commit';
  }
}

/** Who asked: the `Requested-by` trailer (a Slack mention when it is a user id), else the git author. */
function who(change: TagChange, style: 'text' | 'mrkdwn'): string {
  const id = change.requestedBy;
  if (id) return style === 'mrkdwn' && /^[UW][A-Z0-9_]+$/.test(id) ? `<@${id}>` : id;
  return `${change.author} (git)`;
}

/** One `/history` row in Slack mrkdwn: tag, how and who, when (in each reader's time zone), commit. */
export function historyRowMrkdwn(change: TagChange): string {
  const when = `<!date^${Math.floor(change.at / 1000)}^{date_short_pretty} {time}|${utc(change.at)}>`;
  return `\`${change.tag}\`${change.current ? ' *← now*' : ''}\n${how(change)} by ${who(change, 'mrkdwn')} · ${when} · \`${change.commit.slice(0, 7)}\``;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** `rollbot history`: an aligned plain-text table. */
export function historyTable(changes: TagChange[]): string {
  const rows = changes.map((c) => [c.tag + (c.current ? ' *' : ''), utc(c.at), who(c, 'text'), c.commit.slice(0, 7), how(c)]);
  const head = ['TAG', 'WHEN', 'REQUESTED BY', 'COMMIT', 'HOW'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : pad(cell, widths[i]!))).join('  ')).join('\n');
}
