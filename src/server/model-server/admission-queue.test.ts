import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from './admission-queue.js';

describe('AdmissionQueue', () => {
  it('admits up to concurrency, queues up to maxQueued in FIFO order, refuses beyond with 429 model_queue_full', async () => {
    const queue = new AdmissionQueue({ concurrency: 2, maxQueued: 1, retryAfterMs: 2500 });
    const first = await queue.admit();
    await queue.admit();
    const order: string[] = [];
    const waiting = queue.admit().then((release) => { order.push('waiter'); return release; });
    expect([queue.active, queue.waiting]).toEqual([2, 1]);
    await expect(queue.admit()).rejects.toMatchObject({ code: 'model_queue_full', retryAfterMs: 2500, isRetryable: true });
    first();
    first(); // a second release gives nothing back twice
    const release = await waiting;
    expect(order).toEqual(['waiter']);
    expect([queue.active, queue.waiting]).toEqual([2, 0]);
    release();
    expect(queue.active).toBe(1);
  });

  it('lets an aborted waiter leave the queue, and refuses waiters with service_closed once closed', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, maxQueued: 2 });
    await queue.admit();
    const controller = new AbortController();
    const leaving = queue.admit(controller.signal);
    const staying = queue.admit();
    controller.abort(new Error('client gone'));
    await expect(leaving).rejects.toThrow('client gone');
    expect(queue.waiting).toBe(1);
    queue.close();
    await expect(staying).rejects.toMatchObject({ code: 'service_closed' });
    await expect(queue.admit()).rejects.toMatchObject({ code: 'service_closed' });
  });

  it('with maxQueued 0 refuses as soon as every turn is taken', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, maxQueued: 0 });
    await queue.admit();
    await expect(queue.admit()).rejects.toMatchObject({ code: 'model_queue_full' });
    expect(() => new AdmissionQueue({ concurrency: 0, maxQueued: 0 })).toThrow(/options.concurrency/);
  });
});
