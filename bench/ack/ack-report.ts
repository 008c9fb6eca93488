import { ms, percentile, ratio } from '../support/stats.js';
import { formatGoals, formatTable, type GoalCheck } from '../support/table.js';
import type { LoadResult } from './load.js';

export interface AckRowResult {
  label: string;
  /** The bare Bolt app: the baseline the rollbot rows are compared with. */
  isBare: boolean;
  result: LoadResult;
  /** p99 of each measured segment, to show how much it moves between segments. */
  segmentP99: number[];
  note: string;
}

/** Prints the latency table, status codes and goal verdicts; returns the goals for the summary. */
export function reportAck(rows: AckRowResult[], segmentSeconds: number, log: (line: string) => void): GoalCheck[] {
  const bare = rows.find((r) => r.isBare);
  const bareP99 = bare ? percentile(bare.result.latencies, 99) : Number.NaN;
  const p99 = (r: AckRowResult) => percentile(r.result.latencies, 99);
  const failures = (r: AckRowResult) => r.result.errors + r.result.timeouts;
  log(
    '\n' +
      formatTable(
        ['app / command', 'requests', 'req/s', 'non-2xx', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99 vs bare', `p99 per ${segmentSeconds} s segment`],
        rows.map((r) => {
          const l = r.result.latencies;
          return [
            r.label, String(r.result.requests), (r.result.requests / r.result.durationS).toFixed(0), String(r.result.non2xx), String(failures(r)),
            ms(percentile(l, 50)), ms(percentile(l, 90)), ms(p99(r)), ms(Math.max(...l)), ratio(p99(r), bareP99),
            `${ms(Math.min(...r.segmentP99))}..${ms(Math.max(...r.segmentP99))}`,
          ];
        }),
      ),
  );
  for (const r of rows) {
    const codes = Object.entries(r.result.statusCodes).map(([code, n]) => `${code}: ${n}`).join(', ');
    log(`  ${r.label}: status codes {${codes}}${r.note ? `; ${r.note}` : ''}`);
  }
  const goals = rows
    .filter((r) => !r.isBare)
    .flatMap((r): GoalCheck[] => [
      {
        goal: `${r.label}: p99 < 50 ms, all 200`,
        met: p99(r) < 50 && r.result.non2xx === 0 && failures(r) === 0,
        measured: `p99 ${ms(p99(r))} ms, non-2xx ${r.result.non2xx}, errors ${failures(r)}`,
      },
      { goal: `${r.label}: p99 <= 1.2x bare app`, met: p99(r) <= 1.2 * bareP99, measured: `${ratio(p99(r), bareP99)} (${ms(p99(r))} vs ${ms(bareP99)} ms)` },
    ]);
  log(formatGoals(goals));
  return goals;
}

/** Sequential requests (one in flight): service time without burst queueing, and its gap to the bare app. */
export function sequentialTable(rows: Array<{ label: string; isBare: boolean; result: LoadResult }>): string {
  const bare = rows.find((r) => r.isBare);
  const bareP50 = bare ? percentile(bare.result.latencies, 50) : Number.NaN;
  return formatTable(
    ['one request in flight (service time)', 'requests', 'non-2xx+errors', 'p50 ms', 'p99 ms', 'p50 minus bare'],
    rows.map(({ label, result }) => {
      const p50 = percentile(result.latencies, 50);
      return [label, String(result.requests), String(result.non2xx + result.errors + result.timeouts), ms(p50), ms(percentile(result.latencies, 99)), `${(p50 - bareP50).toFixed(2)} ms`];
    }),
  );
}
