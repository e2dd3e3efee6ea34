/**
 * @module queue/work-queue
 * The contract between the process that owns a run (it votes and records) and the stateless workers that draw and
 * judge its samples (`zerr worker`). In domain terms - runs, sample jobs, claims, verdicts - never the datastore's
 * commands. Implementations: `in-process-queue.ts` (one process, the default) and `redis/bullmq-queue.ts` (BullMQ on
 * Redis). `queue-conformance.ts` is the suite both pass.
 *
 * Guarantees every implementation gives:
 * - a job's id is deterministic (`sampleJobId(run, task, sample index, draw)`): enqueueing the same sample twice makes
 *   one job, and its owner takes one result for it, so a retried or stalled job is never counted twice;
 * - a claim holds a lock that the claimer renews while it works (`ClaimedSampleJob.lockMs`); a job whose claimer
 *   stopped renewing (a worker killed with SIGKILL) is given to another worker ("stalled job recovery");
 * - a job that states another protocol version, or whose run is not live (not registered by its owner), is refused,
 *   not run: its owner's wait rejects with the refusal's code and reason.
 */

/**
 * Version of the sample job's payload and result; a worker refuses a job of another version. 2: jobs name their kind
 * (`code`: a candidate to draw, red-flag, verify and class; `proposal`: one model call of a proposal vote).
 */
export const SAMPLE_JOB_PROTOCOL_VERSION = 2;

/** A JSON object (what crosses the queue: plain data only). */
export type JsonObject = { readonly [key: string]: unknown };

/** One sample to draw and judge, as enqueued by the run's owner. */
export interface SampleJob {
  /** `sampleJobId(runId, taskId, sampleIndex, draw)`. */
  readonly jobId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly sampleIndex: number;
  /** {@link SAMPLE_JOB_PROTOCOL_VERSION} of the enqueuer. */
  readonly protocolVersion: number;
  /** Lower runs first (0 the highest priority). Default 0. */
  readonly priority?: number;
  /** What the worker needs (spec, seed, ...), opaque to the queue: plain JSON. */
  readonly payload: JsonObject;
}

/** A job a worker holds: run it, then complete or refuse it with the claim. */
export interface ClaimedSampleJob extends SampleJob {
  /** Claims of this job so far, this one included (more than 1: an earlier claimer stalled). */
  readonly attempt: number;
  /** How long the claim's lock lasts without renewal, in ms. */
  readonly lockMs: number;
}

/** Job counts of a queue by state, for the dashboard and `queue_jobs{queue,state}`. */
export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly completed: number;
  readonly failed: number;
}

/** Why a worker did not run a job: its code (`protocol_mismatch`, `unknown_run`, `invalid_job`) and reason. */
export interface JobRefusal {
  readonly code: string;
  readonly reason: string;
}

/** The queue between a run's owner and its workers. */
export interface WorkQueue {
  /** `in-process` or `redis`, for messages. */
  readonly kind: string;
  /** Marks `runId` live: its jobs may be run. The owner calls it before enqueueing, and again to keep it live (`ttlMs`). */
  registerRun(runId: string, options?: { readonly ttlMs?: number }): Promise<void>;
  /** The run is no longer live: its waiting jobs are refused when claimed. */
  unregisterRun(runId: string): Promise<void>;
  /** Whether `runId` is registered and live. */
  isRunLive(runId: string): Promise<boolean>;
  /**
   * Adds the job; a job of the same id that is waiting, active or completed is kept as it is (no second job).
   * @throws InvalidArgumentError for a malformed job; the backend's error when it cannot be reached.
   */
  enqueueSample(job: SampleJob): Promise<void>;
  /**
   * The result of job `jobId` once a worker completes it (at once when it already has).
   * @throws SampleJobRefusedError when a worker refused it; the signal's reason when aborted.
   */
  awaitSample(jobId: string, options?: { readonly signal?: AbortSignal }): Promise<JsonObject>;
  /**
   * Takes the next job (highest priority, then oldest), waiting up to `waitMs` (default 1,000) for one; null when
   * none came. The claim's lock must be renewed within `lockMs` ({@link WorkQueue.renewClaim}).
   */
  claimJob(options: { readonly workerId: string; readonly waitMs?: number; readonly signal?: AbortSignal }): Promise<ClaimedSampleJob | null>;
  /** Extends a held claim's lock by its `lockMs`. @throws ClaimLostError when the claim was lost (the lock expired and the job moved on). */
  renewClaim(claim: ClaimedSampleJob): Promise<void>;
  /** Stores the job's result and wakes its owner. @throws ClaimLostError when the claim was lost. */
  completeJob(claim: ClaimedSampleJob, result: JsonObject): Promise<void>;
  /** Refuses the job (not retried); its owner's wait rejects with `refusal`. @throws ClaimLostError when the claim was lost. */
  refuseJob(claim: ClaimedSampleJob, refusal: JobRefusal): Promise<void>;
  /** Removes the run's jobs that no worker holds (waiting, delayed); returns how many. */
  cancelRun(runId: string): Promise<number>;
  counts(): Promise<QueueCounts>;
  /** Releases the queue's connections; pending waits reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * The deterministic id of draw `draw` of sample `sampleIndex` of task `taskId` of run `runId`:
 * `s-<run>-<task>-<index>`, and `-<draw>` after it for a sample drawn again after a call that gave no answer (draw 1,
 * 2, ...). The run and task are percent-encoded (so no `:` and no ambiguity: `-` is encoded in them too).
 */
export function sampleJobId(runId: string, taskId: string, sampleIndex: number, draw = 0): string {
  const part = (value: string) => encodeURIComponent(value).replace(/[-.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `s-${part(runId)}-${part(taskId)}-${sampleIndex}${draw === 0 ? '' : `-${draw}`}`;
}
