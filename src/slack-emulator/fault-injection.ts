/** A failure to answer instead of running the method. */
export interface InjectedFault {
  /** Slack error code in the body; default 'internal_error' (or 'ratelimited' for 429). */
  error?: string;
  /** HTTP status; Slack answers most errors with 200, rate limits with 429. */
  status?: number;
  /** Sent as Retry-After; the WebClient waits this long and retries. */
  retryAfterSec?: number;
  /** How many consecutive calls fail; default 1. */
  times?: number;
}

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: { ok: false; error: string };
}

/**
 * Lets a test make the next N calls of a method fail, to exercise the bot's
 * handling of Slack errors and rate limits without any real outage.
 */
export class FaultInjector {
  private readonly pending = new Map<string, Required<Omit<InjectedFault, 'retryAfterSec'>> & InjectedFault>();

  failNext(method: string, fault: InjectedFault = {}): void {
    const status = fault.status ?? (fault.retryAfterSec !== undefined ? 429 : 200);
    const error = fault.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
    this.pending.set(method, { ...fault, status, error, times: fault.times ?? 1 });
  }

  /** Consumes one failure for the method, if any is pending. */
  take(method: string): FaultResponse | undefined {
    const fault = this.pending.get(method);
    if (!fault) return undefined;
    if (fault.times <= 1) this.pending.delete(method);
    else fault.times -= 1;
    const headers: Record<string, string> = {};
    if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
    return { status: fault.status, headers, body: { ok: false, error: fault.error } };
  }

  clear(): void {
    this.pending.clear();
  }
}
