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

  /**
   * A full batch need not wait for the timer: starts a flush now, unless one is running (what
   * arrives meanwhile goes with the next).
   */
  flushNow(): void {
    if (this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.flush();
  }

  flush(): Promise<void> {
    // Chained behind the running flush, and set before returning: callers in the same tick (timer,
    // a full batch, shutdown) queue up instead of writing side by side.
    const flushing = (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.flushBatch())
      .finally(() => {
        if (this.running === flushing) this.running = undefined;
      });
    this.running = flushing;
    return flushing;
  }
}
