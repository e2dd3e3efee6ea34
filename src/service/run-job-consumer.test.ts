import { describe, expect, test } from 'vitest';
import type { RunJobRequest } from '../queue/redis/bullmq-run-queue.js';
import { consumeRunJobs, type RunJobSource } from './run-job-consumer.js';
import type { RunService } from './run-service.js';
import { ServiceClosedError } from './service-closed-error.js';

/** A source holding `jobs`, recording what the consumer did with each. */
function source(jobs: { jobId: string; request: RunJobRequest }[]) {
  const calls: string[] = [];
  const held: RunJobSource = {
    claimRun: () => Promise.resolve((() => { const job = jobs.shift(); return job === undefined ? null : { ...job, batchId: null }; })()),
    renewRun: (jobId) => { calls.push(`renew ${jobId}`); return Promise.resolve(); },
    noteRunId: (jobId, runId, server) => { calls.push(`note ${jobId} ${runId} ${server ?? ''}`); return Promise.resolve(); },
    isCancelled: () => Promise.resolve(false),
    completeRun: (jobId, result) => { calls.push(`complete ${jobId} ${result.result}`); return Promise.resolve(); },
    failRun: (jobId, reason) => { calls.push(`fail ${jobId} ${reason}`); return Promise.resolve(); },
  };
  return { held, calls };
}

/** A run service whose `startQueued` does what `start` says; one slot. */
function service(start: (request: RunJobRequest) => Promise<{ runId: string; queuePosition: null }>): RunService {
  return {
    startQueued: start,
    status: () => ({ live: [], queued: [], maxRunningRuns: 1, maxQueuedRuns: 1, closed: false }),
    settled: () => Promise.resolve(),
    get: (runId: string) => Promise.resolve({ id: runId, status: 'completed', tasks: [{ decision: { outcome: 'consensus' } }] }),
  } as unknown as RunService;
}

const solve: RunJobRequest = { kind: 'solve', spec: { id: 't' }, runId: 'run-1' };

describe('consumeRunJobs', () => {
  test('a run is started with the job\'s request, noted with this server, and its job completed with the result', async () => {
    const { held, calls } = source([{ jobId: 'submitted-run-1', request: solve }]);
    const stop = new AbortController();
    const started: RunJobRequest[] = [];
    const consuming = consumeRunJobs({ source: held, service: service((request) => { started.push(request); return Promise.resolve({ runId: 'run-1', queuePosition: null }); }), workerId: 'serve-a', signal: stop.signal });
    await expect.poll(() => calls.some((call) => call.startsWith('complete'))).toBe(true);
    stop.abort();
    await consuming;
    expect(started).toEqual([solve]);
    expect(calls).toEqual(['note submitted-run-1 run-1 serve-a', 'complete submitted-run-1 completed: consensus']);
  });

  test('a request the server refuses fails its job with the reason; a server shutting down leaves the job to lapse', async () => {
    const { held, calls } = source([{ jobId: 'bad', request: solve }, { jobId: 'late', request: solve }]);
    const stop = new AbortController();
    const errors: string[] = [];
    let first = true;
    const consuming = consumeRunJobs({
      source: held, workerId: 'serve-a', signal: stop.signal, onEvent: (event) => { if (event.kind === 'error') errors.push(`${event.jobId ?? ''}: ${event.message}`); },
      service: service(() => {
        if (first) { first = false; return Promise.reject(new Error('invalid task spec: name missing')); }
        return Promise.reject(new ServiceClosedError('start a run'));
      }),
    });
    await expect.poll(() => errors.length).toBe(1);
    stop.abort();
    await consuming;
    expect(calls).toEqual(['fail bad invalid task spec: name missing']);
    expect(errors[0]).toMatch(/^late: the server shut down before the run started/);
  });
});
