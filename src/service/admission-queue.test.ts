import { describe, expect, test } from 'vitest';
import { AdmissionQueue, defaultMaxRunningRuns } from './admission-queue.js';
import { RunQueueFullError } from './run-queue-full-error.js';

const item = (runId: string) => ({ runId });

describe('AdmissionQueue', () => {
  test('takes slots up to maxRunningRuns, queues FIFO with positions, refuses beyond maxQueuedRuns, hands a freed slot to the first waiting', () => {
    const queue = new AdmissionQueue<{ runId: string }>({ maxRunningRuns: 2, maxQueuedRuns: 2 });
    expect(queue.tryAcquire()).toBe(true);
    expect(queue.tryAcquire()).toBe(true);
    expect(queue.tryAcquire()).toBe(false);
    expect(queue.running).toBe(2);
    expect(queue.enqueue(item('a'))).toBe(1);
    expect(queue.enqueue(item('b'))).toBe(2);
    const refused = (() => { try { queue.enqueue(item('c')); return undefined; } catch (error) { return error; } })();
    expect(refused).toBeInstanceOf(RunQueueFullError);
    expect(refused).toMatchObject({ code: 'run_queue_full', isRetryable: true, maxRunningRuns: 2, maxQueuedRuns: 2, retryAfterMs: 30_000 });
    expect((refused as Error).message).toContain('2 run(s) running and 2 waiting');
    // Work the service owes is queued even when full.
    expect(queue.enqueue(item('resume'), { force: true })).toBe(3);
    expect(queue.position('b')).toBe(2);
    expect(queue.position('zzz')).toBeUndefined();

    // A run ends: its slot goes to 'a'; 'b' moves up.
    expect(queue.release(10_000)).toEqual(item('a'));
    expect(queue.running).toBe(2);
    expect(queue.position('b')).toBe(1);
    expect(queue.remove('b')).toEqual(item('b'));
    expect(queue.position('resume')).toBe(1);
    // A slot is not taken past someone waiting.
    expect(queue.tryAcquire()).toBe(false);
    expect(queue.release(20_000)).toEqual(item('resume'));
    expect(queue.release()).toBeUndefined();
    expect(queue.running).toBe(1);
    expect(queue.tryAcquire()).toBe(true);
    expect(queue.waiting).toEqual([]);
    // The estimate: median of recent durations (10 s, 20 s -> 20 s) over 2 slots.
    expect(queue.retryAfterMs()).toBe(10_000);
  });

  test('drain empties the queue; the retry estimate stays within 1 s and 1 h; bad limits name the field', () => {
    const queue = new AdmissionQueue<{ runId: string }>({ maxRunningRuns: 1, maxQueuedRuns: 0 });
    expect(queue.tryAcquire()).toBe(true);
    expect(() => queue.enqueue(item('a'))).toThrow(RunQueueFullError);
    queue.enqueue(item('a'), { force: true });
    expect(queue.drain()).toEqual([item('a')]);
    expect(queue.waiting).toEqual([]);
    queue.release(5);
    expect(queue.retryAfterMs()).toBe(1000);
    for (let i = 0; i < 30; i++) queue.release(10 * 3_600_000);
    expect(queue.retryAfterMs()).toBe(3_600_000);
    expect(() => new AdmissionQueue({ maxRunningRuns: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter: 'limits.maxRunningRuns' }));
    expect(() => new AdmissionQueue({ maxQueuedRuns: -1 })).toThrow(expect.objectContaining({ parameter: 'limits.maxQueuedRuns' }));
    expect(new AdmissionQueue({}).maxQueuedRuns).toBe(16);
  });

  test('the default of running runs is half the CPUs, between 2 and 8', () => {
    expect([1, 2, 4, 6, 16, 64].map((cpus) => defaultMaxRunningRuns(cpus))).toEqual([2, 2, 2, 3, 8, 8]);
  });
});
