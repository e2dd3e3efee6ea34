/**
 * @module queue/in-process-queue
 * The {@link WorkQueue} of one process: jobs in memory, the default when no Redis is given. Same guarantees as the
 * Redis queue (deterministic ids, lock renewal and stalled-job recovery, refusals), so the conformance suite holds
 * for both; nothing survives the process.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ClaimLostError } from './errors/claim-lost-error.js';
import { SampleJobRefusedError } from './errors/sample-job-refused-error.js';
import { parseSampleJob } from './sample-job-schema.js';
import type { ClaimedSampleJob, JobRefusal, JsonObject, QueueCounts, SampleJob, WorkQueue } from './work-queue.js';

interface Entry {
  readonly job: SampleJob;
  readonly seq: number;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  attempt: number;
  /** Claim token of the current holder (the attempt it was given at). */
  holder?: { readonly workerId: string; readonly attempt: number };
  lockUntil: number;
  result?: JsonObject;
  refusal?: JobRefusal;
}

/** Options of {@link InProcessQueue}. */
export interface InProcessQueueOptions {
  /** Lock of a claim without renewal, in ms. Default 30,000. */
  readonly lockMs?: number;
  /** How often expired locks are looked for, in ms. Default `lockMs / 2`. */
  readonly stalledIntervalMs?: number;
}

/** Jobs in this process's memory. */
export class InProcessQueue implements WorkQueue {
  readonly kind = 'in-process';
  private readonly lockMs: number;
  private readonly entries = new Map<string, Entry>();
  private readonly liveRuns = new Map<string, number>();
  private readonly claimWaiters = new Set<() => void>();
  private readonly resultWaiters = new Map<string, Set<() => void>>();
  private readonly stalledTimer: NodeJS.Timeout;
  private seq = 0;
  private closed = false;

  constructor(options: InProcessQueueOptions = {}) {
    this.lockMs = options.lockMs ?? 30_000;
    if (!Number.isInteger(this.lockMs) || this.lockMs < 1) throw new InvalidArgumentError({ parameter: 'options.lockMs', value: options.lockMs, expected: 'a positive integer (ms)' });
    this.stalledTimer = setInterval(() => this.recoverStalled(), options.stalledIntervalMs ?? Math.max(1, Math.floor(this.lockMs / 2)));
    this.stalledTimer.unref();
  }

  registerRun(runId: string, options: { readonly ttlMs?: number } = {}): Promise<void> {
    this.liveRuns.set(runId, options.ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.ttlMs);
    return Promise.resolve();
  }

  unregisterRun(runId: string): Promise<void> {
    this.liveRuns.delete(runId);
    return Promise.resolve();
  }

  isRunLive(runId: string): Promise<boolean> {
    const until = this.liveRuns.get(runId);
    return Promise.resolve(until !== undefined && until > Date.now());
  }

  async enqueueSample(job: SampleJob): Promise<void> {
    this.assertOpen();
    const parsed = parseSampleJob(job);
    const existing = this.entries.get(parsed.jobId);
    // A refused job may be enqueued again (its owner retries after fixing the cause); any other is kept as it is.
    if (existing !== undefined && existing.state !== 'failed') return;
    this.entries.set(parsed.jobId, { job: parsed, seq: this.seq++, state: 'waiting', attempt: 0, lockUntil: 0 });
    this.wakeClaimers();
  }

  async awaitSample(jobId: string, options: { readonly signal?: AbortSignal } = {}): Promise<JsonObject> {
    for (;;) {
      this.assertOpen();
      options.signal?.throwIfAborted();
      const entry = this.entries.get(jobId);
      if (entry?.state === 'completed' && entry.result !== undefined) return entry.result;
      if (entry?.state === 'failed' && entry.refusal !== undefined) {
        throw new SampleJobRefusedError({ jobId, refusal: entry.refusal.code, reason: entry.refusal.reason });
      }
      await this.waitFor(this.resultWaitersOf(jobId), 1_000, options.signal);
    }
  }

  async claimJob(options: { readonly workerId: string; readonly waitMs?: number; readonly signal?: AbortSignal }): Promise<ClaimedSampleJob | null> {
    const deadline = Date.now() + (options.waitMs ?? 1_000);
    for (;;) {
      this.assertOpen();
      options.signal?.throwIfAborted();
      this.recoverStalled();
      const next = [...this.entries.values()]
        .filter((entry) => entry.state === 'waiting')
        .sort((a, b) => (a.job.priority ?? 0) - (b.job.priority ?? 0) || a.seq - b.seq)[0];
      if (next !== undefined) {
        next.state = 'active';
        next.attempt += 1;
        next.holder = { workerId: options.workerId, attempt: next.attempt };
        next.lockUntil = Date.now() + this.lockMs;
        return { ...next.job, attempt: next.attempt, lockMs: this.lockMs };
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await this.waitFor(this.claimWaiters, left, options.signal);
    }
  }

  async renewClaim(claim: ClaimedSampleJob): Promise<void> {
    const entry = this.held(claim, 'renewClaim');
    entry.lockUntil = Date.now() + this.lockMs;
  }

  async completeJob(claim: ClaimedSampleJob, result: JsonObject): Promise<void> {
    const entry = this.held(claim, 'completeJob');
    entry.state = 'completed';
    entry.result = result;
    delete entry.holder;
    this.wakeResult(claim.jobId);
  }

  async refuseJob(claim: ClaimedSampleJob, refusal: JobRefusal): Promise<void> {
    const entry = this.held(claim, 'refuseJob');
    entry.state = 'failed';
    entry.refusal = refusal;
    delete entry.holder;
    this.wakeResult(claim.jobId);
  }

  cancelRun(runId: string): Promise<number> {
    let removed = 0;
    for (const [jobId, entry] of this.entries) {
      if (entry.job.runId !== runId || entry.state !== 'waiting') continue;
      this.entries.delete(jobId);
      removed += 1;
    }
    return Promise.resolve(removed);
  }

  counts(): Promise<QueueCounts> {
    const count = (state: Entry['state'], prioritized: boolean) => [...this.entries.values()]
      .filter((entry) => entry.state === state && (state !== 'waiting' || ((entry.job.priority ?? 0) > 0) === prioritized)).length;
    return Promise.resolve({
      waiting: count('waiting', false), prioritized: count('waiting', true), active: count('active', false), delayed: 0,
      completed: count('completed', false), failed: count('failed', false),
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.stalledTimer);
    this.wakeClaimers();
    for (const jobId of this.resultWaiters.keys()) this.wakeResult(jobId);
    return Promise.resolve();
  }

  /** Active jobs whose lock expired go back to waiting (the next claim is attempt + 1). */
  private recoverStalled(): void {
    const now = Date.now();
    let recovered = false;
    for (const entry of this.entries.values()) {
      if (entry.state !== 'active' || entry.lockUntil > now) continue;
      entry.state = 'waiting';
      delete entry.holder;
      recovered = true;
    }
    if (recovered) this.wakeClaimers();
  }

  private held(claim: ClaimedSampleJob, operation: string): Entry {
    this.assertOpen();
    const entry = this.entries.get(claim.jobId);
    if (entry === undefined || entry.state !== 'active' || entry.holder?.attempt !== claim.attempt) {
      throw new ClaimLostError({ jobId: claim.jobId, reason: `${operation}: the job is ${entry === undefined ? 'gone (cancelled)' : entry.state === 'active' ? `held by a later claim (attempt ${entry.attempt})` : entry.state}` });
    }
    if (entry.lockUntil <= Date.now()) {
      this.recoverStalled();
      throw new ClaimLostError({ jobId: claim.jobId, reason: `${operation}: the lock expired ${this.lockMs} ms after its last renewal` });
    }
    return entry;
  }

  private resultWaitersOf(jobId: string): Set<() => void> {
    const waiters = this.resultWaiters.get(jobId) ?? new Set<() => void>();
    this.resultWaiters.set(jobId, waiters);
    return waiters;
  }

  private wakeClaimers(): void {
    for (const wake of [...this.claimWaiters]) wake();
  }

  private wakeResult(jobId: string): void {
    for (const wake of [...(this.resultWaiters.get(jobId) ?? [])]) wake();
    this.resultWaiters.delete(jobId);
  }

  /** Waits until woken through `waiters`, `timeoutMs` pass, or `signal` aborts. */
  private waitFor(waiters: Set<() => void>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError({ parameter: 'queue', value: 'closed', expected: 'an open queue (close() was called)' });
  }
}
