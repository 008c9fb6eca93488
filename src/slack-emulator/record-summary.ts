import type { RecordStore } from './record-store.js';

const MAX_CALLS = 40;

function snippet(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/**
 * A readable dump of what the emulator recorded. It is the body of every
 * waitFor() timeout, because "timed out" alone sends you to the debugger while
 * "the bot posted X, then called Y which failed with Z" usually explains it.
 */
export function summarizeRecords(store: RecordStore): string {
  const lines: string[] = [];
  const calls = store.calls();
  lines.push(`calls (${calls.length}${calls.length > MAX_CALLS ? `, last ${MAX_CALLS}` : ''}):`);
  for (const call of calls.slice(-MAX_CALLS)) {
    const outcome = call.ok ? 'ok' : `error=${call.error ?? '?'}`;
    lines.push(`  ${call.method} ${outcome} ${snippet(call.args)}`);
  }
  const messages = store.everyMessage();
  lines.push(`messages (${messages.length}):`);
  for (const m of messages) {
    const flags = [
      m.thread_ts && m.thread_ts !== m.ts ? `thread=${m.thread_ts}` : '',
      m.updates > 0 ? `updates=${m.updates}` : '',
      m.deleted ? 'DELETED' : '',
    ].filter(Boolean);
    lines.push(`  ${m.channel} ${m.ts} <${m.user}> ${flags.join(' ')} ${snippet(m.text ?? m.blocks ?? '')}`);
  }
  const ephemerals = store.allEphemerals();
  lines.push(`ephemerals (${ephemerals.length}):`);
  for (const e of ephemerals) lines.push(`  ${e.channel} to ${e.user}: ${snippet(e.text ?? e.blocks ?? '')}`);
  const responses = store.responses();
  lines.push(`response_url posts (${responses.length}):`);
  for (const r of responses) {
    const mode = r.delete_original ? 'delete_original' : r.replace_original ? 'replace_original' : r.response_type;
    lines.push(`  ${r.channel} for ${r.user} ${mode}: ${snippet(r.text ?? r.blocks ?? '')}`);
  }
  const views = store.views();
  lines.push(`views (${views.length}):`);
  for (const v of views) lines.push(`  ${v.id} for ${v.user ?? '?'} callback_id=${String(v.view.callback_id)}`);
  return lines.join('\n');
}
