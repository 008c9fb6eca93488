import { median, ms, percentile, ratio } from '../support/stats.js';
import { formatGoals, formatTable, type GoalCheck } from '../support/table.js';
import type { LoadResult } from './load.js';

export interface AckRowResult {
  label: string;
  /** The baseline the rollbot rows are compared with (a bare app on Bolt's default receiver, as rollbot's). */
  isBare: boolean;
  /** A bare app shown for reference (Bolt's ExpressReceiver); not a goal baseline. */
  isReference?: boolean;
  result: LoadResult;
  /** p99 of each measured segment, to show how much it moves between segments (round i of every row ran back to back). */
  segmentP99: number[];
  /** CPU (user + system) the app's process spent per request during the measured segments. */
  cpuMsPerRequest: number;
  note: string;
}

const GOAL = 1.2;

/** Prints the latency table, status codes and goal verdicts (with by how much and why a miss); returns the goals. */
export function reportAck(rows: AckRowResult[], segmentSeconds: number, log: (line: string) => void): GoalCheck[] {
  const bare = rows.find((r) => r.isBare);
  const reference = rows.find((r) => r.isReference);
  const p99 = (r: AckRowResult) => percentile(r.result.latencies, 99);
  const bareP99 = bare ? p99(bare) : Number.NaN;
  const failures = (r: AckRowResult) => r.result.errors + r.result.timeouts;
  // Paired: each round's p99 over the baseline's p99 in the same round (machine load shifts between rounds).
  const rounds = (r: AckRowResult) => (bare ? r.segmentP99.map((v, i) => v / bare.segmentP99[i]!) : []);
  log(
    '\n' +
      formatTable(
        ['app / command', 'requests', 'req/s', 'non-2xx', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99 vs baseline', 'per round: median (min..max)', 'p99 vs ExpressReceiver app', 'CPU ms/request', `p99 per ${segmentSeconds} s segment`],
        rows.map((r) => {
          const l = r.result.latencies;
          const perRound = rounds(r);
          return [
            r.label, String(r.result.requests), (r.result.requests / r.result.durationS).toFixed(0), String(r.result.non2xx), String(failures(r)),
            ms(percentile(l, 50)), ms(percentile(l, 90)), ms(p99(r)), ms(Math.max(...l)), ratio(p99(r), bareP99),
            perRound.length ? `${median(perRound).toFixed(2)}x (${Math.min(...perRound).toFixed(2)}..${Math.max(...perRound).toFixed(2)})` : '-',
            reference ? ratio(p99(r), p99(reference)) : '-',
            r.cpuMsPerRequest.toFixed(3),
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
    .filter((r) => !r.isBare && !r.isReference)
    .flatMap((r): GoalCheck[] => [
      {
        goal: `${r.label}: p99 < 50 ms, all 200`,
        met: p99(r) < 50 && r.result.non2xx === 0 && failures(r) === 0,
        measured: `p99 ${ms(p99(r))} ms, non-2xx ${r.result.non2xx}, errors ${failures(r)}`,
      },
      { goal: `${r.label}: p99 <= ${GOAL}x bare Bolt app`, met: p99(r) <= GOAL * bareP99, measured: `${ratio(p99(r), bareP99)} (${ms(p99(r))} vs ${ms(bareP99)} ms)` },
    ]);
  log(formatGoals(goals));
  if (bare) {
    for (const r of rows.filter((row) => !row.isBare && !row.isReference && p99(row) > GOAL * bareP99)) {
      const extraCpu = r.cpuMsPerRequest - bare.cpuMsPerRequest;
      log(
        `  ${r.label}: misses ${GOAL}x by ${((p99(r) / bareP99 - GOAL) * 100).toFixed(0)} points (${ms(p99(r) - GOAL * bareP99)} ms). ` +
          `Why: under these bursts p99 is mostly queueing behind the other requests of a burst, so it follows CPU per request: ` +
          `${r.cpuMsPerRequest.toFixed(3)} ms here vs ${bare.cpuMsPerRequest.toFixed(3)} ms for the bare app (${extraCpu >= 0 ? '+' : ''}${extraCpu.toFixed(3)} ms: ` +
          `${/enqueue/.test(r.label) ? "the job's Redis round trip (two commands written, one reply read), BullMQ building and packing the job, " : ''}parsing the command, the checks, the reply's blocks).`,
      );
    }
  }
  return goals;
}

/** Sequential requests (one in flight): service time without burst queueing, and its gap to the bare app. */
export function sequentialTable(rows: Array<{ label: string; isBare: boolean; result: LoadResult }>): string {
  const bare = rows.find((r) => r.isBare);
  const bareP50 = bare ? percentile(bare.result.latencies, 50) : Number.NaN;
  return formatTable(
    ['one request in flight (service time)', 'requests', 'non-2xx+errors', 'p50 ms', 'p99 ms', 'p50 minus baseline'],
    rows.map(({ label, result }) => {
      const p50 = percentile(result.latencies, 50);
      return [label, String(result.requests), String(result.non2xx + result.errors + result.timeouts), ms(p50), ms(percentile(result.latencies, 99)), `${(p50 - bareP50).toFixed(2)} ms`];
    }),
  );
}
