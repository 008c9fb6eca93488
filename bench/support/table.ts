/** A plain-text table: first column left-aligned, the others right-aligned. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface GoalCheck {
  goal: string;
  met: boolean;
  /** The measured value(s) behind the verdict. */
  measured: string;
}

export function formatGoals(goals: GoalCheck[]): string {
  return goals.map((g) => `  [${g.met ? 'met   ' : 'MISSED'}] ${g.goal}: ${g.measured}`).join('\n');
}

export function heading(title: string): string {
  return `\n=== ${title} ${'='.repeat(Math.max(0, 72 - title.length))}`;
}

/** What a bench hands back to bench/run.ts for the summary (its tables are already printed). */
export interface BenchOutcome {
  goals: GoalCheck[];
}
