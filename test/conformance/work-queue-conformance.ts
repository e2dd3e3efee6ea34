/**
 * @module test/conformance/work-queue-conformance
 * The contract every {@link WorkQueue} must meet (`src/queue/work-queue.ts`), as a reusable vitest suite: the
 * in-process queue and the BullMQ queue against a real redis-server both run it.
 */
import { describe, expect, it } from 'vitest';
import { ClaimLostError } from '../../src/queue/errors/claim-lost-error.js';
import { SampleJobRefusedError } from '../../src/queue/errors/sample-job-refused-error.js';
import { SAMPLE_JOB_PROTOCOL_VERSION, sampleJobId, type SampleJob, type WorkQueue } from '../../src/queue/work-queue.js';

/** Options of {@link runWorkQueueConformance}. */
export interface WorkQueueConformanceOptions {
  /** A fresh, empty queue whose claims lock for `lockMs`; each test closes its own. */
  readonly create: (options: { readonly lockMs: number }) => Promise<WorkQueue>;
  /** A second handle on the same queue as `queue` (another process's view), or undefined when there is none. */
  readonly peer?: (queue: WorkQueue, options: { readonly lockMs: number }) => Promise<WorkQueue>;
}

const job = (runId: string, index: number, extra: Partial<SampleJob> = {}): SampleJob => ({
  jobId: sampleJobId(runId, 'task-a', index), runId, taskId: 'task-a', sampleIndex: index,
  protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION, payload: { index }, ...extra,
});

/** Registers the WorkQueue contract tests under `describe(name)`. */
export function runWorkQueueConformance(name: string, options: WorkQueueConformanceOptions): void {
  const withQueue = async (lockMs: number, body: (queue: WorkQueue) => Promise<void>): Promise<void> => {
    const queue = await options.create({ lockMs });
    try {
      await body(queue);
    } finally {
      await queue.close();
    }
  };

  describe(`WorkQueue conformance: ${name}`, () => {
    it('a job goes from enqueue to claim to completion, and its owner gets the result', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.registerRun('run-1');
        await queue.enqueueSample(job('run-1', 0));
        const waiting = queue.awaitSample(sampleJobId('run-1', 'task-a', 0));
        const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
        expect(claim).toMatchObject({ jobId: sampleJobId('run-1', 'task-a', 0), runId: 'run-1', taskId: 'task-a', sampleIndex: 0, attempt: 1, payload: { index: 0 } });
        await queue.completeJob(claim!, { answer: 42, nested: { list: [1, 'two', null] } });
        await expect(waiting).resolves.toEqual({ answer: 42, nested: { list: [1, 'two', null] } });
        // A result already there is returned at once.
        await expect(queue.awaitSample(sampleJobId('run-1', 'task-a', 0))).resolves.toEqual({ answer: 42, nested: { list: [1, 'two', null] } });
        expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 1, failed: 0 });
      });
    });

    it('the same sample enqueued twice is one job, run once', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.enqueueSample(job('run-1', 3));
        await queue.enqueueSample(job('run-1', 3, { payload: { index: 'second copy' } }));
        expect((await queue.counts()).waiting).toBe(1);
        const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
        expect(claim?.payload).toEqual({ index: 3 });
        await queue.completeJob(claim!, { done: true });
        await queue.enqueueSample(job('run-1', 3));
        expect(await queue.claimJob({ workerId: 'w1', waitMs: 300 })).toBeNull();
        expect(await queue.counts()).toMatchObject({ waiting: 0, completed: 1 });
      });
    });

    it('claims go by priority (lower first), then in order of enqueueing', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.enqueueSample(job('run-1', 0, { priority: 5 }));
        await queue.enqueueSample(job('run-1', 1));
        await queue.enqueueSample(job('run-1', 2, { priority: 1 }));
        await queue.enqueueSample(job('run-1', 3));
        const order: number[] = [];
        for (let n = 0; n < 4; n += 1) {
          const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
          order.push(claim!.sampleIndex);
          await queue.completeJob(claim!, {});
        }
        expect(order).toEqual([1, 3, 2, 0]);
      });
    });

    it('a claim that is not renewed lapses: another worker gets the job (attempt 2) and the first claimer cannot complete it', async () => {
      await withQueue(600, async (queue) => {
        await queue.enqueueSample(job('run-1', 0));
        const first = await queue.claimJob({ workerId: 'stalled', waitMs: 2_000 });
        expect(first?.attempt).toBe(1);
        const second = await queue.claimJob({ workerId: 'w2', waitMs: 8_000 });
        expect(second).toMatchObject({ jobId: first?.jobId, attempt: 2 });
        await expect(queue.completeJob(first!, { from: 'stalled' })).rejects.toBeInstanceOf(ClaimLostError);
        await queue.completeJob(second!, { from: 'w2' });
        await expect(queue.awaitSample(first!.jobId)).resolves.toEqual({ from: 'w2' });
      });
    }, 20_000);

    it('a renewed claim is kept past its lock time', async () => {
      await withQueue(600, async (queue) => {
        await queue.enqueueSample(job('run-1', 0));
        const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
        for (let n = 0; n < 6; n += 1) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          await queue.renewClaim(claim!);
        }
        // Renewed in the background (as a worker does) while another worker looks for a job for longer than the lock.
        const renewal = setInterval(() => { queue.renewClaim(claim!).catch(() => undefined); }, 150);
        try {
          expect(await queue.claimJob({ workerId: 'w2', waitMs: 1_500 })).toBeNull();
        } finally {
          clearInterval(renewal);
        }
        await queue.completeJob(claim!, { kept: true });
        await expect(queue.awaitSample(claim!.jobId)).resolves.toEqual({ kept: true });
      });
    }, 20_000);

    it('a refused job rejects its owner with the refusal; it may be enqueued again', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.enqueueSample(job('run-gone', 0));
        const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
        expect(await queue.isRunLive('run-gone')).toBe(false);
        await queue.refuseJob(claim!, { code: 'unknown_run', reason: 'run run-gone is not live' });
        const error = await queue.awaitSample(claim!.jobId).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(SampleJobRefusedError);
        expect(error).toMatchObject({ code: 'sample_job_refused', refusal: 'unknown_run' });
        expect((error as Error).message).toContain('run run-gone is not live');
        expect((await queue.counts()).failed).toBe(1);
        await queue.enqueueSample(job('run-gone', 0));
        expect((await queue.claimJob({ workerId: 'w1', waitMs: 2_000 }))?.sampleIndex).toBe(0);
      });
    });

    it('runs are live while registered and until their time to live passes', async () => {
      await withQueue(10_000, async (queue) => {
        expect(await queue.isRunLive('run-x')).toBe(false);
        await queue.registerRun('run-x');
        await queue.registerRun('run-ttl', { ttlMs: 300 });
        expect(await queue.isRunLive('run-x')).toBe(true);
        expect(await queue.isRunLive('run-ttl')).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(await queue.isRunLive('run-ttl')).toBe(false);
        await queue.unregisterRun('run-x');
        expect(await queue.isRunLive('run-x')).toBe(false);
      });
    });

    it('cancelRun removes the run\'s waiting jobs and no other', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.enqueueSample(job('run-1', 0));
        await queue.enqueueSample(job('run-1', 1, { priority: 3 }));
        await queue.enqueueSample(job('run-2', 0));
        expect(await queue.cancelRun('run-1')).toBe(2);
        const claim = await queue.claimJob({ workerId: 'w1', waitMs: 2_000 });
        expect(claim?.runId).toBe('run-2');
      });
    });

    it('a malformed job is refused at the door, naming the field', async () => {
      await withQueue(10_000, async (queue) => {
        await expect(queue.enqueueSample({ ...job('run-1', 0), sampleIndex: -1 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'job.sampleIndex' });
        await expect(queue.enqueueSample({ ...job('run-1', 0), jobId: 'a:b' })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'job.jobId' });
        expect((await queue.counts()).waiting).toBe(0);
      });
    });

    it('an owner\'s wait ends when its signal aborts', async () => {
      await withQueue(10_000, async (queue) => {
        await queue.enqueueSample(job('run-1', 0));
        const controller = new AbortController();
        const waiting = queue.awaitSample(sampleJobId('run-1', 'task-a', 0), { signal: controller.signal });
        setTimeout(() => controller.abort(new Error('stopped by the test')), 100);
        await expect(waiting).rejects.toThrow(/stopped by the test|abort/i);
      });
    });

    if (options.peer !== undefined) {
      const peer = options.peer;
      it('another handle on the same queue (another process) claims what this one enqueued, and this one gets the result', async () => {
        await withQueue(10_000, async (queue) => {
          const other = await peer(queue, { lockMs: 10_000 });
          try {
            await queue.registerRun('run-p');
            expect(await other.isRunLive('run-p')).toBe(true);
            await queue.enqueueSample(job('run-p', 7));
            const waiting = queue.awaitSample(sampleJobId('run-p', 'task-a', 7));
            const claim = await other.claimJob({ workerId: 'peer', waitMs: 2_000 });
            expect(claim?.sampleIndex).toBe(7);
            await other.completeJob(claim!, { by: 'peer' });
            await expect(waiting).resolves.toEqual({ by: 'peer' });
          } finally {
            await other.close();
          }
        });
      });
    }
  });
}
