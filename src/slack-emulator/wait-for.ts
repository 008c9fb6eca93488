import type { RecordEvent } from './types.js';

export interface WaitForOptions {
  timeoutMs: number;
  /** Fallback re-check interval, for probes that depend on more than the records (e.g. a clock). */
  pollMs: number;
  subscribe: (listener: (event: RecordEvent) => void) => () => void;
  /** Explains what was recorded, appended to the timeout error. */
  describe: () => string;
}

/**
 * Resolves with the probe's first truthy answer. The probe is re-run whenever
 * the emulator records something, so tests wake up the moment the bot acts
 * rather than on the next poll tick. A probe that throws counts as "not yet"
 * (so expect()-style probes work); its last error is reported on timeout.
 */
export function waitForProbe<T>(
  probe: () => T | undefined | null | false,
  options: WaitForOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    let settled = false;
    const check = (): void => {
      if (settled) return;
      try {
        const value = probe();
        if (value) finish(() => resolve(value));
      } catch (error) {
        lastError = error;
      }
    };
    const unsubscribe = options.subscribe(() => check());
    const poll = setInterval(check, options.pollMs);
    const timer = setTimeout(() => {
      finish(() => {
        const cause = lastError instanceof Error ? `\nlast probe error: ${lastError.message}` : '';
        const source = probe.toString().replace(/\s+/g, ' ').slice(0, 300);
        reject(
          new Error(
            `waitFor timed out after ${options.timeoutMs} ms waiting for: ${source}${cause}\n` +
              `recorded so far:\n${options.describe()}`,
          ),
        );
      });
    }, options.timeoutMs);
    function finish(settle: () => void): void {
      settled = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
      settle();
    }
    check();
  });
}
