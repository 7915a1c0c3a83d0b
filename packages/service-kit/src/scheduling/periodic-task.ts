import type { Logger } from 'pino';

/**
 * Runs `work` every `intervalMs`, one run at a time (a tick while a run is under way is skipped), until
 * stopped. A failed run is logged and the next tick retries. The timer never keeps the process alive.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** Starts ticking; `runNow` also runs once at once (catching up on what accrued while nothing ran). */
  start(intervalMs: number, { runNow = false } = {}): void {
    if (runNow) this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** No new run; resolves once the run under way has finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.work()
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error }, `${this.name} failed; the next run retries`))
      .finally(() => (this.running = undefined));
  }
}
