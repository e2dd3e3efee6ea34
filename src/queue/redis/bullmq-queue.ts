/**
 * @module queue/redis/bullmq-queue
 * The {@link WorkQueue} on Redis with BullMQ: sample jobs in a BullMQ queue (`<prefix>:samples`), claimed by
 * BullMQ's manual processing (`Worker.getNextJob` with a claim token, `extendLock`, `moveToCompleted` /
 * `moveToFailed`), stalled jobs moved back to waiting by BullMQ's stalled-job checker (which every claiming process
 * runs), results delivered through `QueueEvents` with the job's stored return value read back. Live runs are keys
 * with a time to live. A job Redis lost (a restart without persistence) is enqueued again by the owner while it waits.
 */
import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { jobCounts, pingRedis, redisConnection } from './redis-connection.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { ClaimLostError } from '../errors/claim-lost-error.js';
import { QueueUnavailableError } from '../errors/queue-unavailable-error.js';
import { SampleJobRefusedError } from '../errors/sample-job-refused-error.js';
import { parseSampleJob } from '../sample-job-schema.js';
import type { ClaimedSampleJob, JobRefusal, JsonObject, QueueCounts, SampleJob, WorkQueue } from '../work-queue.js';

/** Options of {@link BullmqQueue}. */
export interface BullmqQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  readonly url: string;
  /** Key prefix of every key (BullMQ's `prefix`). Default `zerr`. */
  readonly prefix?: string;
  /** Lock of a claim without renewal, in ms. Default 30,000. */
  readonly lockMs?: number;
  /** How often the stalled-job checker runs in a claiming process, in ms. Default `lockMs / 2`. */
  readonly stalledIntervalMs?: number;
  /** How long a completed or refused job is kept for its owner to read, in s. Default 86,400 (a day). */
  readonly keepFinishedS?: number;
  /** How often a waiting owner looks at its job's state besides the events (lost events, a Redis restart), in ms. Default 2,000. */
  readonly pollMs?: number;
}

const QUEUE_NAME = 'samples';

/** Sample jobs in Redis, through BullMQ. */
export class BullmqQueue implements WorkQueue {
  readonly kind = 'redis';
  readonly url: string;
  private readonly connection: RedisOptions;
  /** Our own connection, for the live-run keys. */
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly stalledIntervalMs: number;
  private readonly keepFinishedS: number;
  private readonly pollMs: number;
  private readonly queue: Queue;
  private events: QueueEvents | undefined;
  private worker: Worker | undefined;
  /** Claims this process holds: job id -> BullMQ job and claim token. */
  private readonly claims = new Map<string, { readonly job: Job; readonly token: string; readonly attempt: number }>();
  /** Jobs this process enqueued and waits for, to enqueue again if Redis lost them. */
  private readonly enqueued = new Map<string, SampleJob>();
  private readonly resultWaiters = new Map<string, Set<() => void>>();
  /** Outcomes heard on the queue's events, of jobs this process waits for. */
  private readonly heard = new Map<string, { readonly result?: JsonObject; readonly failedReason?: string }>();
  private closed = false;

  constructor(options: BullmqQueueOptions) {
    const { connection, safeUrl } = redisConnection(options.url);
    this.connection = connection;
    this.url = safeUrl;
    this.prefix = options.prefix ?? 'zerr';
    this.lockMs = options.lockMs ?? 30_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? Math.max(100, Math.floor(this.lockMs / 2));
    this.keepFinishedS = options.keepFinishedS ?? 86_400;
    this.pollMs = options.pollMs ?? 2_000;
    this.queue = new Queue(QUEUE_NAME, { connection: connection as ConnectionOptions, prefix: this.prefix });
    // Errors surface in the calls that meet them; an unhandled 'error' event would end the process.
    this.queue.on('error', () => undefined);
    this.redis = new Redis({ ...connection, lazyConnect: true });
    this.redis.on('error', () => undefined);
  }

  /**
   * Checks that Redis answers within `timeoutMs` (default 5,000).
   * @throws QueueUnavailableError when it does not.
   */
  async ping(timeoutMs = 5_000): Promise<void> {
    await pingRedis(this.connection as RedisOptions, this.url, timeoutMs);
  }

  async registerRun(runId: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
    const client = this.redis;
    const key = this.runKey(runId);
    await this.guard('registerRun', options.ttlMs === undefined ? client.set(key, String(Date.now())) : client.set(key, String(Date.now()), 'PX', options.ttlMs));
  }

  async unregisterRun(runId: string): Promise<void> {
    const client = this.redis;
    await this.guard('unregisterRun', client.del(this.runKey(runId)));
  }

  async isRunLive(runId: string): Promise<boolean> {
    const client = this.redis;
    return (await this.guard('isRunLive', client.exists(this.runKey(runId)))) === 1;
  }

  async enqueueSample(job: SampleJob): Promise<void> {
    this.assertOpen();
    const parsed = parseSampleJob(job);
    // Listening before the job exists, so that its completion is heard.
    await this.ensureEvents();
    this.enqueued.set(parsed.jobId, parsed);
    await this.add(parsed);
  }

  async awaitSample(jobId: string, options: { readonly signal?: AbortSignal } = {}): Promise<JsonObject> {
    await this.ensureEvents();
    try {
      let lastWokenByEvent = false;
      for (let look = 0; ; look += 1) {
        this.assertOpen();
        options.signal?.throwIfAborted();
        // Listen before looking, so that a completion between the look and the wait is not missed.
        const wait = this.nextWake(jobId, this.pollMs, options.signal);
        try {
          // The events carry the result (the fast path); Redis is read on the first look and after each quiet
          // `pollMs` (an event lost in a reconnect, a job completed before this process listened, a lost job).
          const heard = this.heard.get(jobId);
          if (heard !== undefined) return this.settle(jobId, heard);
          if (look === 0 || !lastWokenByEvent) {
            const stored = await this.readResult(jobId);
            if (stored !== undefined) return this.settle(jobId, stored);
          }
          await wait.promise;
          lastWokenByEvent = wait.byEvent;
        } finally {
          wait.cancel();
        }
      }
    } finally {
      this.enqueued.delete(jobId);
      this.heard.delete(jobId);
    }
  }

  /** A heard or read outcome: the result, or the refusal thrown. */
  private settle(jobId: string, outcome: { readonly result?: JsonObject; readonly failedReason?: string }): JsonObject {
    if (outcome.result !== undefined) return outcome.result;
    const refusal = parseRefusal(outcome.failedReason);
    throw new SampleJobRefusedError({ jobId, refusal: refusal.code, reason: refusal.reason });
  }

  /** The job's outcome as Redis holds it; undefined while it is not finished (a lost job is enqueued again). */
  private async readResult(jobId: string): Promise<{ readonly result?: JsonObject; readonly failedReason?: string } | undefined> {
    // The state first, then the job: a job read before it completed would carry no return value.
    const state = await this.guard('awaitSample', this.queue.getJobState(jobId));
    const job = state === 'unknown' ? undefined : await this.guard('awaitSample', Job.fromId(this.queue, jobId));
    if (job === undefined) {
      // Redis lost the job (restarted without persistence): enqueue it again under the same id.
      const again = this.enqueued.get(jobId);
      if (again === undefined) throw new InvalidArgumentError({ parameter: 'jobId', value: jobId, expected: 'a job this queue enqueued' });
      await this.add(again);
      return undefined;
    }
    if (state === 'completed') return { result: job.returnvalue as JsonObject };
    if (state === 'failed') return { failedReason: job.failedReason };
    return undefined;
  }

  async claimJob(options: { readonly workerId: string; readonly waitMs?: number; readonly signal?: AbortSignal }): Promise<ClaimedSampleJob | null> {
    this.assertOpen();
    const worker = await this.ensureWorker();
    const deadline = Date.now() + (options.waitMs ?? 1_000);
    for (;;) {
      options.signal?.throwIfAborted();
      const token = `${options.workerId}:${randomUUID()}`;
      const job = await this.guard('claimJob', worker.getNextJob(token, { block: true })) as Job | undefined;
      if (job?.id !== undefined) {
        const parsed = parseSampleJob({ ...(job.data as object), jobId: job.id }, 'job');
        const attempt = job.attemptsStarted;
        this.claims.set(job.id, { job, token, attempt });
        return { ...parsed, attempt, lockMs: this.lockMs };
      }
      if (Date.now() >= deadline || this.closed) return null;
    }
  }

  async renewClaim(claim: ClaimedSampleJob): Promise<void> {
    const held = this.held(claim, 'renewClaim');
    try {
      const extended = await held.job.extendLock(held.token, this.lockMs);
      if (extended === 0) throw new Error('the lock is held by another claim');
    } catch (error) {
      this.claims.delete(claim.jobId);
      throw this.lost(claim, 'renewClaim', error);
    }
  }

  async completeJob(claim: ClaimedSampleJob, result: JsonObject): Promise<void> {
    const held = this.held(claim, 'completeJob');
    this.claims.delete(claim.jobId);
    try {
      await held.job.moveToCompleted(result, held.token, false);
    } catch (error) {
      throw this.lost(claim, 'completeJob', error);
    }
  }

  async refuseJob(claim: ClaimedSampleJob, refusal: JobRefusal): Promise<void> {
    const held = this.held(claim, 'refuseJob');
    this.claims.delete(claim.jobId);
    try {
      await held.job.moveToFailed(new Error(JSON.stringify(refusal)), held.token, false);
    } catch (error) {
      throw this.lost(claim, 'refuseJob', error);
    }
  }

  async cancelRun(runId: string): Promise<number> {
    const jobs = await this.guard('cancelRun', this.queue.getJobs(['waiting', 'prioritized', 'delayed']));
    let removed = 0;
    for (const job of jobs) {
      if ((job.data as { runId?: unknown }).runId !== runId) continue;
      try {
        await job.remove();
        removed += 1;
      } catch {
        // Claimed meanwhile: a worker holds it; its result is ignored by an owner that no longer waits.
      }
    }
    return removed;
  }

  async counts(): Promise<QueueCounts> {
    return this.guard('counts', jobCounts(this.queue));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const jobId of [...this.resultWaiters.keys()]) this.wake(jobId);
    try {
      await this.worker?.close(true);
      await this.events?.close();
    } finally {
      await this.queue.close();
      this.redis.disconnect();
    }
  }

  private async add(job: SampleJob): Promise<void> {
    const { jobId, priority, ...data } = job;
    // A refused job may be enqueued again (its owner retries after the cause is fixed); any other is kept, and
    // BullMQ ignores a second add under an existing id.
    if ((await this.guard('enqueueSample', this.queue.getJobState(jobId))) === 'failed') await this.guard('enqueueSample', this.queue.remove(jobId));
    await this.guard('enqueueSample', this.queue.add('sample', data, {
      jobId, ...(priority === undefined || priority === 0 ? {} : { priority }),
      removeOnComplete: { age: this.keepFinishedS }, removeOnFail: { age: this.keepFinishedS },
    }));
  }

  private async ensureEvents(): Promise<void> {
    if (this.events !== undefined) return;
    const events = new QueueEvents(QUEUE_NAME, { connection: this.connection as ConnectionOptions, prefix: this.prefix });
    events.on('error', () => undefined);
    events.on('completed', ({ jobId, returnvalue }) => {
      if (!this.enqueued.has(jobId)) return;
      const result = typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue;
      if (result !== null && typeof result === 'object') this.heard.set(jobId, { result: result as JsonObject });
      this.wake(jobId);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      if (!this.enqueued.has(jobId)) return;
      this.heard.set(jobId, { failedReason });
      this.wake(jobId);
    });
    this.events = events;
    await this.guard('awaitSample', events.waitUntilReady());
  }

  private async ensureWorker(): Promise<Worker> {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(QUEUE_NAME, null, {
      connection: this.connection as ConnectionOptions, prefix: this.prefix, autorun: false, lockDuration: this.lockMs,
      stalledInterval: this.stalledIntervalMs,
      // A worker killed mid-job must never fail the job: it goes back to waiting however often that happens.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      drainDelay: 1,
    });
    worker.on('error', () => undefined);
    this.worker = worker;
    await this.guard('claimJob', worker.startStalledCheckTimer());
    return worker;
  }

  private held(claim: ClaimedSampleJob, operation: string): { readonly job: Job; readonly token: string } {
    this.assertOpen();
    const held = this.claims.get(claim.jobId);
    if (held?.attempt !== claim.attempt) throw new ClaimLostError({ jobId: claim.jobId, reason: `${operation}: this process holds no such claim` });
    return held;
  }

  private lost(claim: ClaimedSampleJob, operation: string, cause: unknown): Error {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/lock|missing|not in the active/i.test(message)) return new ClaimLostError({ jobId: claim.jobId, reason: `${operation}: ${message}`, cause });
    return new QueueUnavailableError({ url: this.url, operation, cause });
  }

  private runKey(runId: string): string {
    return `${this.prefix}:live-runs:${runId}`;
  }

  private resultWaitersOf(jobId: string): Set<() => void> {
    const waiters = this.resultWaiters.get(jobId) ?? new Set<() => void>();
    this.resultWaiters.set(jobId, waiters);
    return waiters;
  }

  private wake(jobId: string): void {
    for (const wake of [...(this.resultWaiters.get(jobId) ?? [])]) wake();
  }

  /**
   * A wait that ends at the job's next event (`byEvent` true from then on), after `timeoutMs`, or when `signal`
   * aborts; `cancel` drops it.
   */
  private nextWake(jobId: string, timeoutMs: number, signal?: AbortSignal): { readonly promise: Promise<void>; readonly byEvent: boolean; cancel(): void } {
    const waiters = this.resultWaitersOf(jobId);
    const state = { byEvent: false };
    let done = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      const finish = (byEvent: boolean) => {
        state.byEvent ||= byEvent;
        clearTimeout(timer);
        waiters.delete(onEvent);
        if (waiters.size === 0) this.resultWaiters.delete(jobId);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onEvent = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      done = () => finish(false);
      waiters.add(onEvent);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return { promise, get byEvent() { return state.byEvent; }, cancel: () => done() };
  }

  /** `operation`'s promise, its Redis errors as QueueUnavailableError. */
  private async guard<T>(operation: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof InvalidArgumentError || error instanceof SampleJobRefusedError || (error as { name?: unknown }).name === 'AbortError') throw error;
      throw new QueueUnavailableError({ url: this.url, operation, cause: error });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError({ parameter: 'queue', value: 'closed', expected: 'an open queue (close() was called)' });
  }
}


/** `text` parsed as JSON, or null. */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A refused job's `failedReason` (the refusal as JSON) read back. */
function parseRefusal(failedReason: string | undefined): JobRefusal {
  try {
    const value = JSON.parse(failedReason ?? '') as { code?: unknown; reason?: unknown };
    if (typeof value.code === 'string' && typeof value.reason === 'string') return { code: value.code, reason: value.reason };
  } catch {
    // Not a refusal of ours: a failure BullMQ itself recorded.
  }
  return { code: 'job_failed', reason: failedReason ?? 'no reason recorded' };
}
