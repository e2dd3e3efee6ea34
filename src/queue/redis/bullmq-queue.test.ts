import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkQueueConformance } from '../../../test/conformance/work-queue-conformance.js';
import { startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import { BullmqQueue } from './bullmq-queue.js';
import { redisConnection } from './redis-connection.js';

let redis: RedisServer;
beforeAll(async () => { redis = await startRedisServer(); });
afterAll(async () => { await redis.stop(); });

/** Each queue gets its own key prefix, so tests never see each other's jobs. */
const prefixes = new WeakMap<BullmqQueue, string>();
runWorkQueueConformance('BullMQ on a real redis-server', {
  create: ({ lockMs }) => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const queue = new BullmqQueue({ url: redis.url, prefix, lockMs, stalledIntervalMs: 200, pollMs: 500 });
    prefixes.set(queue, prefix);
    return Promise.resolve(queue);
  },
  peer: (queue, { lockMs }) => Promise.resolve(new BullmqQueue({ url: redis.url, prefix: prefixes.get(queue as BullmqQueue) ?? 'zerr', lockMs, stalledIntervalMs: 200, pollMs: 500 })),
});

describe('BullmqQueue', () => {
  it('reads a Redis URL, leaving the password out of what it shows', () => {
    const { connection, safeUrl } = redisConnection('redis://app:s3cret@cache.internal:6380/2');
    expect(connection).toMatchObject({ host: 'cache.internal', port: 6380, username: 'app', password: 's3cret', db: 2 });
    expect(safeUrl).not.toContain('s3cret');
    expect(() => redisConnection('http://x')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisConnection('not a url')).toThrow(/a Redis URL/);
  });

  it('a Redis that does not answer is a queue_unavailable error naming the URL, not a hang', async () => {
    const queue = new BullmqQueue({ url: 'redis://127.0.0.1:1' });
    try {
      await expect(queue.ping(1_500)).rejects.toMatchObject({ code: 'queue_unavailable', isRetryable: true });
    } finally {
      await queue.close();
    }
  });

  it('a job Redis lost (restarted without persistence) is enqueued again by its waiting owner, and completes', async () => {
    const server = await startRedisServer();
    const owner = new BullmqQueue({ url: server.url, pollMs: 300 });
    const worker = new BullmqQueue({ url: server.url, lockMs: 2_000, stalledIntervalMs: 500 });
    try {
      const jobId = 's-run%2Dr-t-0';
      await owner.enqueueSample({ jobId, runId: 'run-r', taskId: 't', sampleIndex: 0, protocolVersion: 1, payload: {} });
      const waiting = owner.awaitSample(jobId);
      await server.restart({ downMs: 300 });
      const claim = await worker.claimJob({ workerId: 'w', waitMs: 15_000 });
      expect(claim?.jobId).toBe(jobId);
      await worker.completeJob(claim!, { after: 'restart' });
      await expect(waiting).resolves.toEqual({ after: 'restart' });
    } finally {
      await owner.close();
      await worker.close();
      await server.stop();
    }
  }, 40_000);
});
