import type { Logger } from 'pino';

export type Job = {
  name: string;
  /** One bounded piece of work; the scheduler calls it again on the next tick. */
  run(): Promise<void>;
};

/**
 * The one background loop of the server process (DESIGN §6). Jobs keep their state in the
 * database, so stopping between ticks — or crashing — loses nothing.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;
  private stopping = false;

  constructor(
    private readonly jobs: Job[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => {
        this.current = undefined;
        this.schedule(this.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  /** Runs every job once, in order; one failing job does not stop the others. */
  async tick(): Promise<void> {
    for (const job of this.jobs) {
      if (this.stopping) break;
      try {
        await job.run();
      } catch (err) {
        this.logger.error({ err, job: job.name }, 'job failed');
      }
    }
  }

  /** Stops scheduling and waits for a running tick to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }
}
