import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import { BullmqRunQueue, type RunJobRequest } from './bullmq-run-queue.js';

let redis: RedisServer;
beforeAll(async () => { redis = await startRedisServer(); });
afterAll(async () => { await redis.stop(); });

const request = (id: string): RunJobRequest => ({ kind: 'solve', spec: { id }, k: 2, source: `${id}.yaml` });
const withQueue = async (body: (queue: BullmqRunQueue) => Promise<void>) => {
  const queue = new BullmqRunQueue({ url: redis.url, prefix: `r${randomUUID().slice(0, 8)}`, lockMs: 5_000 });
  try {
    await body(queue);
  } finally {
    await queue.close();
  }
};

describe('BullmqRunQueue (batches and schedules in a real redis-server)', () => {
  it('a batch waits by priority; a server claims, notes its run, completes; status shows each job\'s run and result', async () => {
    await withQueue(async (queue) => {
      const low = await queue.submitBatch([request('low-a'), request('low-b')], { priority: 5 });
      const high = await queue.submitBatch([request('high')], { priority: 1 });
      expect(low.jobIds).toHaveLength(2);
      const first = await queue.claimRun('s1');
      expect(first?.request).toMatchObject({ kind: 'solve', spec: { id: 'high' } });
      expect(first?.batchId).toBe(high.batchId);
      await queue.noteRunId(first!.jobId, 'run-high');
      let [view] = await queue.listJobs(high.batchId);
      expect(view).toMatchObject({ state: 'active', runId: 'run-high', priority: 1, source: 'high.yaml', taskId: 'high' });
      await queue.completeRun(first!.jobId, { runId: 'run-high', result: 'completed: consensus' });
      [view] = await queue.listJobs(high.batchId);
      expect(view).toMatchObject({ state: 'completed', runId: 'run-high', result: 'completed: consensus' });
      expect((await queue.claimRun('s1'))?.request).toMatchObject({ spec: { id: 'low-a' } });
      expect(await queue.counts()).toMatchObject({ active: 1, prioritized: 1, completed: 1 });
    });
  });

  it('cancel removes the waiting runs of a batch and flags its running ones; an unknown batch is refused', async () => {
    await withQueue(async (queue) => {
      const batch = await queue.submitBatch([request('a'), request('b'), request('c')]);
      const running = await queue.claimRun('s1');
      expect(await queue.isCancelled(running!.jobId)).toBe(false);
      expect(await queue.cancelBatch(batch.batchId)).toEqual({ removed: 2, flagged: 1 });
      expect(await queue.isCancelled(running!.jobId)).toBe(true);
      expect((await queue.listJobs(batch.batchId)).map((job) => job.state)).toEqual(['active']);
      await expect(queue.cancelBatch('batch-none')).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'batchId' });
    });
  });

  it('a schedule adds a run job each time its cron fires; list and remove; a bad cron names the value', async () => {
    await withQueue(async (queue) => {
      const added = await queue.addSchedule('nightly', '* * * * * *', request('nightly'));
      expect(added).toMatchObject({ id: 'nightly', cron: '* * * * * *', source: 'nightly.yaml' });
      expect(added.next).toBeGreaterThan(Date.now() - 1_000);
      const claimed: string[] = [];
      const deadline = Date.now() + 10_000;
      while (claimed.length < 2 && Date.now() < deadline) {
        const job = await queue.claimRun('s1');
        if (job === null) continue;
        claimed.push(job.jobId);
        await queue.completeRun(job.jobId, { runId: `run-${claimed.length}`, result: 'completed' });
      }
      expect(claimed).toHaveLength(2);
      expect(claimed.every((id) => id.startsWith('repeat:nightly:'))).toBe(true);
      expect((await queue.listSchedules()).map((entry) => entry.id)).toEqual(['nightly']);
      await queue.removeSchedule('nightly');
      expect(await queue.listSchedules()).toEqual([]);
      await expect(queue.removeSchedule('nightly')).rejects.toMatchObject({ parameter: 'id' });
      await expect(queue.addSchedule('x', 'every night', request('x'))).rejects.toMatchObject({ code: 'invalid_argument', parameter: '--cron', value: 'every night' });
      await expect(queue.submitBatch([request('p')], { priority: 0 })).rejects.toMatchObject({ parameter: '--priority' });
    });
  }, 30_000);

  it('a run submitted with its id waits under that id: found with its place, listed, claimed with its id, cancelled while it waits', async () => {
    await withQueue(async (queue) => {
      await queue.submitRun({ ...request('http-a'), runId: 'run-a' });
      await queue.submitRun({ kind: 'build', request: { requirements: 'a word counter' }, source: 'POST /v1/runs', runId: 'run-b' });
      await expect(queue.submitRun(request('no-id'))).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('request.runId') });
      expect(await queue.findRun('run-b')).toMatchObject({ runId: 'run-b', kind: 'build', state: 'waiting', position: 2, server: null });
      expect((await queue.waitingRuns()).map((run) => [run.runId, run.position])).toEqual([['run-a', 1], ['run-b', 2]]);
      expect((await queue.listJobs()).map((job) => [job.jobId, job.state, job.source])).toEqual([['submitted-run-a', 'waiting', 'http-a.yaml'], ['submitted-run-b', 'waiting', 'POST /v1/runs']]);
      const claim = await queue.claimRun('s1');
      expect(claim).toMatchObject({ jobId: 'submitted-run-a', request: { runId: 'run-a' } });
      await queue.noteRunId('submitted-run-a', 'run-a', 'serve-1');
      expect(await queue.findRun('run-a')).toMatchObject({ state: 'active', position: null, server: 'serve-1' });
      expect(await queue.cancelRun('run-b')).toBe(true);
      expect(await queue.findRun('run-b')).toBeUndefined();
      expect(await queue.cancelRun('run-a')).toBe(true);
      expect(await queue.isCancelled('submitted-run-a')).toBe(true);
      await queue.completeRun('submitted-run-a', { runId: 'run-a', result: 'cancelled' });
      expect(await queue.findRun('run-a')).toMatchObject({ state: 'completed', result: 'cancelled' });
      expect(await queue.cancelRun('run-a')).toBe(false);
      expect(await queue.findRun('run-nope')).toBeUndefined();
    });
  });
});
