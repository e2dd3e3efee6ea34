/**
 * @module queue/redis/bullmq-run-queue
 * Whole runs waiting in Redis (BullMQ queue `<prefix>:runs`), for the batch processor, the scheduler and the HTTP API:
 * `zerr batch submit` adds solve and build runs with a priority, `zerr schedule add` a BullMQ job scheduler (cron)
 * whose every firing adds one, `POST /v1/runs` on a `zerr serve --redis` adds one with its run id (`submitRun`), and
 * each `zerr serve --redis` takes them as its run slots free up (`run-job-consumer.ts`), so runs wait in Redis,
 * across the cluster, not in one server's memory. Everything here is persisted in Redis.
 */
import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { parseOptions } from '../../errors/parse-options.js';
import { ClaimLostError } from '../errors/claim-lost-error.js';
import { QueueUnavailableError } from '../errors/queue-unavailable-error.js';
import type { QueueCounts } from '../work-queue.js';
import { jobCounts, pingRedis, redisConnection } from './redis-connection.js';

/**
 * What a run job asks for: a solve of one spec (as JSON) with its vote settings, or a build of requirements (as the
 * build request's JSON). `runId`: the id the run gets (a run submitted over HTTP has its id before it starts);
 * absent, the server that takes the job chooses one.
 */
export type RunJobRequest =
  | {
    readonly kind: 'solve';
    /** The task spec, as its file held it (checked by the server that takes the job). */
    readonly spec: Readonly<Record<string, unknown>>;
    readonly k?: number | undefined;
    readonly maxSamples?: number | undefined;
    /** `adaptive`: adaptive k with error target `target`. */
    readonly vote?: 'first-to-ahead-by-k' | 'adaptive' | undefined;
    readonly target?: number | undefined;
    /** Where the spec came from (a file name, `POST /v1/runs`), for listings. */
    readonly source?: string | undefined;
    readonly runId?: string | undefined;
  }
  | {
    readonly kind: 'build';
    /** The build request (requirements, language, budgets, ...), checked by the server that takes the job. */
    readonly request: Readonly<Record<string, unknown>>;
    readonly source?: string | undefined;
    readonly runId?: string | undefined;
  };

const RUN_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a run id (letters, digits, _ . -)');

const RunJobRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('solve'),
    spec: z.record(z.string(), z.unknown()),
    k: z.number().int().positive().optional(),
    maxSamples: z.number().int().positive().optional(),
    vote: z.enum(['first-to-ahead-by-k', 'adaptive']).optional(),
    target: z.number().gt(0).lt(1).optional(),
    source: z.string().optional(),
    runId: RUN_ID.optional(),
  }),
  z.strictObject({
    kind: z.literal('build'),
    request: z.record(z.string(), z.unknown()),
    source: z.string().optional(),
    runId: RUN_ID.optional(),
  }),
]);

/** The job id of a run submitted with its id: apart from BullMQ's own keys and from batch jobs. */
export function submittedJobId(runId: string): string {
  return `submitted-${runId}`;
}

/** Where the job of a run submitted with its id is (`BullmqRunQueue.findRun`). */
export interface SubmittedRunView {
  readonly runId: string;
  readonly kind: 'solve' | 'build';
  /** `waiting` (also `prioritized`, `delayed`), `active`, `completed`, `failed`. */
  readonly state: 'waiting' | 'active' | 'completed' | 'failed';
  /** Place among the waiting runs (1 = next); null unless waiting. */
  readonly position: number | null;
  /** The server that took it (`serve:<pid>@<host>`); null until one did. */
  readonly server: string | null;
  /** The run's final status and outcome(s), or why it failed; null until it ended. */
  readonly result: string | null;
  readonly createdAt: number;
}

/** A run job as listed: its batch or schedule, state, and (once taken) the run it became. */
export interface RunJobView {
  readonly jobId: string;
  readonly batchId: string | null;
  readonly scheduleId: string | null;
  readonly source: string | null;
  readonly taskId: string | null;
  readonly priority: number;
  readonly state: string;
  readonly runId: string | null;
  /** The run's final status and outcome(s) once done (`completed: consensus`), or why it failed. */
  readonly result: string | null;
  readonly createdAt: number;
}

/** A schedule as listed. */
export interface RunScheduleView {
  readonly id: string;
  readonly cron: string;
  readonly next: number | null;
  readonly source: string | null;
}

/** A claimed run job: start its run, then report its run id and, at the end, the result. */
export interface ClaimedRunJob {
  readonly jobId: string;
  readonly request: RunJobRequest;
  readonly batchId: string | null;
}

/** Options of {@link BullmqRunQueue}. */
export interface BullmqRunQueueOptions {
  readonly url: string;
  /** Key prefix. Default `zerr`. */
  readonly prefix?: string;
  /** Lock of a claimed run job, renewed while the run goes on, in ms. Default 60,000. */
  readonly lockMs?: number;
}

const QUEUE_NAME = 'runs';

/** Runs waiting in Redis: batches, schedules, and the servers that take them. */
export class BullmqRunQueue {
  readonly url: string;
  private readonly connection: ConnectionOptions;
  private readonly redisOptions: RedisOptions;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly queue: Queue;
  private readonly redis: Redis;
  private worker: Worker | undefined;
  private readonly claims = new Map<string, { readonly job: Job; readonly token: string }>();

  constructor(options: BullmqRunQueueOptions) {
    const { connection, safeUrl } = redisConnection(options.url);
    this.connection = connection as ConnectionOptions;
    this.redisOptions = connection;
    this.url = safeUrl;
    this.prefix = options.prefix ?? 'zerr';
    this.lockMs = options.lockMs ?? 60_000;
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', () => undefined);
    this.redis = new Redis({ ...connection, lazyConnect: true });
    this.redis.on('error', () => undefined);
  }

  /**
   * Checks that Redis answers within `timeoutMs` (default 5,000).
   * @throws QueueUnavailableError when it does not.
   */
  async ping(timeoutMs = 5_000): Promise<void> {
    await pingRedis(this.redisOptions, this.url, timeoutMs);
  }

  /**
   * Adds one solve run per request under a new batch id, at `priority` (1 is the highest; without one, a run waits
   * behind none and before every prioritized one, as BullMQ orders them). Returns the batch id and the job ids.
   * @throws InvalidArgumentError naming the request's field; QueueUnavailableError.
   */
  async submitBatch(requests: readonly RunJobRequest[], options: { readonly priority?: number } = {}): Promise<{ readonly batchId: string; readonly jobIds: readonly string[] }> {
    if (requests.length === 0) throw new InvalidArgumentError({ parameter: 'specs', value: 0, expected: 'at least one spec' });
    const priority = options.priority;
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > 2_097_152)) {
      throw new InvalidArgumentError({ parameter: '--priority', value: priority, expected: 'an integer from 1 (highest) to 2097152' });
    }
    const parsed = requests.map((request, index) => parseOptions(RunJobRequestSchema, request, `specs.${index}`));
    const batchId = `batch-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
    const jobIds = parsed.map((_, index) => `${batchId}-${index}`);
    await this.guard('submitBatch', this.queue.addBulk(parsed.map((request, index) => ({
      name: request.kind, data: { batchId, request },
      opts: { jobId: `${batchId}-${index}`, ...(priority === undefined ? {} : { priority }), removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 7 * 86_400 } },
    }))));
    return { batchId, jobIds };
  }

  /** The jobs of `batchId` (every batch's when absent), oldest first. */
  async listJobs(batchId?: string): Promise<readonly RunJobView[]> {
    const jobs = await this.guard('listJobs', this.queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'], 0, 999, true));
    const views: RunJobView[] = [];
    for (const job of jobs) {
      const data = job.data as { batchId?: string; scheduleId?: string; request?: RunJobRequest; runId?: string };
      if (batchId !== undefined && data.batchId !== batchId) continue;
      const state = await this.guard('listJobs', job.getState());
      const returned = job.returnvalue as { runId?: string; result?: string } | null;
      views.push({
        jobId: job.id ?? '', batchId: data.batchId ?? null, scheduleId: job.repeatJobKey ?? data.scheduleId ?? null,
        source: data.request?.source ?? null, taskId: data.request?.kind === 'solve' && typeof data.request.spec['id'] === 'string' ? data.request.spec['id'] : null,
        priority: job.opts.priority ?? 0, state, runId: returned?.runId ?? (await this.runIdOf(job.id ?? '')),
        result: state === 'failed' ? job.failedReason : (returned?.result ?? null), createdAt: job.timestamp,
      });
    }
    return views.sort((a, b) => a.createdAt - b.createdAt || a.jobId.localeCompare(b.jobId));
  }

  /**
   * Cancels a batch: its waiting jobs are removed; its running runs are flagged, and the server running each cancels
   * it (`isCancelled`). Returns how many were removed and flagged.
   */
  async cancelBatch(batchId: string): Promise<{ readonly removed: number; readonly flagged: number }> {
    const jobs = (await this.listJobs(batchId));
    if (jobs.length === 0) throw new InvalidArgumentError({ parameter: 'batchId', value: batchId, expected: 'the id of a batch in the queue (zerr batch status lists them)' });
    let removed = 0;
    let flagged = 0;
    for (const view of jobs) {
      if (view.state === 'waiting' || view.state === 'prioritized' || view.state === 'delayed') {
        await this.guard('cancelBatch', this.queue.remove(view.jobId));
        removed += 1;
      } else if (view.state === 'active') {
        await this.guard('cancelBatch', this.redis.set(this.cancelKey(view.jobId), '1', 'EX', 7 * 86_400));
        flagged += 1;
      }
    }
    return { removed, flagged };
  }

  /**
   * Adds (or replaces) the schedule `id`: every time the cron expression fires (5 or 6 fields, BullMQ's cron parser;
   * `tz` a time zone, default UTC), `request` becomes a run job.
   * @throws InvalidArgumentError for a cron expression that does not parse, naming it.
   */
  async addSchedule(id: string, cron: string, request: RunJobRequest, options: { readonly tz?: string } = {}): Promise<RunScheduleView> {
    const parsed = parseOptions(RunJobRequestSchema, request, 'request');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new InvalidArgumentError({ parameter: '--id', value: id, expected: 'letters, digits, _ . - (at most 64)' });
    try {
      const { CronExpressionParser } = await import('cron-parser');
      CronExpressionParser.parse(cron, { tz: options.tz ?? 'UTC' });
    } catch (error) {
      throw new InvalidArgumentError({ parameter: '--cron', value: cron, expected: `a cron expression ("*/15 * * * *": minute hour day-of-month month day-of-week): ${error instanceof Error ? error.message : String(error)}` });
    }
    await this.guard('addSchedule', this.queue.upsertJobScheduler(id, { pattern: cron, tz: options.tz ?? 'UTC' }, {
      name: parsed.kind, data: { scheduleId: id, request: parsed }, opts: { removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 7 * 86_400 } },
    }));
    const view = (await this.listSchedules()).find((schedule) => schedule.id === id);
    return view ?? { id, cron, next: null, source: parsed.source ?? null };
  }

  async listSchedules(): Promise<readonly RunScheduleView[]> {
    const schedulers = await this.guard('listSchedules', this.queue.getJobSchedulers(0, -1, true));
    return schedulers.map((scheduler) => ({
      id: scheduler.key, cron: scheduler.pattern ?? `every ${scheduler.every ?? '?'} ms`, next: scheduler.next ?? null,
      source: (scheduler.template?.data as { request?: RunJobRequest } | undefined)?.request?.source ?? null,
    }));
  }

  /** Removes schedule `id`. @throws InvalidArgumentError when there is none. */
  async removeSchedule(id: string): Promise<void> {
    const removed = await this.guard('removeSchedule', this.queue.removeJobScheduler(id));
    if (!removed) throw new InvalidArgumentError({ parameter: 'id', value: id, expected: 'the id of a schedule (zerr schedule list lists them)' });
  }

  /**
   * Adds one run with its own id (`request.runId`; the job's id is `submitted-<runId>`) behind the runs waiting without a priority, for
   * the first server with a free slot (`zerr serve --redis` admitting `POST /v1/runs` cluster-wide).
   * @throws InvalidArgumentError naming the request's field (a run id is required); QueueUnavailableError.
   */
  async submitRun(request: RunJobRequest): Promise<void> {
    const parsed = parseOptions(RunJobRequestSchema, request, 'request');
    if (parsed.runId === undefined) throw new InvalidArgumentError({ parameter: 'request.runId', value: undefined, expected: 'the id the run gets' });
    await this.guard('submitRun', this.queue.add(parsed.kind, { request: parsed }, {
      jobId: submittedJobId(parsed.runId), removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 7 * 86_400 },
    }));
  }

  /** Where the job of run `runId` (submitted by {@link submitRun}) is; undefined when the queue has none. */
  async findRun(runId: string): Promise<SubmittedRunView | undefined> {
    if (!RUN_ID.safeParse(runId).success) return undefined;
    const jobId = submittedJobId(runId);
    const job = await this.guard('findRun', Job.fromId(this.queue, jobId)) as Job | undefined;
    if (job === undefined) return undefined;
    const request = (job.data as { request?: RunJobRequest }).request;
    if (request?.runId !== runId) return undefined;
    const raw = await this.guard('findRun', job.getState());
    const state = raw === 'active' ? 'active' : raw === 'completed' ? 'completed' : raw === 'failed' ? 'failed' : 'waiting';
    let position: number | null = null;
    if (state === 'waiting') {
      const waiting = await this.guard('findRun', this.queue.getJobs(['waiting', 'prioritized'], 0, 999, true));
      const index = waiting.findIndex((each) => each.id === jobId);
      position = index < 0 ? null : index + 1;
    }
    const returned = job.returnvalue as { result?: string } | null;
    return {
      runId, kind: request.kind, state, position, server: await this.guard('findRun', this.redis.get(this.serverKey(runId))),
      result: state === 'failed' ? job.failedReason : (returned?.result ?? null), createdAt: job.timestamp,
    };
  }

  /** Runs submitted with their id that wait for a server, oldest first. */
  async waitingRuns(): Promise<readonly SubmittedRunView[]> {
    const jobs = await this.guard('waitingRuns', this.queue.getJobs(['waiting', 'prioritized'], 0, 999, true));
    return jobs.flatMap((job, index) => {
      const request = (job.data as { request?: RunJobRequest }).request;
      if (request?.runId === undefined || job.id !== submittedJobId(request.runId)) return [];
      return [{ runId: request.runId, kind: request.kind, state: 'waiting' as const, position: index + 1, server: null, result: null, createdAt: job.timestamp }];
    });
  }

  /**
   * Cancels run `runId`'s job: removed while it waits, flagged while a server runs it (that server cancels the run).
   * False when the queue holds no such job, or it ended.
   */
  async cancelRun(runId: string): Promise<boolean> {
    const found = await this.findRun(runId);
    if (found === undefined || found.state === 'completed' || found.state === 'failed') return false;
    if (found.state === 'waiting') {
      await this.guard('cancelRun', this.queue.remove(submittedJobId(runId)));
      return true;
    }
    await this.guard('cancelRun', this.redis.set(this.cancelKey(submittedJobId(runId)), '1', 'EX', 7 * 86_400));
    return true;
  }

  /** Takes the next run job (priority, then age), waiting up to about a second; null when none. */
  async claimRun(workerId: string): Promise<ClaimedRunJob | null> {
    const worker = await this.ensureWorker();
    const token = `${workerId}:${randomUUID()}`;
    const job = await this.guard('claimRun', worker.getNextJob(token, { block: true })) as Job | undefined;
    if (job?.id === undefined) return null;
    const data = job.data as { batchId?: string; request?: unknown };
    const jobId = job.id;
    this.claims.set(jobId, { job, token });
    try {
      return { jobId, request: parseOptions(RunJobRequestSchema, data.request, 'job.request') as RunJobRequest, batchId: data.batchId ?? null };
    } catch (error) {
      await this.failRun(jobId, error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  /** Renews a claimed run job's lock. @throws ClaimLostError when it is no longer this process's. */
  async renewRun(jobId: string): Promise<void> {
    const held = this.held(jobId);
    if ((await held.job.extendLock(held.token, this.lockMs)) === 0) throw new ClaimLostError({ jobId, reason: 'the lock is held by another claim' });
  }

  /** Notes the run a claimed job became, and the server running it (shown by `zerr batch status`, `findRun`). */
  async noteRunId(jobId: string, runId: string, server?: string): Promise<void> {
    await this.guard('noteRunId', this.redis.set(this.runIdKey(jobId), runId, 'EX', 7 * 86_400));
    if (server !== undefined) await this.guard('noteRunId', this.redis.set(this.serverKey(runId), server, 'EX', 7 * 86_400));
  }

  /** Whether `zerr batch cancel` flagged this job's run. */
  async isCancelled(jobId: string): Promise<boolean> {
    return (await this.guard('isCancelled', this.redis.exists(this.cancelKey(jobId)))) === 1;
  }

  async completeRun(jobId: string, result: { readonly runId: string; readonly result: string }): Promise<void> {
    const held = this.held(jobId);
    this.claims.delete(jobId);
    await this.guard('completeRun', held.job.moveToCompleted(result, held.token, false));
  }

  async failRun(jobId: string, reason: string): Promise<void> {
    const held = this.held(jobId);
    this.claims.delete(jobId);
    await this.guard('failRun', held.job.moveToFailed(new Error(reason), held.token, false));
  }

  async counts(): Promise<QueueCounts> {
    return this.guard('counts', jobCounts(this.queue));
  }

  async close(): Promise<void> {
    try {
      await this.worker?.close(true);
    } finally {
      await this.queue.close();
      this.redis.disconnect();
    }
  }

  private async runIdOf(jobId: string): Promise<string | null> {
    return this.guard('listJobs', this.redis.get(this.runIdKey(jobId)));
  }

  private async ensureWorker(): Promise<Worker> {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(QUEUE_NAME, null, {
      connection: this.connection, prefix: this.prefix, autorun: false, lockDuration: this.lockMs,
      stalledInterval: Math.floor(this.lockMs / 2), maxStalledCount: Number.MAX_SAFE_INTEGER, drainDelay: 1,
    });
    worker.on('error', () => undefined);
    this.worker = worker;
    await this.guard('claimRun', worker.startStalledCheckTimer());
    return worker;
  }

  private held(jobId: string): { readonly job: Job; readonly token: string } {
    const held = this.claims.get(jobId);
    if (held === undefined) throw new ClaimLostError({ jobId, reason: 'this process holds no such claim' });
    return held;
  }

  private cancelKey(jobId: string): string {
    return `${this.prefix}:run-jobs:${jobId}:cancel`;
  }

  private serverKey(runId: string): string {
    return `${this.prefix}:runs-on:${runId}`;
  }

  private runIdKey(jobId: string): string {
    return `${this.prefix}:run-jobs:${jobId}:run`;
  }

  private async guard<T>(operation: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof InvalidArgumentError || error instanceof ClaimLostError) throw error;
      throw new QueueUnavailableError({ url: this.url, operation, cause: error });
    }
  }
}
