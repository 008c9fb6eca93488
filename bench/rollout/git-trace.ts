import { readFile } from 'node:fs/promises';

/**
 * Where git's own time goes, from git's trace2 event stream (GIT_TRACE2_EVENT). Only top-level git
 * processes count (a fetch's upload-pack or a push's receive-pack are inside their parent's time).
 * The time is git's own, from its start to its exit: process spawn and pipe handling in Node are not in it.
 */
export interface GitProcessTime {
  /** e.g. `fetch`, `reset`, `remote set-url`. */
  label: string;
  ms: number;
}

/** Runs fn with every git it starts (directly or through bash) writing trace2 events to file. */
export async function withGitTrace<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.GIT_TRACE2_EVENT;
  process.env.GIT_TRACE2_EVENT = file;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.GIT_TRACE2_EVENT;
    else process.env.GIT_TRACE2_EVENT = previous;
  }
}

interface TraceEvent {
  event: string;
  sid: string;
  argv?: string[];
  name?: string;
  t_abs?: number;
}

function labelOf(name: string, argv: string[]): string {
  if (name === 'remote') return `remote ${argv.find((a, i) => i > 1 && !a.startsWith('-')) ?? ''}`.trim();
  return name;
}

export async function gitProcessTimes(file: string): Promise<GitProcessTime[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const byProcess = new Map<string, { name?: string; argv: string[]; seconds?: number }>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as TraceEvent;
    if (e.sid.includes('/')) continue; // a child of another git process
    const p = byProcess.get(e.sid) ?? { argv: [] };
    if (e.event === 'start' && e.argv) p.argv = e.argv;
    if (e.event === 'cmd_name' && e.name) p.name = e.name;
    if ((e.event === 'atexit' || e.event === 'exit') && e.t_abs !== undefined) p.seconds = Math.max(p.seconds ?? 0, e.t_abs);
    byProcess.set(e.sid, p);
  }
  return [...byProcess.values()]
    .filter((p) => p.seconds !== undefined)
    .map((p) => ({ label: labelOf(p.name ?? p.argv[1] ?? '?', p.argv), ms: p.seconds! * 1000 }));
}
