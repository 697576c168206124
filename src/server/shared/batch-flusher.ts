/**
 * The timing shared by the in-memory write-behind queues (machine activity, security audit events):
 * the first `schedule()` after a flush starts one timer (which never keeps the process alive), and
 * flushes run one after another, never overlapping, whether the timer or a caller (shutdown, tests)
 * started them. `flushBatch` takes what was gathered and writes it.
 */
export class BatchFlusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly flushBatch: () => Promise<void>,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    await this.running;
    this.running = this.flushBatch().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }
}
