/**
 * @module queue/redis/redis-connection
 * What the BullMQ queues share: a Redis URL read into connection options (the password kept out of messages), a
 * ping that tells a refused connection at once, and job counts by state.
 */
import type { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { QueueUnavailableError } from '../errors/queue-unavailable-error.js';
import type { QueueCounts } from '../work-queue.js';

/** `redis://user:pass@host:port/db` as BullMQ connection options, and the URL with the password left out. */
export function redisConnection(url: string): { readonly connection: RedisOptions; readonly safeUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError({ parameter: 'redis', value: url, expected: 'a Redis URL: redis://[user:password@]host[:port][/db]' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidArgumentError({ parameter: 'redis', value: url, expected: 'a redis:// or rediss:// URL' });
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new InvalidArgumentError({ parameter: 'redis', value: url, expected: 'a database number after the host (redis://host:6379/0)' });
  const safe = new URL(url);
  if (safe.password !== '') safe.password = '***';
  return {
    connection: {
      host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port),
      ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
      ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
      ...(db === '' ? {} : { db: Number(db) }),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
      // Commands wait through a reconnect rather than fail (BullMQ requires it for blocking claims).
      maxRetriesPerRequest: null,
    },
    safeUrl: safe.toString(),
  };
}

/**
 * Answers once the Redis at `connection` answers a PING, through a client of its own that does not retry, so that a
 * refused connection is told at once.
 * @throws QueueUnavailableError (`queue_unavailable`, operation `ping`) naming `safeUrl` and the socket's error.
 */
export async function pingRedis(connection: RedisOptions, safeUrl: string, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let refused: Error | undefined;
  probe.on('error', (error: Error) => { refused ??= error; });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    // The socket's own error (ECONNREFUSED, ENOTFOUND, ...) says more than "closed".
    throw new QueueUnavailableError({ url: safeUrl, operation: 'ping', cause: refused ?? error });
  } finally {
    // A client that already ended is left alone: disconnect() on it keeps the process alive about 2 s more.
    if (probe.status !== 'end') probe.disconnect();
  }
}

/**
 * {@link pingRedis} on a Redis URL: what a command calls before it opens a queue's clients, so that an unreachable
 * Redis is told at once, with nothing to close.
 * @throws InvalidArgumentError for a URL that is not redis:// or rediss://; QueueUnavailableError as `pingRedis`.
 */
export async function pingRedisUrl(url: string, timeoutMs = 5_000): Promise<void> {
  const { connection, safeUrl } = redisConnection(url);
  await pingRedis(connection, safeUrl, timeoutMs);
}

/** A BullMQ queue's job counts by state. */
export async function jobCounts(queue: Queue): Promise<QueueCounts> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  return {
    waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0,
    prioritized: counts.prioritized ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0,
  };
}
