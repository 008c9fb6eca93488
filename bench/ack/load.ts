import autocannon from 'autocannon';
import type { SignedRequest } from './slash-requests.js';

export type LoadOptions = {
  url: string;
  /** Called once per request: a freshly built and signed body. */
  next: () => SignedRequest;
} & (
  | {
      seconds: number;
      /** Requests per second over all connections (autocannon overallRate). */
      rate: number;
      connections: number;
    }
  /** This many requests back to back on one connection, one in flight. */
  | { sequential: number }
);

export interface LoadResult {
  /** Per-response latency in ms (hrtime resolution), 2xx and non-2xx alike. */
  latencies: number[];
  requests: number;
  /** Seconds autocannon actually ran (it stops on its 1 s tick, so sometimes a second longer). */
  durationS: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/**
 * autocannon at a fixed overall rate. Latencies come from autocannon's per-response event
 * (hrtime, sub-millisecond) rather than its histogram, which stores whole milliseconds; and
 * coordinated-omission correction is off, since with a rate limit autocannon would back-fill
 * synthetic 1 ms-spaced samples below every slow response.
 */
export function drive(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        ...('sequential' in options
          ? { connections: 1, amount: options.sequential }
          : { duration: options.seconds, overallRate: options.rate, connections: options.connections, ignoreCoordinatedOmission: true }),
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const signed = options.next();
              return { ...request, method: 'POST', body: signed.body, headers: { ...request.headers, ...signed.headers } };
            },
          },
        ],
      },
      (error: unknown, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve({
          latencies,
          requests: latencies.length,
          durationS: result.duration,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}
