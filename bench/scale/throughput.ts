/**
 * @module bench/scale/throughput
 * Sample jobs per second with N worker processes: the owner (this process) asks for M samples at once through the
 * real owner side (`queueSampler` on a {@link BullmqQueue}), N forked workers run the real `runSampleWorker` loop,
 * and the clock runs from the first enqueue to the last result; R rounds (one run id each) on the same workers.
 * Checks that every job was completed exactly once: M distinct reports per round, the workers' completions add up
 * to R x M with no job twice, and the queue counts R x M completed, none failed.
 */
import { BullmqQueue, queueSampler, type RemoteSampleReport } from '../../src/index.js';
import { scaleSpec, type WorkCost } from './sample-work.js';
import { startWorkers, type WorkerTally } from './worker-pool.js';

/** One configuration's measurement. */
export interface ThroughputResult {
  readonly workers: number;
  /** Jobs per round (M). */
  readonly jobs: number;
  /** Wall time of each round, in ms. */
  readonly wallMs: readonly number[];
  /** Jobs per second of each round. */
  readonly jobsPerSecond: readonly number[];
  /** Time to fork the workers until all were ready (not in `wallMs`). */
  readonly workerStartMs: number;
  /** Jobs completed by each worker. */
  readonly perWorker: readonly number[];
  /** Distinct samples among the owner's reports, per round. */
  readonly distinctReports: readonly number[];
  /** Reports that carried a behaviour class (the sample passed the simulated verification). */
  readonly verifiedReports: number;
  /** Completions the workers reported in all (M when every job was completed exactly once). */
  readonly workerCompletions: number;
  /** Job ids completed by more than one worker or twice (must be 0). */
  readonly duplicateCompletions: number;
  /** Completed and failed jobs in the queue afterwards. */
  readonly queueCompleted: number;
  readonly queueFailed: number;
  /** Errors and lost claims the workers reported. */
  readonly workerErrors: readonly string[];
  /** CPU time of the workers' verifications, in ms (cpu work only). */
  readonly verifyCpuMs: readonly number[];
}

/** Measures M jobs of `cost` on `workers` worker processes, on the queue `prefix` of redis `url`. */
export async function measureThroughput(options: {
  readonly url: string;
  readonly prefix: string;
  readonly workers: number;
  readonly jobs: number;
  readonly rounds: number;
  readonly cost: WorkCost;
}): Promise<ThroughputResult> {
  const { url, prefix, workers, jobs, cost } = options;
  const owner = new BullmqQueue({ url, prefix });
  try {
    await owner.ping();
    const pool = await startWorkers(workers, { url, prefix, mode: 'sample', cost });
    const reports: RemoteSampleReport[][] = [];
    const wallMs: number[] = [];
    let tallies: WorkerTally[];
    try {
      const sample = queueSampler(owner, { checks: { pythonTypes: true } });
      const spec = scaleSpec();
      for (let round = 0; round < options.rounds; round += 1) {
        const runId = `${prefix}-run${round}`;
        const started = performance.now();
        reports.push(await Promise.all(Array.from({ length: jobs }, (_, sampleIndex) => sample({
          runId, spec, sampleIndex, seed: 42, signatureInputs: 8, advisoryTests: [], signal: AbortSignal.timeout(300_000),
        }))));
        wallMs.push(performance.now() - started);
      }
    } finally {
      tallies = await pool.stop();
    }
    const completions = tallies.flatMap((tally) => tally.completed);
    const counts = await owner.counts();
    const sampleIndexOf = (report: RemoteSampleReport) => (report.records.find((entry) => entry.kind === 'sample')?.record as { sampleIndex?: number } | undefined)?.sampleIndex;
    return {
      workers, jobs, wallMs, jobsPerSecond: wallMs.map((ms) => jobs / (ms / 1000)), workerStartMs: pool.startMs,
      perWorker: tallies.map((tally) => tally.completed.length),
      distinctReports: reports.map((round) => new Set(round.map(sampleIndexOf).filter((index) => index !== undefined)).size),
      verifiedReports: reports.flat().filter((report) => report.verdict.classKey !== undefined).length,
      workerCompletions: completions.length,
      duplicateCompletions: completions.length - new Set(completions).size,
      queueCompleted: counts.completed, queueFailed: counts.failed,
      workerErrors: tallies.flatMap((tally) => tally.errors),
      verifyCpuMs: tallies.flatMap((tally) => tally.verifyCpuMs),
    };
  } finally {
    await owner.close();
  }
}
