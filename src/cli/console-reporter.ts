import type { ProgressSnapshot, Reporter, StepState } from '../core/progress.js';

const MARK: Record<StepState['status'], string> = { pending: '·', running: '…', done: '✓', failed: '✗', skipped: '–' };

/** Prints each step once it settles (done / failed / skipped), with its duration. */
export function consoleReporter(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Reporter {
  const printed = new Set<string>();
  let titled = false;
  return {
    progress(snapshot: ProgressSnapshot) {
      if (!titled) {
        write(snapshot.title);
        titled = true;
      }
      for (const step of snapshot.steps) {
        const key = `${step.id}:${step.status}:${step.finishedAt ?? ''}`;
        if (step.status === 'pending' || step.status === 'running' || printed.has(key)) continue;
        printed.add(key);
        const ms = step.startedAt && step.finishedAt ? ` (${step.finishedAt - step.startedAt} ms)` : '';
        write(`  ${MARK[step.status]} ${step.label}${step.detail ? `: ${step.detail}` : ''}${ms}`);
      }
    },
  };
}
