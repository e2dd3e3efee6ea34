/**
 * @module bench/scale/queue-overhead
 * The queue's own cost per sample job: one owner enqueues an empty job and waits for its result, one claimer
 * takes it and completes it at once, one job at a time, so each round trip is enqueue -> claim -> complete ->
 * the owner's `awaitSample` resolving, with no work in between. The claimer runs in this process on its own queue
 * handle (a second loop), or in a separate worker process (`echo` mode of `scale-worker.ts`).
 */
import { SAMPLE_JOB_PROTOCOL_VERSION, sampleJobId, type WorkQueue } from '../../src/index.js';

/** Round-trip times of one configuration, in ms, in job order (warm-up rounds left out). */
export interface RoundTrips {
  readonly roundTripMs: readonly number[];
  /** Results the owner received that were not its own job's (must be 0). */
  readonly mismatched: number;
}

/**
 * Runs `warmup + jobs` round trips on `owner`; `startClaimer` (when given) runs the claiming loop on `claimer`
 * in this process until the rounds are done.
 */
export async function measureRoundTrips(options: {
  readonly owner: WorkQueue;
  /** A queue handle of the same queue to claim from in this process; absent: a worker process claims. */
  readonly claimer?: WorkQueue;
  readonly runId: string;
  readonly jobs: number;
  readonly warmup: number;
}): Promise<RoundTrips> {
  const { owner, claimer, runId } = options;
  const stop = new AbortController();
  const claiming = claimer === undefined ? Promise.resolve() : (async () => {
    while (!stop.signal.aborted) {
      let job;
      try {
        job = await claimer.claimJob({ workerId: 'bench-claimer', waitMs: 200, signal: stop.signal });
      } catch (error) {
        if (stop.signal.aborted) return;
        throw error;
      }
      if (job !== null) await claimer.completeJob(job, { echo: job.sampleIndex });
    }
  })();
  // A claimer that fails ends the owner's wait instead of leaving it waiting for ever.
  const claimerFailed = new AbortController();
  claiming.catch((error: unknown) => claimerFailed.abort(error));
  const roundTripMs: number[] = [];
  let mismatched = 0;
  try {
    await owner.registerRun(runId);
    for (let index = 0; index < options.warmup + options.jobs; index += 1) {
      const jobId = sampleJobId(runId, 'empty', index);
      const started = performance.now();
      await owner.enqueueSample({ jobId, runId, taskId: 'empty', sampleIndex: index, protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION, payload: {} });
      const result = await owner.awaitSample(jobId, { signal: claimerFailed.signal });
      const elapsed = performance.now() - started;
      if (result['echo'] !== index) mismatched += 1;
      if (index >= options.warmup) roundTripMs.push(elapsed);
    }
  } finally {
    stop.abort(new Error('rounds done'));
    await claiming;
  }
  return { roundTripMs, mismatched };
}
