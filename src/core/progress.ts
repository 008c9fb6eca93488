/**
 * The seam between a use case and whoever shows its progress: the CLI prints snapshots, the worker
 * renders them to Slack, tests record them. Snapshots are whole, so a throttled renderer can drop
 * intermediate ones and the last state always wins.
 */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepState {
  id: string;
  label: string;
  status: StepStatus;
  detail?: string;
  startedAt?: number;
  finishedAt?: number;
}

export interface ProgressSnapshot {
  title: string;
  steps: StepState[];
}

export interface Reporter {
  progress(snapshot: ProgressSnapshot): void;
}

export const silentReporter: Reporter = { progress: () => undefined };

export type Clock = () => number;

export class StepTracker {
  private readonly steps: StepState[];

  constructor(
    private readonly title: string,
    steps: ReadonlyArray<readonly [id: string, label: string]>,
    private readonly reporter: Reporter,
    private readonly now: Clock = Date.now,
  ) {
    this.steps = steps.map(([id, label]) => ({ id, label, status: 'pending' }));
    this.emit();
  }

  snapshot(): ProgressSnapshot {
    return { title: this.title, steps: this.steps.map((s) => ({ ...s })) };
  }

  /** Runs one step: marks it running, then done (with the detail returned) or failed. */
  async run<T>(id: string, work: () => Promise<T>, detailOf?: (value: T) => string | undefined): Promise<T> {
    this.mark(id, { status: 'running', startedAt: this.now(), finishedAt: undefined, detail: undefined });
    try {
      const value = await work();
      this.mark(id, { status: 'done', finishedAt: this.now(), detail: detailOf?.(value) });
      return value;
    } catch (error) {
      this.mark(id, { status: 'failed', finishedAt: this.now() });
      throw error;
    }
  }

  skip(id: string, detail?: string): void {
    this.mark(id, { status: 'skipped', detail });
  }

  note(id: string, detail: string): void {
    this.mark(id, { detail });
  }

  private mark(id: string, patch: Partial<StepState>): void {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown step '${id}'`);
    Object.assign(step, patch);
    this.emit();
  }

  private emit(): void {
    this.reporter.progress(this.snapshot());
  }
}
