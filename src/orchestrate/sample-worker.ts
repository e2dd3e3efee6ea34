/**
 * @module orchestrate/sample-worker
 * The loop of a stateless queue worker (`zerr worker`): claim a sample job of any run, refuse it when it cannot be
 * run (another protocol version, a run that is not live, a payload that does not parse), else work on it while
 * renewing the claim - a code sample is drawn and judged with this worker's model and checks (`remote-sample.ts`), a
 * proposal sample only drawn (`remote-proposal.ts`) - and complete the job with the report.
 * Nothing is recorded here: the run's owner records and votes.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ClaimLostError } from '../queue/errors/claim-lost-error.js';
import { SAMPLE_JOB_PROTOCOL_VERSION, type ClaimedSampleJob, type JsonObject, type WorkQueue } from '../queue/work-queue.js';
import { ChecksMismatchError } from './checks-mismatch-error.js';
import { executeProposalJob, type ProposalJobReport } from './remote-proposal.js';
import { executeSampleJob, type RemoteSampleReport, type SampleWorkerDependencies } from './remote-sample.js';
import type { SignatureRunner } from './sample-step.js';

/** What happened to one claimed job, for the worker's log and progress. */
export type SampleJobOutcome =
  | { readonly kind: 'claimed'; readonly jobId: string; readonly jobKind: SampleJobKind; readonly attempt: number }
  | { readonly kind: 'completed'; readonly jobId: string; readonly jobKind: SampleJobKind; readonly attempt: number; readonly durationMs: number; readonly verdict: string }
  | { readonly kind: 'refused'; readonly jobId: string; readonly jobKind: SampleJobKind; readonly code: string; readonly reason: string }
  | { readonly kind: 'lost'; readonly jobId: string; readonly reason: string }
  | { readonly kind: 'error'; readonly jobId?: string; readonly jobKind?: SampleJobKind; readonly message: string };

/** What a sample job asks for: a code sample, a proposal sample, or a payload that names neither. */
export type SampleJobKind = 'code' | 'proposal' | 'unknown';

/** The kind a job's payload names. */
function jobKindOf(job: ClaimedSampleJob): SampleJobKind {
  const kind = job.payload['kind'];
  return kind === 'code' || kind === 'proposal' ? kind : 'unknown';
}

/** Options of {@link runSampleWorker}. */
export interface SampleWorkerOptions {
  readonly queue: WorkQueue;
  readonly deps: SampleWorkerDependencies;
  /** Jobs worked on at once. Default 1. */
  readonly concurrency?: number;
  /** Stops claiming when aborted; jobs in hand are finished first (a second signal, `abortJobs`, drops them). */
  readonly signal?: AbortSignal;
  /** Aborts the jobs in hand (their claims lapse and other workers take them). */
  readonly abortJobs?: AbortSignal;
  /** Stop after this many jobs completed or refused (tests, benchmarks). Default unbounded. */
  readonly maxJobs?: number;
  readonly onJob?: (outcome: SampleJobOutcome) => void;
  /** Pause after a queue error before claiming again, in ms. Default 1,000. */
  readonly retryDelayMs?: number;
}

/**
 * Works on sample jobs until `signal` aborts (or `maxJobs` are done). A queue that cannot be reached is waited for
 * (`onJob` reports each error), never taken for a verdict. Returns the jobs completed and refused.
 */
export async function runSampleWorker(options: SampleWorkerOptions): Promise<{ readonly completed: number; readonly refused: number }> {
  const { queue, deps } = options;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError({ parameter: 'concurrency', value: concurrency, expected: 'a positive integer' });
  const cache = new Map<string, Promise<SignatureRunner>>();
  const tally = { completed: 0, refused: 0 };
  const stopping = () => options.signal?.aborted === true || (options.maxJobs !== undefined && tally.completed + tally.refused >= options.maxJobs);
  const report = (outcome: SampleJobOutcome) => { try { options.onJob?.(outcome); } catch { /* a reporter never stops the worker */ } };

  const work = async (job: ClaimedSampleJob): Promise<void> => {
    const jobKind = jobKindOf(job);
    const refuse = async (code: string, reason: string) => {
      await queue.refuseJob(job, { code, reason });
      tally.refused += 1;
      report({ kind: 'refused', jobId: job.jobId, jobKind, code, reason });
    };
    if (job.protocolVersion !== SAMPLE_JOB_PROTOCOL_VERSION) {
      await refuse('protocol_mismatch', `the job is of protocol version ${job.protocolVersion}, this worker (zerr ${deps.workerId}) speaks version ${SAMPLE_JOB_PROTOCOL_VERSION}: run workers and owners of the same zerr version`);
      return;
    }
    if (!(await queue.isRunLive(job.runId))) {
      await refuse('unknown_run', `run ${job.runId} is not live: no process owns it (it ended, was stopped, or was never registered)`);
      return;
    }
    report({ kind: 'claimed', jobId: job.jobId, jobKind, attempt: job.attempt });
    const started = Date.now();
    // The claim is renewed at a third of its lock, so that a slow model call or verification keeps it.
    const renewal = setInterval(() => { queue.renewClaim(job).catch(() => undefined); }, Math.max(50, Math.floor(job.lockMs / 3)));
    let result: JsonObject;
    try {
      const signal = options.abortJobs === undefined ? {} : { signal: options.abortJobs };
      result = (jobKind === 'proposal'
        ? await executeProposalJob({ modelFor: deps.modelFor ?? (() => deps.model), workerId: deps.workerId }, job, signal)
        : await executeSampleJob(deps, job, { cache, ...signal })) as unknown as JsonObject;
    } catch (error) {
      clearInterval(renewal);
      if (error instanceof InvalidArgumentError) {
        await refuse('invalid_job', error.message);
        return;
      }
      if (error instanceof ChecksMismatchError) {
        await refuse('checks_mismatch', error.message);
        return;
      }
      // A failure of this worker's machinery (the sandbox, a signal): the job is not judged here; its claim lapses
      // and another worker takes it.
      report({ kind: 'error', jobId: job.jobId, jobKind, message: error instanceof Error ? error.message : String(error) });
      return;
    }
    clearInterval(renewal);
    await queue.completeJob(job, result);
    tally.completed += 1;
    report({ kind: 'completed', jobId: job.jobId, jobKind, attempt: job.attempt, durationMs: Date.now() - started, verdict: describeResult(result) });
  };

  const slot = async (): Promise<void> => {
    while (!stopping()) {
      let job: ClaimedSampleJob | null = null;
      try {
        job = await queue.claimJob({ workerId: deps.workerId, waitMs: 1_000, ...(options.signal === undefined ? {} : { signal: options.signal }) });
        if (job !== null) await work(job);
      } catch (error) {
        if (options.signal?.aborted === true) return;
        if (error instanceof ClaimLostError) {
          report({ kind: 'lost', jobId: error.jobId, reason: error.message });
          continue;
        }
        report({ kind: 'error', ...(job === null ? {} : { jobId: job.jobId }), message: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1_000));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return tally;
}

/** One line of what a job came to, for the worker's log: `class <key>`, `rejected`, `answer (<n> tokens)`, ... */
function describeResult(result: JsonObject): string {
  if (result['kind'] === 'proposal') {
    const { draw } = result as unknown as ProposalJobReport;
    return draw.kind === 'answer' ? `answer (${draw.outputTokens} tokens)` : draw.kind === 'failed' ? `call failed (${draw.code})` : draw.kind;
  }
  const { verdict } = result as unknown as RemoteSampleReport;
  return verdict.classKey !== undefined ? `class ${verdict.classKey}` : verdict.failed !== undefined ? `call failed (${verdict.failed.code})` : verdict.stop ?? 'rejected';
}
