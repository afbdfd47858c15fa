import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { type Job, Scheduler } from '../../../src/jobs/scheduler.js';

const logger = pino({ level: 'silent' });

describe('Scheduler', () => {
  it('runs every job in order on a tick, and one failing job does not stop the others', async () => {
    const ran: string[] = [];
    const jobs: Job[] = [
      { name: 'a', run: async () => void ran.push('a') },
      {
        name: 'broken',
        run: async () => {
          ran.push('broken');
          throw new Error('boom');
        },
      },
      { name: 'c', run: async () => void ran.push('c') },
    ];
    await new Scheduler(jobs, 1000, logger).tick();
    assert.deepEqual(ran, ['a', 'broken', 'c']);
  });

  it('keeps ticking after start and stop waits for a running tick to finish', async () => {
    let runs = 0;
    let finished = 0;
    const job: Job = {
      name: 'slow',
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 30));
        finished++;
      },
    };
    const scheduler = new Scheduler([job], 50, logger);
    scheduler.start();
    await new Promise((r) => setTimeout(r, 200));
    await scheduler.stop();
    assert.ok(runs >= 2, `ran ${runs} times`);
    assert.equal(finished, runs, 'the last tick finished before stop returned');
    const after = runs;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(runs, after, 'nothing runs after stop');
  });
});
