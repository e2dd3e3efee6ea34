/**
 * @module service/admission-queue
 * Admission control of a run service: at most `maxRunningRuns` runs work at once, up to `maxQueuedRuns` more wait in
 * a FIFO queue for a slot, and beyond that a new run is refused with {@link RunQueueFullError} and an estimate of
 * when to retry (from the durations of recent runs). Plain bookkeeping: the service starts and ends the runs.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import { RunQueueFullError } from './run-queue-full-error.js';

/** Limits of an {@link AdmissionQueue}. */
export interface AdmissionLimits {
  /** Runs that work at once (≥ 1). Default {@link defaultMaxRunningRuns}. */
  readonly maxRunningRuns?: number;
  /** Runs that may wait for a slot (≥ 0; 0 refuses every run beyond the running ones). Default 16. */
  readonly maxQueuedRuns?: number;
}

/** Waiting runs kept beyond the running ones, by default. */
export const DEFAULT_MAX_QUEUED_RUNS = 16;
/** Retry estimate before any run has finished here, ms. */
const DEFAULT_RUN_MS = 60_000;
/** Run durations the retry estimate is the median of. */
const DURATIONS_KEPT = 20;

const LimitsSchema = z.object({
  maxRunningRuns: z.number().int().min(1).max(1000).optional(),
  maxQueuedRuns: z.number().int().min(0).max(100_000).optional(),
}).strict();

/**
 * Default of concurrently running runs: half the CPUs this process may use, at least 2 and at most 8 (a run drives
 * sandboxed verification processes of its own, so a 2-core machine runs 2).
 */
export function defaultMaxRunningRuns(cpus: number = availableParallelism()): number {
  return Math.min(8, Math.max(2, Math.floor(cpus / 2)));
}

/** FIFO admission of runs; `T` is what the service keeps for a waiting run. */
export class AdmissionQueue<T extends { readonly runId: string }> {
  readonly maxRunningRuns: number;
  readonly maxQueuedRuns: number;
  #running = 0;
  readonly #waiting: T[] = [];
  readonly #durationsMs: number[] = [];

  /** @throws InvalidArgumentError (`invalid_argument`, parameter `limits.maxRunningRuns` / `limits.maxQueuedRuns`). */
  constructor(limits: AdmissionLimits = {}) {
    const parsed = parseOptions(LimitsSchema, limits, 'limits');
    this.maxRunningRuns = parsed.maxRunningRuns ?? defaultMaxRunningRuns();
    this.maxQueuedRuns = parsed.maxQueuedRuns ?? DEFAULT_MAX_QUEUED_RUNS;
  }

  /** Slots taken. */
  get running(): number {
    return this.#running;
  }

  /** Waiting runs, first to start first. */
  get waiting(): readonly T[] {
    return [...this.#waiting];
  }

  /** Takes a slot when one is free (and nobody waits for it); false otherwise. */
  tryAcquire(): boolean {
    if (this.#running >= this.maxRunningRuns || this.#waiting.length > 0) return false;
    this.#running += 1;
    return true;
  }

  /**
   * Puts `item` at the end of the queue; returns its 1-based position. `force` queues it even beyond
   * `maxQueuedRuns` (work the service owes, such as resuming a build whose escalation was answered).
   * @throws RunQueueFullError (`run_queue_full`) when the queue is full and `force` is not set.
   */
  enqueue(item: T, options: { readonly force?: boolean } = {}): number {
    if (options.force !== true && this.#waiting.length >= this.maxQueuedRuns) {
      throw new RunQueueFullError({ maxRunningRuns: this.maxRunningRuns, maxQueuedRuns: this.maxQueuedRuns, retryAfterMs: this.retryAfterMs() });
    }
    this.#waiting.push(item);
    return this.#waiting.length;
  }

  /** 1-based position of `runId` in the queue, or undefined when it does not wait. */
  position(runId: string): number | undefined {
    const index = this.#waiting.findIndex((item) => item.runId === runId);
    return index < 0 ? undefined : index + 1;
  }

  /** Takes `runId` out of the queue (cancelled before it started); returns what was kept for it. */
  remove(runId: string): T | undefined {
    const index = this.#waiting.findIndex((item) => item.runId === runId);
    return index < 0 ? undefined : this.#waiting.splice(index, 1)[0];
  }

  /**
   * A running run ended after `durationMs` (omit for a run that never really started). Its slot passes to the first
   * waiting run, which is returned (the caller starts it), or is freed.
   */
  release(durationMs?: number): T | undefined {
    if (durationMs !== undefined && Number.isFinite(durationMs) && durationMs >= 0) {
      this.#durationsMs.push(durationMs);
      if (this.#durationsMs.length > DURATIONS_KEPT) this.#durationsMs.shift();
    }
    const next = this.#waiting.shift();
    if (next === undefined) this.#running = Math.max(0, this.#running - 1);
    return next;
  }

  /** Empties the queue (the service is closing); returns what waited. */
  drain(): T[] {
    return this.#waiting.splice(0, this.#waiting.length);
  }

  /**
   * When a refused client may try again, ms: the median duration of the last {@link DURATIONS_KEPT} runs (60 s
   * before any ended) divided by the slots, since any run that ends frees a place; between 1 s and 1 h.
   */
  retryAfterMs(): number {
    const sorted = [...this.#durationsMs].sort((a, b) => a - b);
    const typical = sorted.length === 0 ? DEFAULT_RUN_MS : (sorted[Math.floor(sorted.length / 2)] ?? DEFAULT_RUN_MS);
    return Math.min(3_600_000, Math.max(1000, Math.ceil(typical / this.maxRunningRuns)));
  }
}
