/**
 * @module orchestrate/live-runs
 * The owner's side of run liveness on a work queue: while a run has jobs in flight, the run is registered live and
 * re-registered at a third of its TTL (the heartbeat), so workers run its jobs; once its last job is answered, the
 * heartbeat stops and the registration lapses after the TTL (a stopped or killed owner's jobs are then refused,
 * `unknown_run`). Shared by the code samples (`remote-sample.ts`) and the proposal samples (`remote-proposal.ts`) of
 * one engine, so a run has one heartbeat.
 */
import type { WorkQueue } from '../queue/work-queue.js';

/** Runs with jobs in flight on one queue. */
export class LiveRuns {
  readonly #queue: WorkQueue;
  readonly #ttlMs: number;
  /**
   * Per run: jobs in flight, the heartbeat, and the first registration, which every job of the run waits for before it
   * is enqueued (a worker that claims it finds the run live).
   */
  readonly #runs = new Map<string, { pending: number; readonly heartbeat: NodeJS.Timeout; readonly registered: Promise<void> }>();

  /** @param ttlMs how long a registration lasts without renewal, in ms. Default 60,000. */
  constructor(queue: WorkQueue, ttlMs = 60_000) {
    this.#queue = queue;
    this.#ttlMs = ttlMs;
  }

  /**
   * Runs `work` (which enqueues a job of `runId` and waits for its result) once the run is registered live, keeping it
   * live until `work` settles.
   * @throws what the registration (QueueUnavailableError) or `work` throws.
   */
  async with<T>(runId: string, work: () => Promise<T>): Promise<T> {
    let entry = this.#runs.get(runId);
    if (entry === undefined) {
      const ttlMs = this.#ttlMs;
      const heartbeat = setInterval(() => { this.#queue.registerRun(runId, { ttlMs }).catch(() => undefined); }, Math.max(100, Math.floor(ttlMs / 3)));
      heartbeat.unref();
      entry = { pending: 0, heartbeat, registered: this.#queue.registerRun(runId, { ttlMs }) };
      this.#runs.set(runId, entry);
    }
    entry.pending += 1; // counted before it waits, so the `finally` always balances it
    try {
      await entry.registered;
      return await work();
    } finally {
      if (--entry.pending === 0) {
        clearInterval(entry.heartbeat);
        this.#runs.delete(runId);
      }
    }
  }
}
