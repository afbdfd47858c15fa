import type { Logger } from 'pino';

export type Job = {
  name: string;
  /**
   * One bounded piece of work; the scheduler calls it again on the next tick. Returning true says
   * "more is waiting": the next tick then starts at once instead of after the interval.
   */
  run(): Promise<unknown>;
  /** Called once when the scheduler stops (e.g. to release a lease so a restart need not wait). */
  stop?(): void;
};

/**
 * The one background loop of the server process (docs/architecture.md#background-jobs). Jobs keep their state in the
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
      let more = false;
      this.current = this.tick()
        .then((m) => {
          more = m;
        })
        .finally(() => {
          this.current = undefined;
          this.schedule(more ? 0 : this.intervalMs);
        });
    }, delay);
    this.timer.unref();
  }

  /** Runs every job once, in order; one failing job does not stop the others. True when a job has more to do. */
  async tick(): Promise<boolean> {
    let more = false;
    for (const job of this.jobs) {
      if (this.stopping) break;
      try {
        if ((await job.run()) === true) more = true;
      } catch (err) {
        this.logger.error({ err, job: job.name }, 'job failed');
      }
    }
    return more;
  }

  /** Stops scheduling and waits for a running tick to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    for (const job of this.jobs) {
      try {
        job.stop?.();
      } catch (err) {
        this.logger.warn({ err, job: job.name }, 'job stop failed');
      }
    }
  }
}
