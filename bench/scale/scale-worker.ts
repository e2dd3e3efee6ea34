/**
 * @module bench/scale/scale-worker
 * One worker process of the `scale` benchmark, forked by `worker-pool.ts` (run through tsx). It opens its own
 * {@link BullmqQueue} on the benchmark's redis-server and, in `sample` mode, runs the real `runSampleWorker` loop
 * (claim -> `executeSampleJob` with the simulated model and checks of `sample-work.ts` -> complete); in `echo` mode a
 * bare claim -> complete loop with an empty result (the queue's own overhead). It says `ready` once its queue
 * connections are up, works until the parent says `stop`, then reports what it completed and exits.
 */
import { BullmqQueue, runSampleWorker, type ClaimedSampleJob } from '../../src/index.js';
import { scaleWorkerDependencies, type WorkCost } from './sample-work.js';

/** The worker's configuration, passed as JSON in argv[2]. */
export interface ScaleWorkerConfig {
  readonly url: string;
  readonly prefix: string;
  readonly workerId: string;
  readonly mode: 'sample' | 'echo';
  readonly cost: WorkCost;
}

/** Messages the worker sends its parent. */
export type ScaleWorkerMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly workerId: string;
      /** Job ids this worker completed, in order. */
      readonly completed: readonly string[];
      readonly refused: number;
      /** Errors and lost claims reported by the loop. */
      readonly errors: readonly string[];
      /** CPU time of each verification, in ms (`cpu` work only). */
      readonly verifyCpuMs: readonly number[];
    };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as ScaleWorkerConfig;
  const send = (message: ScaleWorkerMessage) => new Promise<void>((resolve) => { process.send?.(message, () => resolve()); });
  const stop = new AbortController();
  process.on('message', (message: { type?: string }) => { if (message.type === 'stop') stop.abort(new Error('stopped by the benchmark')); });
  process.on('disconnect', () => stop.abort(new Error('parent gone')));
  const queue = new BullmqQueue({ url: config.url, prefix: config.prefix });
  const completed: string[] = [];
  const errors: string[] = [];
  const verifyCpuMs: number[] = [];
  let refused = 0;
  try {
    await queue.ping();
    // Opens the claiming connection (BullMQ Worker, stalled-job checker) before the clock starts: no job exists yet.
    const none = await queue.claimJob({ workerId: config.workerId, waitMs: 0 });
    if (none !== null) throw new Error(`a job was waiting before the benchmark enqueued any: ${none.jobId}`);
    await send({ type: 'ready' });
    if (config.mode === 'sample') {
      const tally = await runSampleWorker({
        queue, deps: scaleWorkerDependencies(config.workerId, config.cost, (ms) => verifyCpuMs.push(ms)),
        concurrency: 1, signal: stop.signal, retryDelayMs: 100,
        onJob: (outcome) => {
          if (outcome.kind === 'completed') completed.push(outcome.jobId);
          else if (outcome.kind !== 'claimed') errors.push(`${outcome.kind}: ${'message' in outcome ? outcome.message : 'reason' in outcome ? outcome.reason : ''}`);
        },
      });
      refused = tally.refused;
    } else {
      while (!stop.signal.aborted) {
        let job: ClaimedSampleJob | null;
        try {
          job = await queue.claimJob({ workerId: config.workerId, waitMs: 500, signal: stop.signal });
        } catch (error) {
          if (stop.signal.aborted) break;
          throw error;
        }
        if (job === null) continue;
        await queue.completeJob(job, { echo: job.sampleIndex });
        completed.push(job.jobId);
      }
    }
    await send({ type: 'done', workerId: config.workerId, completed, refused, errors, verifyCpuMs });
  } finally {
    await queue.close();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`scale-worker: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
