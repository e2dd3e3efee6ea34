/**
 * @module service/run-job-consumer
 * `zerr serve --redis` taking whole runs from Redis (`zerr batch submit`, `zerr schedule add`, `POST /v1/runs` of any
 * server of the cluster): while the run service
 * has a free slot, the next run job (by priority, then age) is claimed and started as a run of this server (recorded
 * in its store, shown on its dashboard); its lock is renewed while the run goes on, a `zerr batch cancel` cancels it,
 * and its result (the run id, status and outcomes) completes the job. Several servers on one Redis share the waiting
 * runs: the queue is the cluster-wide admission control, each server admitting as many as it has slots.
 */
import type { RunJobRequest } from '../queue/redis/bullmq-run-queue.js';
import type { RunService } from './run-service.js';

/** What the consumer needs of the run queue (`BullmqRunQueue`). */
export interface RunJobSource {
  claimRun(workerId: string): Promise<{ readonly jobId: string; readonly request: RunJobRequest; readonly batchId: string | null } | null>;
  renewRun(jobId: string): Promise<void>;
  noteRunId(jobId: string, runId: string, server?: string): Promise<void>;
  isCancelled(jobId: string): Promise<boolean>;
  completeRun(jobId: string, result: { readonly runId: string; readonly result: string }): Promise<void>;
  failRun(jobId: string, reason: string): Promise<void>;
}

/** Options of {@link consumeRunJobs}. */
export interface RunJobConsumerOptions {
  readonly source: RunJobSource;
  readonly service: RunService;
  readonly workerId: string;
  /** Runs taken at once. Default the service's `maxRunningRuns`. */
  readonly slots?: number;
  /** How often a running job's lock is renewed and its cancel flag read, in ms. Default 10,000. */
  readonly renewMs?: number;
  /** Stops taking runs; runs already started go on (the service pauses or finishes them). */
  readonly signal: AbortSignal;
  /** A job that could not be started or finished, or a queue error (the loop waits and goes on). */
  readonly onEvent?: (event: { readonly kind: 'started' | 'finished' | 'failed' | 'error'; readonly jobId?: string; readonly runId?: string; readonly message: string }) => void;
}

/** Takes run jobs until `signal` aborts; resolves once the runs it started are settled. */
export async function consumeRunJobs(options: RunJobConsumerOptions): Promise<void> {
  const { source, service, signal } = options;
  const slots = options.slots ?? service.status().maxRunningRuns;
  const running = new Set<Promise<void>>();
  const report = options.onEvent ?? (() => undefined);
  const pause = (ms: number) => new Promise<void>((resolve) => { const timer = setTimeout(resolve, ms); signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true }); });

  const runOne = async (jobId: string, request: RunJobRequest): Promise<void> => {
    let runId: string;
    try {
      runId = (await service.startQueued(request)).runId;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'service_closed') {
        // This server is shutting down: the job is left to lapse, for another server (or this one, restarted).
        report({ kind: 'error', jobId, message: 'the server shut down before the run started; the job goes back to the queue when its lock lapses' });
        return;
      }
      // The spec or build request is refused (invalid, unsolvable): the job fails with the reason, for `zerr batch status`.
      const message = error instanceof Error ? error.message : String(error);
      await source.failRun(jobId, message).catch(() => undefined);
      report({ kind: 'failed', jobId, message });
      return;
    }
    await source.noteRunId(jobId, runId, options.workerId).catch(() => undefined);
    report({ kind: 'started', jobId, runId, message: `run ${runId} started for ${request.source ?? (request.kind === 'build' ? 'a build' : 'a spec')}` });
    const renewal = setInterval(() => {
      void (async () => {
        await source.renewRun(jobId);
        if (await source.isCancelled(jobId)) await service.cancel(runId);
      })().catch(() => undefined);
    }, options.renewMs ?? 10_000);
    try {
      await service.settled(runId);
      const view = await service.get(runId);
      const outcomes = (view?.tasks ?? []).map((task) => task.decision?.outcome ?? 'undecided').join(', ');
      await source.completeRun(jobId, { runId, result: `${view?.status ?? 'unknown'}${outcomes === '' ? '' : `: ${outcomes}`}` });
      report({ kind: 'finished', jobId, runId, message: `run ${runId} ${view?.status ?? 'ended'}` });
    } catch (error) {
      report({ kind: 'error', jobId, runId, message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(renewal);
    }
  };

  while (!signal.aborted) {
    const status = service.status();
    if (status.closed) break;
    if (running.size >= slots || status.live.length + status.queued.length >= status.maxRunningRuns) {
      await pause(250);
      continue;
    }
    try {
      const claim = await source.claimRun(options.workerId);
      if (claim === null || signal.aborted) continue;
      const work = runOne(claim.jobId, claim.request).finally(() => running.delete(work));
      running.add(work);
    } catch (error) {
      report({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      await pause(1_000);
    }
  }
  await Promise.allSettled([...running]);
}
